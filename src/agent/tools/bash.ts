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
		context.tasks.whenFinished(id).then(
			(task) => settle({ kind: 'finished', task }),
			// The engine lost the task (it was removed): report what it last knew.
			() => settle({ kind: 'timeout' }),
		);
	});
}

export const bashTool = defineTool<BashInput>({
	name: 'bash',
	description:
		'Runs a shell command in the workspace and waits for it to finish (up to a timeout), returning its exit code and output. ' +
		'Use it for quick commands. For anything that may take long (installs, builds, test suites, servers, watchers), use background_run instead ' +
		'and keep working. If the command outlives the timeout it is not killed: it keeps running as a background task and you get a notice when it ends.',
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
		return {
			content:
				`The command is still running after ${context.bashTimeoutSeconds} s. It was not stopped: it keeps running in the background as ${task.id}, ` +
				`and you will get a task notice when it finishes. Do not poll it or sleep to wait; go on with other work.\n` +
				`${taskHeader(task)}\noutput so far:\n${taskOutput(context.tasks, task)}`,
			summary: `still running as ${task.id}`,
		};
	},
});
