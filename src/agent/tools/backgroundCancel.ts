/** `background_cancel`: stops a task (its whole process group), the same way the user's Cancel does. */
import { isFinalStatus } from '../../background/types';
import { taskHeader, taskOutput, unknownTask } from './taskFormat';
import { defineTool, type ToolResult } from './types';

interface BackgroundCancelInput {
	readonly task_id: string;
}

const TAIL_LINES = 20;
/** A tail of a few lines can still be huge (a minified bundle on one line). */
const TAIL_CHARS = 8_000;
export const CANCELLED_BY_AGENT = 'cancelled by the agent';

export const backgroundCancelTool = defineTool<BackgroundCancelInput>({
	name: 'background_cancel',
	description:
		'Cancels a running or queued background task: its whole process group is stopped (SIGTERM, then SIGKILL after a grace period). ' +
		'Returns its final status and last lines of output. Use it for a server or watcher you no longer need, or a task you started by mistake.',
	inputSchema: {
		type: 'object',
		properties: { task_id: { type: 'string', description: 'The task id, like bg-3.' } },
		required: ['task_id'],
		additionalProperties: false,
	},
	summarize: (input) => input.task_id,
	async execute(input, context): Promise<ToolResult> {
		const id = input.task_id.trim();
		const task = context.tasks.get(id);
		if (!task) {
			return unknownTask(context.tasks, id);
		}
		context.linkTask(id);
		if (isFinalStatus(task.status)) {
			context.markDelivered(id);
			return {
				content: `${taskHeader(task)}\nThe task had already ended; there was nothing to cancel.\nlast lines of output:\n${taskOutput(context.tasks, task, { maxLines: TAIL_LINES, maxChars: TAIL_CHARS })}\nfull log: ${task.logPath}`,
				summary: `already ${task.status}`,
			};
		}
		context.reportState('running');
		// Marked first: the finish event must not wake the session for a task the agent ended itself.
		context.markDelivered(id);
		const reason = context.outsideCaller === undefined ? CANCELLED_BY_AGENT : `cancelled by ${context.outsideCaller}`;
		const final = (await context.tasks.cancel(id, reason)) ?? context.tasks.get(id) ?? task;
		const how = final.status === 'cancelled' ? 'The task was cancelled.' : `The task ended on its own before it could be cancelled (${final.status}).`;
		return {
			content: `${taskHeader(final)}\n${how}\nlast lines of output:\n${taskOutput(context.tasks, final, { maxLines: TAIL_LINES, maxChars: TAIL_CHARS })}\nfull log: ${final.logPath}`,
			summary: final.status,
		};
	},
});
