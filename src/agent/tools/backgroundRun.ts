/**
 * `background_run`: starts a command as a background task. Returns at once with its id, or, with
 * `ready`, once the task is ready (a line matched, a port opened), ended, or the wait timed out.
 * A command already running in the same folder is not started twice unless asked.
 */
import { promises as fs } from 'node:fs';
import type { TaskInfo, WaitResult } from '../../background/types';
import { NodeWorkspaceFiles, WorkspaceError } from '../workspace';
import { approveCommand, defineTool, firstLine, type ToolContext, type ToolResult } from './types';
import {
	clampWaitSeconds,
	invalidPattern,
	MATCHED_LINE_QUOTE_CHARS,
	patternOrPort,
	READY_TAIL_LINES,
	taskAfterWait,
	waitForTask,
	waitReport,
	type WaitReport,
} from './waitReport';
import { errorMessage } from '../../common/errors';

interface BackgroundRunInput {
	readonly command: string;
	readonly cwd?: string;
	readonly timeout_seconds?: number;
	readonly ready?: {
		readonly pattern?: string;
		readonly port?: number;
		readonly timeout_seconds?: number;
	};
	readonly leave_running?: boolean;
	readonly allow_duplicate?: boolean;
}

export const DEFAULT_READY_SECONDS = 120;
const NOTICE_HINT = 'You will get a task notice when it finishes; do not poll it or sleep to wait. Go on with other work meanwhile.';
/** Another agent in VS Code cannot be sent a notice: the wait tool is how it learns of the end. */
export const OUTSIDE_WAIT_HINT =
	'No notice will reach you when it finishes: call meanwhile_background_wait with this task_id when you need its result ' +
	'(it returns the exit status and the last output lines). Do not sleep to wait; go on with other work meanwhile.';

function noticeHint(context: ToolContext): string {
	return context.outsideCaller === undefined ? NOTICE_HINT : OUTSIDE_WAIT_HINT;
}

export const backgroundRunTool = defineTool<BackgroundRunInput>({
	name: 'background_run',
	description:
		'Starts a shell command as a background task and returns its task id. Use it for long-running commands: installs, builds, test suites, ' +
		'dev servers, watchers. Keep working meanwhile: when the task finishes you receive a <task-notice> with its status, exit code and last ' +
		'output lines. Do not poll with check_background or sleep to wait for it. For a server or watcher, pass ready (a pattern its output prints ' +
		'when ready, or the port it listens on): the call then returns once it is ready, with the matching line and the last output, instead of at once. ' +
		'A command identical to one still running in the same folder is not started again (its task id is returned) unless allow_duplicate is true.',
	inputSchema: {
		type: 'object',
		properties: {
			command: { type: 'string', description: 'The command line, run by the shell.' },
			cwd: { type: 'string', description: 'The folder to run it in, relative to the (first) workspace folder; must be inside the workspace. Default: the workspace folder.' },
			timeout_seconds: { type: 'number', description: 'Stop the task (status "timed out") after this many seconds. Default: no limit.' },
			ready: {
				type: 'object',
				description: 'Wait until the task is ready before returning; give pattern, port, or both (the first to happen wins).',
				properties: {
					pattern: { type: 'string', description: 'A regular expression (RE2 syntax: no lookaround or backreferences) a line of output matches once ready, e.g. "Local:.*http|listening on".' },
					port: { type: 'integer', minimum: 1, maximum: 65535, description: 'A local TCP port that accepts connections once ready.' },
					timeout_seconds: {
						type: 'number',
						description: `How long to wait for readiness (default ${DEFAULT_READY_SECONDS}, at most 600). The task keeps running if it is not ready by then.`,
					},
				},
				additionalProperties: false,
			},
			leave_running: { type: 'boolean', description: 'true: keep the task running when the editor window is closed or reloaded (for a server the user keeps using).' },
			allow_duplicate: { type: 'boolean', description: 'true: start the command even if the same command already runs in the same folder.' },
		},
		required: ['command'],
		additionalProperties: false,
	},
	summarize: (input) => firstLine(input.command),
	async execute(input, context): Promise<ToolResult> {
		if (input.command.trim() === '') {
			return { content: 'The command is empty.', isError: true, summary: 'empty command' };
		}
		const ready = input.ready;
		if (ready) {
			if (ready.pattern === undefined && ready.port === undefined) {
				return { content: 'ready needs a pattern, a port, or both. Leave ready out to return at once.', isError: true, summary: 'invalid ready' };
			}
			const invalid = invalidPattern(ready.pattern, 'ready.pattern');
			if (invalid) {
				return invalid;
			}
			if (ready.timeout_seconds !== undefined && ready.timeout_seconds <= 0) {
				return { content: 'ready.timeout_seconds must be more than 0.', isError: true, summary: 'invalid timeout' };
			}
		}
		if (input.timeout_seconds !== undefined && input.timeout_seconds <= 0) {
			return { content: 'timeout_seconds must be more than 0 (leave it out for no limit).', isError: true, summary: 'invalid timeout' };
		}
		let cwd = context.cwd;
		if (input.cwd !== undefined) {
			const resolved = await resolveCwd(context, input.cwd);
			if (resolved.error !== undefined) {
				return { content: resolved.error, isError: true, summary: 'invalid cwd' };
			}
			cwd = resolved.path;
		}

		if (input.allow_duplicate !== true) {
			const duplicate = context.tasks.findDuplicate(input.command, cwd);
			if (duplicate) {
				return runningAlready(context, duplicate, input);
			}
		}

		const refused = await approveCommand(context, 'background_run', input.command);
		if (refused) {
			return refused;
		}
		let task = context.tasks.start(input.command, {
			...(context.outsideCaller === undefined ? { origin: 'agent', conversationId: context.conversationId } : { origin: 'tool', caller: context.outsideCaller }),
			...(cwd !== undefined ? { cwd } : {}),
			...(input.timeout_seconds !== undefined ? { timeoutSeconds: input.timeout_seconds } : {}),
			...(input.leave_running === true ? { leaveRunning: true } : {}),
		});
		if (input.leave_running === true && task.leaveRunning !== true) {
			task = context.tasks.setLeaveRunning(task.id, true) ?? task;
		}
		context.linkTask(task.id);
		if (ready) {
			return waitUntilReady(context, task, input);
		}
		const lines = [`task_id: ${task.id}`, `status: ${task.status}`];
		if (input.cwd !== undefined) {
			lines.push(`cwd: ${task.cwd}`);
		}
		if (input.timeout_seconds !== undefined) {
			lines.push(`timeout_s: ${input.timeout_seconds}`);
		}
		if (task.leaveRunning) {
			lines.push('leave_running: true');
		}
		return {
			content: `${lines.join('\n')}\nThe command runs in the background. ${noticeHint(context)}`,
			summary: `${task.id} ${task.status}`,
		};
	},
});

/** The folder the model named, inside the workspace (symbolic links followed) and existing. */
async function resolveCwd(context: ToolContext, cwd: string): Promise<{ path: string; error?: undefined } | { error: string }> {
	let resolved: string;
	try {
		resolved = await new NodeWorkspaceFiles(() => context.files.roots()).resolve(cwd);
	} catch (error) {
		const message = errorMessage(error);
		return { error: error instanceof WorkspaceError ? `cwd: ${message} Commands can only run in folders of the workspace.` : `cwd: ${message}` };
	}
	try {
		const stat = await fs.stat(resolved);
		if (!stat.isDirectory()) {
			return { error: `cwd: ${cwd} is a file, not a folder.` };
		}
	} catch {
		return { error: `cwd: ${cwd} does not exist (resolved to ${resolved}).` };
	}
	return { path: resolved };
}

/** The same command already runs in the same folder: its id instead of a second copy. */
async function runningAlready(context: ToolContext, duplicate: TaskInfo, input: BackgroundRunInput): Promise<ToolResult> {
	context.linkTask(duplicate.id);
	let task = duplicate;
	if (input.leave_running === true && duplicate.leaveRunning !== true) {
		task = context.tasks.setLeaveRunning(duplicate.id, true) ?? duplicate;
	}
	const note = `already running as ${task.id}; pass allow_duplicate: true to start another.`;
	if (input.ready) {
		const result = await waitUntilReady(context, task, input);
		const [first, second, ...rest] = result.content.split('\n');
		return { ...result, content: [first, second, note, ...rest].join('\n'), summary: `already running as ${task.id}; ${result.summary ?? ''}` };
	}
	return {
		content: `task_id: ${task.id}\nstatus: ${task.status}\n${note} It was not started again. ${noticeHint(context)}`,
		summary: `already running as ${task.id}`,
	};
}

/** Waits for `ready`; the result still starts with the task_id and status lines. */
async function waitUntilReady(context: ToolContext, started: TaskInfo, input: BackgroundRunInput): Promise<ToolResult> {
	const ready = input.ready ?? {};
	const { seconds, note } = clampWaitSeconds(ready.timeout_seconds, DEFAULT_READY_SECONDS, 'ready.timeout_seconds');
	const result = await waitForTask(context, started.id, patternOrPort(ready), seconds, true);
	const task = taskAfterWait(context, started.id, result);
	return waitReport(context, task, { ...describeReadiness(result, task, ready.port, seconds, noticeHint(context)), note }, 'headerFirst', READY_TAIL_LINES);
}

function describeReadiness(result: WaitResult, task: TaskInfo, port: number | undefined, seconds: number, hint: string): WaitReport {
	switch (result.outcome) {
		case 'pattern':
			return {
				outcome: `ready: yes, a line matched: ${firstLine(result.line ?? '', MATCHED_LINE_QUOTE_CHARS)}\nThe task keeps running in the background. ${hint}`,
				summary: `${task.id} ready`,
			};
		case 'port':
			return {
				outcome: `ready: yes, port ${result.port ?? port ?? '?'} accepts connections\nThe task keeps running in the background. ${hint}`,
				summary: `${task.id} ready on :${result.port ?? port ?? '?'}`,
			};
		case 'exited':
			return {
				outcome: 'ready: no, the task ended before it was ready.',
				summary: `${task.id} ended: ${typeof task.exitCode === 'number' ? `exit ${task.exitCode}` : task.status}`,
			};
		case 'timeout':
			return {
				outcome:
					`ready: not yet after ${seconds} s. The task was not stopped and keeps running; use background_wait to wait longer, ` +
					'background_output to see what it prints, or background_cancel to stop it.',
				summary: `${task.id} not ready after ${seconds} s`,
			};
		case 'aborted':
			return {
				outcome: `Stopped by the user while waiting for the task to be ready; the task was not stopped and keeps running as ${task.id}.`,
				summary: 'stopped',
				isError: true,
			};
	}
}
