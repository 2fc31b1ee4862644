/** The agent's tools, in the order the model sees them. */
import { backgroundCancelTool } from './backgroundCancel';
import { backgroundOutputTool } from './backgroundOutput';
import { backgroundRunTool } from './backgroundRun';
import { backgroundWaitTool } from './backgroundWait';
import { bashTool } from './bash';
import { checkBackgroundTool } from './checkBackground';
import { editFileTool } from './editFile';
import { readFileTool } from './readFile';
import type { AgentTool } from './types';
import { writeFileTool } from './writeFile';

export const DEFAULT_TOOLS: readonly AgentTool[] = [
	bashTool,
	backgroundRunTool,
	backgroundWaitTool,
	backgroundOutputTool,
	checkBackgroundTool,
	backgroundCancelTool,
	readFileTool,
	writeFileTool,
	editFileTool,
];

export {
	backgroundCancelTool,
	backgroundOutputTool,
	backgroundRunTool,
	backgroundWaitTool,
	bashTool,
	checkBackgroundTool,
	editFileTool,
	readFileTool,
	writeFileTool,
};
export type { AgentTool, ApprovalResult, ApproveCommand, ToolContext, ToolResult } from './types';
