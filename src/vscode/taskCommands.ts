import * as vscode from 'vscode';
import { isFinalStatus, TaskInfo, TaskService } from '../background/types';
import { Logger } from '../common/logger';
import { TaskOutputTerminals } from './taskOutputTerminal';
import { describeTask, shortenCommand } from './taskPresentation';
import { TASKS_VIEW_ID } from './viewIds';
import type { CommandHandler, Registrar } from './deferred';

const RECENT_KEY = 'meanwhile.recentCommands';
const MAX_RECENT = 20;

/** The engine as the commands use it: the service plus the user-facing extras. */
export interface TaskCommandsEngine extends TaskService {
	rerun(id: string, options?: { readonly conversationId?: string }): TaskInfo;
	getLogPath(id: string): string | undefined;
}

type TaskFilter = (task: TaskInfo) => boolean;

const isActive: TaskFilter = (task) => task.status === 'running' || task.status === 'queued';
const isFinished: TaskFilter = (task) => isFinalStatus(task.status);
const anyTask: TaskFilter = () => true;

/** The argument of a task command: `"bg-3"`, a tree element (the id), or an object with an id. */
function taskIdFrom(argument: unknown): string | undefined {
	if (typeof argument === 'string') {
		return argument;
	}
	if (typeof argument === 'object' && argument !== null && 'id' in argument && typeof argument.id === 'string') {
		return argument.id;
	}
	return undefined;
}

export class TaskCommands implements vscode.Disposable {
	private readonly _disposables: vscode.Disposable[] = [];

	constructor(
		private readonly _tasks: TaskCommandsEngine,
		private readonly _terminals: TaskOutputTerminals,
		private readonly _memento: vscode.Memento,
		private readonly _defaultCwd: () => string,
		private readonly _logger: Logger,
		/** The conversation the chat shows: a task the user starts belongs to it, and its notice goes there. */
		private readonly _shownConversation: () => string | undefined,
		commands: Registrar<CommandHandler>,
	) {
		const register = (id: string, handler: CommandHandler) => this._disposables.push(commands.register(id, handler));
		register('meanwhile.runInBackground', (command) => this.runInBackground(command));
		register('meanwhile.cancelTask', (task) => this.cancel(task));
		register('meanwhile.showTaskOutput', (task) => this.showOutput(task));
		register('meanwhile.openTaskLog', (task) => this.openLog(task));
		register('meanwhile.rerunTask', (task) => this.rerun(task));
		register('meanwhile.clearFinishedTasks', () => this._tasks.clearFinished());
		register('meanwhile.leaveTaskRunning', (task) => this.toggleLeaveRunning(task));
		register('meanwhile.openTaskInBrowser', (task, port) => this.openInBrowser(task, port));
	}

	/** Starts a command as a background task; asks for it when not given. Returns the task id. */
	async runInBackground(argument?: unknown): Promise<string | undefined> {
		if (!this._trusted()) {
			return undefined;
		}
		const given = typeof argument === 'string' && argument.trim().length > 0;
		const command = given ? argument : await this._askForCommand();
		if (!command) {
			return undefined;
		}
		// Asked interactively, the user chooses between the running twin and a new task; a command given
		// as an argument runs as given.
		const twin = given ? undefined : this._tasks.findDuplicate(command, this._defaultCwd());
		if (twin) {
			const choice = await vscode.window.showInformationMessage(
				`${twin.id} is already running this command (${describeTask(twin, Date.now())}).`,
				'Show Output',
				'Start Another',
			);
			if (choice === 'Show Output') {
				this._terminals.show(twin.id);
				return twin.id;
			}
			if (choice !== 'Start Another') {
				return undefined;
			}
		}
		await this._remember(command);
		const task = this._tasks.start(command, { origin: 'user', cwd: this._defaultCwd(), conversationId: this._shownConversation() });
		this._logger.info(`Started ${task.id} from the palette: ${command}`);
		void this._revealInTree(task.id);
		return task.id;
	}

	async cancel(argument?: unknown): Promise<TaskInfo | undefined> {
		const id = taskIdFrom(argument) ?? (await this._pickTask('Cancel which task?', isActive));
		if (!id) {
			return undefined;
		}
		this._requireTask(id);
		return this._tasks.cancel(id, 'cancelled by you');
	}

	async showOutput(argument?: unknown): Promise<string | undefined> {
		const id = taskIdFrom(argument) ?? (await this._pickTask('Show the output of which task?', anyTask));
		if (!id) {
			return undefined;
		}
		this._requireTask(id);
		this._terminals.show(id);
		return id;
	}

	async openLog(argument?: unknown): Promise<vscode.TextEditor | undefined> {
		const id = taskIdFrom(argument) ?? (await this._pickTask('Open the full log of which task?', anyTask));
		if (!id) {
			return undefined;
		}
		this._requireTask(id);
		const logPath = this._tasks.getLogPath(id);
		if (!logPath) {
			throw new Error(`${id} has no log file.`);
		}
		const document = await vscode.workspace.openTextDocument(vscode.Uri.file(logPath));
		const editor = await vscode.window.showTextDocument(document, { preview: true });
		// The log belongs to the task: keep it read-only in this editor.
		await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
		return editor;
	}

	async rerun(argument?: unknown): Promise<string | undefined> {
		if (!this._trusted()) {
			return undefined;
		}
		const id = taskIdFrom(argument) ?? (await this._pickTask('Run which task again?', isFinished));
		if (!id) {
			return undefined;
		}
		this._requireTask(id);
		const task = this._tasks.rerun(id, { conversationId: this._shownConversation() });
		void this._revealInTree(task.id);
		return task.id;
	}

	/** Toggles whether a task survives a window reload or close. */
	async toggleLeaveRunning(argument?: unknown): Promise<boolean | undefined> {
		const id = taskIdFrom(argument) ?? (await this._pickTask('Keep which task running when the window closes?', isActive));
		if (!id) {
			return undefined;
		}
		const task = this._requireTask(id);
		const updated = this._tasks.setLeaveRunning(id, !task.leaveRunning);
		const leave = updated?.leaveRunning === true;
		void vscode.window.showInformationMessage(
			leave ? `${id} keeps running when the window closes; the next window picks it up again.` : `${id} stops with the window again.`,
		);
		return leave;
	}

	/** Opens a port a task listens on in the browser; through asExternalUri, so it works in remote windows too. */
	async openInBrowser(argument?: unknown, portArgument?: unknown): Promise<string | undefined> {
		const id = taskIdFrom(argument) ?? (await this._pickTask('Open which task in the browser?', (task) => (task.ports?.length ?? 0) > 0));
		if (!id) {
			return undefined;
		}
		const ports = this._requireTask(id).ports ?? [];
		if (portArgument !== undefined && (typeof portArgument !== 'number' || !ports.includes(portArgument))) {
			throw new Error(`${id} does not listen on port ${String(portArgument)}.`);
		}
		let port = typeof portArgument === 'number' ? portArgument : ports.length === 1 ? ports[0] : undefined;
		if (port === undefined) {
			if (ports.length === 0) {
				void vscode.window.showInformationMessage(`${id} listens on no port yet.`);
				return undefined;
			}
			const picked = await vscode.window.showQuickPick(
				ports.map((candidate) => ({ label: `:${candidate}`, port: candidate })),
				{ title: `Meanwhile: Open ${id} in the Browser`, placeHolder: 'Which port?' },
			);
			port = picked?.port;
		}
		if (port === undefined) {
			return undefined;
		}
		// localhost, not 127.0.0.1: a server listening only on ::1 is reachable too.
		const external = await vscode.env.asExternalUri(vscode.Uri.parse(`http://localhost:${port}/`));
		await vscode.env.openExternal(external);
		return external.toString();
	}

	dispose(): void {
		for (const disposable of this._disposables.splice(0)) {
			disposable.dispose();
		}
	}

	/** In an untrusted workspace no command runs, also not from the palette. */
	private _trusted(): boolean {
		if (vscode.workspace.isTrusted) {
			return true;
		}
		void vscode.window
			.showWarningMessage('Meanwhile runs no command in an untrusted workspace. Trust this workspace to run commands in the background.', 'Manage Workspace Trust')
			.then((choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
		return false;
	}

	private _requireTask(id: string): TaskInfo {
		const task = this._tasks.get(id);
		if (!task) {
			throw new Error(`There is no task ${id}.`);
		}
		return task;
	}

	private async _revealInTree(id: string): Promise<void> {
		try {
			await vscode.commands.executeCommand(`${TASKS_VIEW_ID}.focus`, { preserveFocus: true });
		} catch (error) {
			this._logger.debug(`Could not reveal ${id}: ${String(error)}`);
		}
	}

	private _recent(): string[] {
		return this._memento.get<string[]>(RECENT_KEY, []).filter((entry) => typeof entry === 'string');
	}

	private async _remember(command: string): Promise<void> {
		const recent = [command, ...this._recent().filter((entry) => entry !== command)].slice(0, MAX_RECENT);
		await this._memento.update(RECENT_KEY, recent);
	}

	private async _askForCommand(): Promise<string | undefined> {
		const recent = this._recent();
		const picker = vscode.window.createQuickPick<vscode.QuickPickItem>();
		picker.title = 'Meanwhile: Run in Background';
		picker.placeholder = 'A shell command, e.g. npm test (runs in the first workspace folder)';
		picker.ignoreFocusOut = true;
		const recentItems: vscode.QuickPickItem[] = recent.map((command) => ({ label: command, description: 'recent', iconPath: new vscode.ThemeIcon('history') }));
		const update = () => {
			const typed = picker.value.trim();
			const typedItem: vscode.QuickPickItem[] = typed && !recent.includes(typed) ? [{ label: typed, description: 'run this command', iconPath: new vscode.ThemeIcon('play') }] : [];
			picker.items = [...typedItem, ...recentItems];
		};
		update();
		return new Promise<string | undefined>((resolve) => {
			let settled = false;
			const finish = (value: string | undefined) => {
				if (!settled) {
					settled = true;
					resolve(value);
					picker.dispose();
				}
			};
			picker.onDidChangeValue(update);
			picker.onDidAccept(() => {
				const chosen = picker.selectedItems[0]?.label ?? picker.value;
				finish(chosen.trim().length > 0 ? chosen.trim() : undefined);
			});
			picker.onDidHide(() => finish(undefined));
			picker.show();
		});
	}

	private async _pickTask(title: string, filter: TaskFilter): Promise<string | undefined> {
		const now = Date.now();
		const items = this._tasks
			.list()
			.filter(filter)
			.map((task) => ({ label: task.id, description: describeTask(task, now), detail: shortenCommand(task.command, 120) }));
		if (items.length === 0) {
			void vscode.window.showInformationMessage('Meanwhile: no task fits.');
			return undefined;
		}
		const chosen = await vscode.window.showQuickPick(items, { title: `Meanwhile: ${title}`, matchOnDescription: true, matchOnDetail: true });
		return chosen?.label;
	}
}
