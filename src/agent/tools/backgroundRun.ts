/** `background_run`: starts a command as a background task and returns at once with its id. */
import { askApproval, defineTool, firstLine } from './types';

interface BackgroundRunInput {
	readonly command: string;
}

export const backgroundRunTool = defineTool<BackgroundRunInput>({
	name: 'background_run',
	description:
		'Starts a shell command as a background task and returns at once with its task id. Use it for long-running commands: ' +
		'installs, builds, test suites, dev servers, watchers. Keep working meanwhile: when the task finishes you receive a ' +
		'<task-notice> with its status, exit code and last output lines. Do not poll with check_background or sleep to wait for it.',
	inputSchema: {
		type: 'object',
		properties: { command: { type: 'string', description: 'The command line, run by the shell.' } },
		required: ['command'],
	},
	summarize: (input) => firstLine(input.command),
	async execute(input, context) {
		if (input.command.trim() === '') {
			return { content: 'The command is empty.', isError: true, summary: 'empty command' };
		}
		context.reportState('awaitingApproval');
		const approval = await askApproval(context, 'background_run', input.command);
		if (!approval.allowed && context.signal.aborted) {
			return { content: 'Stopped by the user before the command started.', isError: true, summary: 'stopped' };
		}
		if (!approval.allowed) {
			return { content: `The user did not allow this command: ${approval.reason}`, isError: true, denied: true, summary: 'not allowed' };
		}
		context.reportState('running');
		const task = context.tasks.start(input.command, { origin: 'agent', ...(context.cwd ? { cwd: context.cwd } : {}) });
		context.linkTask(task.id);
		return {
			content:
				`task_id: ${task.id}\nstatus: ${task.status}\n` +
				'The command runs in the background. You will get a task notice when it finishes; do not poll it or sleep to wait. Go on with other work meanwhile.',
			summary: `${task.id} ${task.status}`,
		};
	},
});
