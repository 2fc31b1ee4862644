/**
 * `bash`: runs a command and waits for it, up to the configured timeout. It runs THROUGH the task engine,
 * so the user sees it as a task they can cancel. On timeout the command is not killed: it goes on as a
 * background task and the model is told it will get a notice when it ends.
 */
import type { TaskInfo } from '../../background/types';
import { isFinalStatus } from '../../background/types';
import { taskHeader, taskOutput } from './taskFormat';
import { approveCommand, defineTool, firstLine, type ToolContext, type ToolResult } from './types';

interface BashInput {
	readonly command: string;
}

type WaitOutcome = { readonly kind: 'finished'; readonly task: TaskInfo } | { readonly kind: 'timeout' } | { readonly kind: 'aborted' };

function waitForTask(context: ToolContext, id: string, timeoutSeconds: number): Promise<WaitOutcome> {
	return new Promise<WaitOutcome>((resolve) => {
		let settled = false;
		const settle = (outcome: WaitOutcome) => {
			if (!settled) {
				settled = true;
				clearTimeout(timer);
				context.signal.removeEventListener('abort', onAbort);
				resolve(outcome);
			}
		};
		const onAbort = () => settle({ kind: 'aborted' });
		const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, timeoutSeconds) * 1000);
		if (context.signal.aborted) {
			onAbort();
			return;
		}
		context.signal.addEventListener('abort', onAbort);
		// The shell's end is the command's end: a child it left running (a server sent to the background,
		// a daemon, one that keeps our output open) must not hold the conversation until the timeout.
		context.tasks.whenMainEnded(id).then(
			(task) => {
				if (isFinalStatus(task.status)) {
					settle({ kind: 'finished', task });
					return;
				}
				// Most commands leave nothing: the task ends a moment later, once that is checked.
				const settleTimer = setTimeout(() => settle({ kind: 'finished', task: context.tasks.get(id) ?? task }), leftoverSettleMilliseconds);
				void context.tasks.whenFinished(id).then((finished) => {
					clearTimeout(settleTimer);
					settle({ kind: 'finished', task: finished });
				}, () => undefined);
			},
			// The engine lost the task (it was removed): report what it last knew.
			() => settle({ kind: 'timeout' }),
		);
	});
}

/** How long after its shell ended the tool waits for a task to end before it reports what the command left running. */
const leftoverSettleMilliseconds = 1500;

/** The result when the command's shell ended but processes it started still run, as the same task. */
function leftRunning(context: ToolContext, task: TaskInfo): ToolResult {
	const left = task.processesLeft ?? [];
	const exit = task.mainExit?.exitCode;
	const what =
		left.length > 0
			? `${left.length} process${left.length === 1 ? '' : 'es'} it started keep${left.length === 1 ? 's' : ''} running as task ${task.id} (${left.map((each) => `${each.pid} ${each.command}`).join('; ')})`
			: `processes it started keep its output open and run on as task ${task.id}`;
	return {
		content:
			`The command's shell ended${typeof exit === 'number' ? ` with exit code ${exit}` : ''}, but ${what}; you will be told when ${left.length === 1 ? 'it ends' : 'they end'}. ` +
			`Cancel it with background_cancel if it should not run on. Do not poll it or sleep to wait.\n` +
			`${taskHeader(task)}\noutput so far:\n${taskOutput(context.tasks, task)}`,
		summary: `exit ${exit ?? '?'}, ${task.id} runs on`,
	};
}

export const bashTool = defineTool<BashInput>({
	name: 'bash',
	description:
		'Runs a shell command in the workspace and waits for it to finish (up to a timeout), returning its exit code and output. ' +
		'Use it for quick commands. For anything that may take long (installs, builds, test suites, servers, watchers), use background_run instead ' +
		'and keep working. If the command outlives the timeout it is not killed: it keeps running as a background task and you get a notice when it ends. ' +
		'It returns when the shell ends; processes the command left running (`server &`, daemons) go on as that background task, and the result says so.',
	inputSchema: {
		type: 'object',
		properties: { command: { type: 'string', description: 'The command line, run by the shell.' } },
		required: ['command'],
	},
	summarize: (input) => firstLine(input.command),
	async execute(input, context): Promise<ToolResult> {
		if (input.command.trim() === '') {
			return { content: 'The command is empty.', isError: true, summary: 'empty command' };
		}
		const refused = await approveCommand(context, 'bash', input.command);
		if (refused) {
			return refused;
		}
		const started = context.tasks.start(input.command, { origin: 'agent', conversationId: context.conversationId, ...(context.cwd ? { cwd: context.cwd } : {}) });
		context.linkTask(started.id);
		const outcome = await waitForTask(context, started.id, context.bashTimeoutSeconds);

		if (outcome.kind === 'aborted') {
			context.markDelivered(started.id);
			const cancelled = await context.tasks.cancel(started.id, 'stopped by the user');
			const task = cancelled ?? context.tasks.get(started.id) ?? started;
			return {
				content: `Stopped by the user; the command was cancelled.\n${taskHeader(task)}\noutput:\n${taskOutput(context.tasks, task)}`,
				isError: true,
				summary: 'stopped',
			};
		}

		// A command that ended right at the timeout counts as finished: its result is here, not in a notice.
		const current = outcome.kind === 'finished' ? outcome.task : context.tasks.get(started.id);
		if (current && isFinalStatus(current.status)) {
			context.markDelivered(current.id);
			const exit = typeof current.exitCode === 'number' ? `exit ${current.exitCode}` : current.status;
			return {
				content: `${taskHeader(current)}\noutput:\n${taskOutput(context.tasks, current)}`,
				summary: exit,
			};
		}
		const task = current ?? started;
		if (outcome.kind === 'finished') {
			return leftRunning(context, task);
		}
		return {
			content:
				`The command is still running after ${context.bashTimeoutSeconds} s. It was not stopped: it keeps running in the background as ${task.id}, ` +
				`and you will get a task notice when it finishes. Do not poll it or sleep to wait; go on with other work.\n` +
				`${taskHeader(task)}\noutput so far:\n${taskOutput(context.tasks, task)}`,
			summary: `still running as ${task.id}`,
		};
	},
});
