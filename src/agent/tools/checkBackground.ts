/** `check_background`: one task's status and output tail, or every task on one line each. */
import { isFinalStatus } from '../../background/types';
import { taskHeader, taskLine, taskOutput, unknownTask } from './taskFormat';
import { defineTool } from './types';

interface CheckBackgroundInput {
	readonly task_id?: string;
}

const TAIL_LINES = 40;

export const checkBackgroundTool = defineTool<CheckBackgroundInput>({
	name: 'check_background',
	description:
		'Shows a background task\'s status, exit code, duration, ports, CPU and memory and last output lines; without task_id, lists all tasks one per line. ' +
		'You are notified when a task finishes, so use this only when you need a running task\'s state now. To read new output use background_output; ' +
		'to wait for a line, a port or the end use background_wait.',
	inputSchema: {
		type: 'object',
		properties: { task_id: { type: 'string', description: 'The task id, like bg-3. Omit to list all tasks.' } },
	},
	summarize: (input) => input.task_id ?? 'all tasks',
	execute(input, context) {
		if (input.task_id === undefined || input.task_id.trim() === '') {
			const tasks = context.tasks.list();
			if (tasks.length === 0) {
				return Promise.resolve({ content: 'No background tasks.', summary: 'no tasks' });
			}
			return Promise.resolve({ content: tasks.map(taskLine).join('\n'), summary: `${tasks.length} task${tasks.length === 1 ? '' : 's'}` });
		}
		const id = input.task_id.trim();
		const task = context.tasks.get(id);
		if (!task) {
			return Promise.resolve(unknownTask(context.tasks, id));
		}
		context.linkTask(task.id);
		if (isFinalStatus(task.status)) {
			// The model has now seen how it ended: a notice saying the same would be noise.
			context.markDelivered(task.id);
		}
		return Promise.resolve({
			content: `${taskHeader(task)}\ncommand: ${task.command}\nlast lines of output:\n${taskOutput(context.tasks, task, { maxLines: TAIL_LINES })}\nfull log: ${task.logPath}`,
			summary: task.status,
		});
	},
});
