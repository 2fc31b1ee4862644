/**
 * The background tools as other agents see them, in VS Code (Language Model Tools) and outside it (the
 * MCP server): the same tools and inputs under names that say whose they are, a description written for
 * a model that never saw Meanwhile, the line VS Code shows while one runs, and the context a call runs in.
 */
import type { TaskService } from '../../background/types';
import type { Logger } from '../../common/logger';
import { ellipsize } from '../../common/text';
import { isRecord } from '../../common/guards';
import type { WorkspaceFiles } from '../workspace';
import { backgroundCancelTool } from './backgroundCancel';
import { backgroundOutputTool } from './backgroundOutput';
import { backgroundRunTool } from './backgroundRun';
import { backgroundWaitTool } from './backgroundWait';
import { checkBackgroundTool } from './checkBackground';
import type { AgentTool, ApprovalResult, ToolContext } from './types';

export interface ToolForOtherAgents {
	/** The name in `vscode.lm.tools` (and the manifest's `languageModelTools`) and over MCP. */
	readonly name: string;
	readonly tool: AgentTool;
	/** What the calling model reads (the manifest's `modelDescription`, and the MCP tool's description). */
	readonly description: string;
	/** What VS Code shows while the call runs. */
	invocationMessage(input: unknown): string;
}

function field(input: unknown, name: string): string {
	const value = isRecord(input) ? input[name] : undefined;
	return typeof value === 'string' ? ellipsize(value.replace(/\s+/g, ' ').trim(), 80) : '';
}

export const TOOLS_FOR_OTHER_AGENTS: readonly ToolForOtherAgents[] = [
	{
		name: 'meanwhile_background_run',
		tool: backgroundRunTool,
		description:
			"Starts a shell command as a background task in the user's workspace and returns at once with its task id (like bg-3), so you can keep working while it runs. " +
			'Use it for anything that takes more than a few seconds or never ends: installs, builds, test suites, dev servers, file watchers. ' +
			"The task appears in the user's Background Tasks view in VS Code, where they see its status and output and can cancel it. " +
			'You are NOT notified when it finishes: call meanwhile_background_wait with the task id when you need its result (exit status and last output lines); ' +
			'meanwhile_background_output reads its output so far, meanwhile_check_background shows its status, meanwhile_background_cancel stops it. ' +
			'For a server or watcher, pass ready (a pattern its output prints when ready, or the port it listens on): the call then returns once it is ready, with the matching line and the last output. ' +
			'A command identical to one still running in the same folder is not started again (its task id is returned) unless allow_duplicate is true. ' +
			"The user's approval rules apply: a command may need their confirmation, or be refused with the reason.",
		invocationMessage: (input) => `Starting in the background: ${field(input, 'command')}`,
	},
	{
		name: 'meanwhile_check_background',
		tool: checkBackgroundTool,
		description:
			"Shows one background task's status (queued, running, succeeded, failed, cancelled or timed out), exit code, duration, listening ports, CPU and memory and its last output lines; " +
			'without task_id, lists every background task of the workspace one per line, also those the user or other agents started. ' +
			'Task ids look like bg-3 and come from meanwhile_background_run. To wait for a task to finish, use meanwhile_background_wait instead of calling this repeatedly.',
		invocationMessage: (input) => (field(input, 'task_id') ? `Checking ${field(input, 'task_id')}` : 'Listing background tasks'),
	},
	{
		name: 'meanwhile_background_output',
		tool: backgroundOutputTool,
		description:
			'Reads the output (stdout and stderr together, ANSI codes removed) of a background task, such as one started with meanwhile_background_run. ' +
			'By default only what it printed since your previous call for that task; since: "start" gives all the output kept in memory; grep keeps matching lines and tail_lines the last N. ' +
			'Long output is cut in the middle, with the path of the full log file.',
		invocationMessage: (input) => `Reading the output of ${field(input, 'task_id')}`,
	},
	{
		name: 'meanwhile_background_wait',
		tool: backgroundWaitTool,
		description:
			'Waits for a background task started with meanwhile_background_run: by default until it ends; with until.pattern until it prints a line matching the regular expression; ' +
			'with until.port until that local TCP port accepts connections; with several conditions the first to happen wins, and the task ending always ends the wait. ' +
			'Gives up after timeout_seconds (default 60, at most 600) without stopping the task: call it again to wait longer. ' +
			'Returns what happened (the matched line, the open port, or the final status and exit code) and the last output lines. ' +
			'This is how you learn that a task finished: no notice is sent to you. Use it instead of sleep or of repeated status checks, once you have nothing else useful to do meanwhile.',
		invocationMessage: (input) => `Waiting for ${field(input, 'task_id')}`,
	},
	{
		name: 'meanwhile_background_cancel',
		tool: backgroundCancelTool,
		description:
			'Cancels a running or queued background task: its whole process group is stopped (SIGTERM, then SIGKILL after a grace period). Returns its final status and last output lines. ' +
			'Use it for a server or watcher that is no longer needed, or a task started by mistake.',
		invocationMessage: (input) => `Cancelling ${field(input, 'task_id')}`,
	},
];

/** The command a call would start, for the approval policy; undefined for tools that start nothing. */
export function commandOf(name: string, input: unknown): string | undefined {
	if (name !== 'meanwhile_background_run' || !isRecord(input) || typeof input.command !== 'string') {
		return undefined;
	}
	return input.command;
}

/** What one call from another agent runs with, besides its input. */
export interface OutsideCall {
	readonly toolUseId: string;
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly logger: Logger;
	/** Who calls, as the tree shows it (`running · 4s · by claude-code`). */
	readonly caller: string;
	/** Ends the call: the caller cancelled it or went away. */
	readonly signal: AbortSignal;
	/** Where commands run; the task engine's default when absent. */
	readonly cwd?: string;
	readonly bashTimeoutSeconds: number;
	/** The approval policy's answer for a command the call would start. */
	approve(command: string, signal: AbortSignal): Promise<ApprovalResult>;
	/** Where `meanwhile_background_output` last stopped reading each task, for this caller. */
	readonly outputCursors: Map<string, number>;
}

/**
 * The agent's tool context for a call from another agent: no conversation (the caller's is not
 * Meanwhile's), so its tasks are of origin `tool`, named by the caller, and send no notice.
 */
export function contextForOtherAgent(call: OutsideCall): ToolContext {
	const { tasks, files, logger, signal, outputCursors } = call;
	return {
		toolUseId: call.toolUseId,
		tasks,
		files,
		signal,
		bashTimeoutSeconds: call.bashTimeoutSeconds,
		...(call.cwd !== undefined ? { cwd: call.cwd } : {}),
		conversationId: '',
		outsideCaller: call.caller,
		logger,
		approve: (_toolName, command, _toolUseId, approvalSignal) => call.approve(command, approvalSignal ?? signal),
		markDelivered: () => undefined,
		linkTask: () => undefined,
		reportState: () => undefined,
		outputCursor: (taskId) => outputCursors.get(taskId),
		setOutputCursor: (taskId, cursor) => {
			outputCursors.set(taskId, cursor);
		},
	};
}
