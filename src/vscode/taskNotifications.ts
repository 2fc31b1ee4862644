import * as vscode from 'vscode';
import type { TaskInfo, TaskService } from '../background/types';
import { Disposable } from '../common/lifecycle';
import { notifyWhenHidden } from './settings';
import { describeTask, shortenCommand } from './taskPresentation';

/** Tasks shorter than this end unnoticed: a toast for every quick command would be noise. */
const MIN_NOTIFY_MILLISECONDS = 5_000;

/**
 * A notification when a task ends while the chat is not visible (`background.notifyWhenHidden`), with
 * Show Output and, for failures, Ask Meanwhile. The agent hears of the task through its notice anyway.
 */
export class TaskNotifications extends Disposable {
	constructor(
		tasks: TaskService,
		private readonly _isChatVisible: () => boolean,
		private readonly _ask: (text: string) => void,
	) {
		super();
		this._register(tasks.onDidFinish((task) => void this._maybeNotify(task)));
	}

	private async _maybeNotify(task: TaskInfo): Promise<void> {
		if (!notifyWhenHidden() || this._isChatVisible()) {
			return;
		}
		const ran = task.startedAt !== undefined && task.endedAt !== undefined ? task.endedAt - task.startedAt : 0;
		if (ran < MIN_NOTIFY_MILLISECONDS || (task.status === 'cancelled' && task.reason === 'cancelled by you')) {
			return;
		}
		const message = `Meanwhile: ${task.id} \`${shortenCommand(task.command, 60)}\` ${describeTask(task, Date.now())}`;
		const failed = task.status === 'failed' || task.status === 'timed out';
		const choice = failed
			? await vscode.window.showWarningMessage(message, 'Show Output', 'Ask Meanwhile')
			: await vscode.window.showInformationMessage(message, 'Show Output');
		if (choice === 'Show Output') {
			await vscode.commands.executeCommand('meanwhile.showTaskOutput', task.id);
		} else if (choice === 'Ask Meanwhile') {
			const exit = typeof task.exitCode === 'number' ? `exit code ${task.exitCode}` : task.status;
			this._ask(`Task ${task.id} (\`${task.command}\`) ended with ${exit}. Look at its output and tell me what went wrong.`);
		}
	}
}
