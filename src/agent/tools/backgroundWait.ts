/**
 * `background_wait`: blocks until a task prints a line matching a pattern, listens on a port, or ends
 * (the default), or until a timeout; the task is never stopped by the wait. Stop (the user's) ends the
 * wait at once.
 */
import type { TaskInfo, WaitCondition, WaitResult } from '../../background/types';
import { unknownTask } from './taskFormat';
import { defineTool, firstLine, type ToolResult } from './types';
import {
	clampWaitSeconds,
	invalidPattern,
	MATCHED_LINE_QUOTE_CHARS,
	MAX_WAIT_SECONDS,
	patternOrPort,
	taskAfterWait,
	WAIT_TAIL_LINES,
	waitForTask,
	waitReport,
	type WaitReport,
} from './waitReport';

interface BackgroundWaitInput {
	readonly task_id: string;
	readonly until?: {
		readonly pattern?: string;
		readonly port?: number;
		readonly exit?: boolean;
		readonly only_new_output?: boolean;
	};
	readonly timeout_seconds?: number;
}

export const DEFAULT_WAIT_SECONDS = 60;

export const backgroundWaitTool = defineTool<BackgroundWaitInput>({
	name: 'background_wait',
	description:
		'Waits for a background task: by default until it ends; with until.pattern until it prints a line matching the regular expression; ' +
		'with until.port until that local TCP port accepts connections; several conditions: the first to happen wins (the task ending always ends the wait). ' +
		`Gives up after timeout_seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}); the task is never stopped by the wait, it keeps running. ` +
		'Returns what happened (the matched line, the open port, or the exit status) and the last lines of output. Use it instead of sleep or of ' +
		'calling check_background/background_output repeatedly, and only when you have nothing else useful to do meanwhile: a task that ends ' +
		'also reaches you as a notice on its own.',
	inputSchema: {
		type: 'object',
		properties: {
			task_id: { type: 'string', description: 'The task id, like bg-3.' },
			until: {
				type: 'object',
				description: 'What to wait for; the end of the task when absent.',
				properties: {
					pattern: { type: 'string', description: 'A regular expression (RE2 syntax: no lookaround or backreferences) matched against each line of output, e.g. "Compiled successfully|ERROR".' },
					port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Wait until this port on localhost accepts connections.' },
					exit: { type: 'boolean', description: 'true: wait for the task to end (also together with pattern or port).' },
					only_new_output: {
						type: 'boolean',
						description: 'true: match the pattern only against lines printed from now on (for example the next rebuild of a watcher); by default lines already printed count too.',
					},
				},
				additionalProperties: false,
			},
			timeout_seconds: { type: 'number', description: `How long to wait at most, in seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}).` },
		},
		required: ['task_id'],
		additionalProperties: false,
	},
	summarize: (input) => {
		const until = input.until;
		const what = [
			until?.pattern !== undefined ? `/${until.pattern}/` : '',
			until?.port !== undefined ? `port ${until.port}` : '',
			!until || until.exit === true ? 'exit' : '',
		].filter((part) => part !== '');
		return `${input.task_id}: ${what.join(' or ')}`;
	},
	async execute(input, context): Promise<ToolResult> {
		const id = input.task_id.trim();
		if (!context.tasks.get(id)) {
			return unknownTask(context.tasks, id);
		}
		const until = input.until;
		const invalid = invalidPattern(until?.pattern, 'until.pattern');
		if (invalid) {
			return invalid;
		}
		if (until && until.pattern === undefined && until.port === undefined && until.exit !== true) {
			return {
				content: 'until needs at least one of pattern, port or exit: true. Leave until out to wait for the task to end.',
				isError: true,
				summary: 'nothing to wait for',
			};
		}
		if (input.timeout_seconds !== undefined && input.timeout_seconds <= 0) {
			return { content: 'timeout_seconds must be more than 0.', isError: true, summary: 'invalid timeout' };
		}
		const { seconds, note } = clampWaitSeconds(input.timeout_seconds, DEFAULT_WAIT_SECONDS);
		const condition: WaitCondition = until ? { ...patternOrPort(until), ...(until.exit === true ? { exit: true } : {}) } : { exit: true };
		context.linkTask(id);
		context.reportState('running');
		const result = await waitForTask(context, id, condition, seconds, until?.only_new_output !== true);
		const task = taskAfterWait(context, id, result);
		return waitReport(context, task, { ...describeOutcome(result, task, condition, seconds), note }, 'outcomeFirst', WAIT_TAIL_LINES);
	},
});

function describeOutcome(result: WaitResult, task: TaskInfo, condition: WaitCondition, seconds: number): WaitReport {
	switch (result.outcome) {
		case 'pattern':
			return { outcome: `outcome: the pattern matched\nmatched_line: ${firstLine(result.line ?? '', MATCHED_LINE_QUOTE_CHARS)}`, summary: 'pattern matched' };
		case 'port':
			return { outcome: `outcome: port ${result.port ?? condition.port ?? '?'} accepts connections`, summary: `port ${result.port ?? condition.port ?? '?'} open` };
		case 'exited': {
			const waitedFor = [condition.pattern !== undefined ? 'the pattern matched' : '', condition.port !== undefined ? `port ${condition.port} opened` : '']
				.filter((part) => part !== '')
				.join(' or ');
			const exit = typeof task.exitCode === 'number' ? `exit ${task.exitCode}` : task.status;
			return { outcome: `outcome: the task ended${waitedFor ? ` before ${waitedFor}` : ''} (${task.status})`, summary: `ended, ${exit}` };
		}
		case 'timeout': {
			const awaited = [
				condition.pattern !== undefined ? 'the pattern matched' : '',
				condition.port !== undefined ? `port ${condition.port} opened` : '',
				condition.exit === true ? 'the task ended' : '',
			].filter((part) => part !== '');
			return {
				outcome: `outcome: timed out after ${seconds} s, before ${awaited.join(' or ')}; the task was not stopped and keeps running`,
				summary: `timed out after ${seconds} s`,
			};
		}
		case 'aborted':
			return { outcome: 'outcome: stopped by the user while waiting; the task was not stopped and keeps running', summary: 'stopped', isError: true };
	}
}
