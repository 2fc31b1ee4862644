import * as vscode from 'vscode';
import { isFinalStatus, TaskService } from '../background/types';
import { Disposable } from '../common/lifecycle';
import type { TaskElement } from './tasksTree';
import { TASKS_VIEW_ID } from './viewIds';

/**
 * The running count where the user looks: the view's badge and a status-bar item that opens the view;
 * and the context keys the menus' `when` clauses use.
 */
export class TaskStatusIndicators extends Disposable {
	private readonly _item = this._register(vscode.window.createStatusBarItem('meanwhile.tasks', vscode.StatusBarAlignment.Left, 50));
	private _pending: ReturnType<typeof setTimeout> | undefined;
	private _lastKeys = '';

	constructor(
		private readonly _tasks: TaskService,
		private readonly _view: vscode.TreeView<TaskElement>,
	) {
		super();
		this._item.name = 'Meanwhile Background Tasks';
		this._item.command = { command: `${TASKS_VIEW_ID}.focus`, title: 'Show Background Tasks' };
		this._register(this._tasks.onDidChange((change) => (change.kind === 'output' ? undefined : this._schedule())));
		this._register({ dispose: () => this._pending && clearTimeout(this._pending) });
		this._update();
	}

	private _schedule(): void {
		// Many tasks can change at once (200 starts); one update per tick is enough.
		this._pending ??= setTimeout(() => {
			this._pending = undefined;
			this._update();
		}, 50);
	}

	private _update(): void {
		const tasks = this._tasks.list();
		const running = tasks.filter((task) => task.status === 'running').length;
		const queued = tasks.filter((task) => task.status === 'queued').length;
		const finished = tasks.filter((task) => isFinalStatus(task.status)).length;
		const active = running + queued;
		this._view.badge = active > 0 ? { value: active, tooltip: `${running} running${queued ? `, ${queued} queued` : ''}` } : undefined;
		if (active > 0) {
			this._item.text = `$(loading~spin) ${running}${queued ? ` +${queued}` : ''}`;
			this._item.tooltip = `Meanwhile: ${running} background task${running === 1 ? '' : 's'} running${queued ? `, ${queued} queued` : ''}. Click to show them.`;
			this._item.accessibilityInformation = { label: `Meanwhile: ${running} background tasks running` };
			this._item.show();
		} else {
			this._item.hide();
		}
		const keys = `${tasks.length > 0}|${active > 0}|${finished > 0}`;
		if (keys !== this._lastKeys) {
			this._lastKeys = keys;
			void vscode.commands.executeCommand('setContext', 'meanwhile.hasTasks', tasks.length > 0);
			void vscode.commands.executeCommand('setContext', 'meanwhile.hasActiveTasks', active > 0);
			void vscode.commands.executeCommand('setContext', 'meanwhile.hasFinishedTasks', finished > 0);
		}
	}
}
