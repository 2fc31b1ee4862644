/** The agent's tools, in the order the model sees them. */
import { backgroundRunTool } from './backgroundRun';
import { bashTool } from './bash';
import { checkBackgroundTool } from './checkBackground';
import { editFileTool } from './editFile';
import { readFileTool } from './readFile';
import type { AgentTool } from './types';
import { writeFileTool } from './writeFile';

export const DEFAULT_TOOLS: readonly AgentTool[] = [
	bashTool,
	backgroundRunTool,
	checkBackgroundTool,
	readFileTool,
	writeFileTool,
	editFileTool,
];

export { backgroundRunTool, bashTool, checkBackgroundTool, editFileTool, readFileTool, writeFileTool };
export type { AgentTool, ApprovalResult, ApproveCommand, ToolContext, ToolResult } from './types';
