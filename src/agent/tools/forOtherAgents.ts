/**
 * The background tools as other agents in VS Code see them (Language Model Tools): the same tools and
 * inputs under names that say whose they are, and the line VS Code shows while one runs.
 */
import { ellipsize } from '../../common/text';
import { isRecord } from '../../common/guards';
import { backgroundCancelTool } from './backgroundCancel';
import { backgroundOutputTool } from './backgroundOutput';
import { backgroundRunTool } from './backgroundRun';
import { backgroundWaitTool } from './backgroundWait';
import { checkBackgroundTool } from './checkBackground';
import type { AgentTool } from './types';

export interface ToolForOtherAgents {
	/** The name in `vscode.lm.tools` (and the manifest's `languageModelTools`). */
	readonly name: string;
	readonly tool: AgentTool;
	/** What VS Code shows while the call runs. */
	invocationMessage(input: unknown): string;
}

function field(input: unknown, name: string): string {
	const value = isRecord(input) ? input[name] : undefined;
	return typeof value === 'string' ? ellipsize(value.replace(/\s+/g, ' ').trim(), 80) : '';
}

export const TOOLS_FOR_OTHER_AGENTS: readonly ToolForOtherAgents[] = [
	{ name: 'meanwhile_background_run', tool: backgroundRunTool, invocationMessage: (input) => `Starting in the background: ${field(input, 'command')}` },
	{ name: 'meanwhile_check_background', tool: checkBackgroundTool, invocationMessage: (input) => (field(input, 'task_id') ? `Checking ${field(input, 'task_id')}` : 'Listing background tasks') },
	{ name: 'meanwhile_background_output', tool: backgroundOutputTool, invocationMessage: (input) => `Reading the output of ${field(input, 'task_id')}` },
	{ name: 'meanwhile_background_wait', tool: backgroundWaitTool, invocationMessage: (input) => `Waiting for ${field(input, 'task_id')}` },
	{ name: 'meanwhile_background_cancel', tool: backgroundCancelTool, invocationMessage: (input) => `Cancelling ${field(input, 'task_id')}` },
];

/** The command a call would start, for the approval policy; undefined for tools that start nothing. */
export function commandOf(name: string, input: unknown): string | undefined {
	if (name !== 'meanwhile_background_run' || !isRecord(input) || typeof input.command !== 'string') {
		return undefined;
	}
	return input.command;
}
