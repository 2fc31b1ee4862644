import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { TaskInfo, TaskService, TaskStatus } from '../background/types';
import { describeLeftovers, describeTask, exitDescription, formatBytes, formatDuration, shortenCommand } from './taskPresentation';

/** A row of the tree: the task id (elements stay stable while the task's snapshot changes). */
export type TaskElement = string;

const ICONS: Record<TaskStatus, vscode.ThemeIcon> = {
	queued: new vscode.ThemeIcon('clock', new vscode.ThemeColor('disabledForeground')),
	running: new vscode.ThemeIcon('loading~spin'),
	succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
	failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
	cancelled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
	'timed out': new vscode.ThemeIcon('watch', new vscode.ThemeColor('testing.iconQueued')),
};

/** `contextValue`s the menus in package.json match on. */
export function contextValueOf(task: TaskInfo): string {
	const state = task.status === 'running' || task.status === 'queued' ? task.status : 'finished';
	return `meanwhileTask.${state}${task.ports && task.ports.length > 0 ? '.port' : ''}${task.leaveRunning ? '.leaveRunning' : ''}`;
}

/** Who started the task, as a person reads it. */
export function startedBy(task: TaskInfo): string {
	switch (task.origin) {
		case 'agent':
			return 'the agent';
		case 'user':
			return 'you';
		case 'tool':
			return task.caller ?? 'another agent';
	}
}

function escapeFence(text: string): string {
	return text.replace(/```/g, 'ˋˋˋ');
}

/** A command line inside a table cell and a code span: no pipe may end the cell, no backtick the span. */
function escapeCell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/`/g, 'ˋ');
}

/** The Background Tasks tree: one row per task, newest first, refreshed on change and each second while any runs. */
export class TasksTreeProvider extends Disposable implements vscode.TreeDataProvider<TaskElement> {
	private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TaskElement | TaskElement[] | undefined>());
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private _ticker: ReturnType<typeof setInterval> | undefined;
	private _visible = false;

	constructor(
		private readonly _tasks: TaskService,
		private readonly _now: () => number = Date.now,
	) {
		super();
		this._register(
			this._tasks.onDidChange((change) => {
				// Output alone changes nothing a row shows; the ticker refreshes running rows every second.
				if (change.kind === 'output') {
					return;
				}
				if (change.kind === 'added' || change.kind === 'removed') {
					this._onDidChangeTreeData.fire(undefined);
				} else {
					this._onDidChangeTreeData.fire(change.task.id);
				}
				this._updateTicker();
			}),
		);
		this._register({ dispose: () => this._stopTicker() });
	}

	/** The tree only ticks while someone can see it. */
	setVisible(visible: boolean): void {
		this._visible = visible;
		this._updateTicker();
		if (visible) {
			this._onDidChangeTreeData.fire(undefined);
		}
	}

	getChildren(element?: TaskElement): TaskElement[] {
		return element ? [] : this._tasks.list().map((task) => task.id);
	}

	getParent(): undefined {
		return undefined;
	}

	getTreeItem(id: TaskElement): vscode.TreeItem {
		const task = this._tasks.get(id);
		if (!task) {
			return new vscode.TreeItem(id);
		}
		const item = new vscode.TreeItem(shortenCommand(task.command), vscode.TreeItemCollapsibleState.None);
		item.id = task.id;
		// Another agent's task says whose it is: the user did not start it and Meanwhile's chat will not hear of it.
		item.description = describeTask(task, this._now()) + (task.origin === 'tool' ? ` · by ${startedBy(task)}` : '');
		item.iconPath = ICONS[task.status];
		item.contextValue = contextValueOf(task);
		item.accessibilityInformation = { label: `${task.id} ${task.command}, ${item.description}` };
		item.command = { command: 'meanwhile.showTaskOutput', title: 'Show Task Output', arguments: [task.id] };
		return item;
	}

	resolveTreeItem(item: vscode.TreeItem, id: TaskElement): vscode.TreeItem {
		const task = this._tasks.get(id);
		if (task) {
			item.tooltip = this._tooltip(task);
		}
		return item;
	}

	private _tooltip(task: TaskInfo): vscode.MarkdownString {
		const now = this._now();
		const lines = [
			`**${task.id}** · ${task.status}${task.reason ? ` — ${task.reason}` : ''}`,
			'',
			'```sh',
			escapeFence(task.command),
			'```',
			'',
			`| | |`,
			`|---|---|`,
			`| cwd | \`${task.cwd}\` |`,
			`| pid | ${task.pid ?? '—'} |`,
			`| started | ${task.startedAt ? new Date(task.startedAt).toLocaleTimeString() : 'not yet'} |`,
			`| duration | ${task.startedAt ? formatDuration((task.endedAt ?? now) - task.startedAt) : '—'} |`,
			`| exit | ${exitDescription(task)} |`,
			`| started by | ${startedBy(task)} |`,
		];
		if (task.ports && task.ports.length > 0) {
			lines.push(`| listening on | ${task.ports.map((port) => `:${port}`).join(', ')} |`);
		}
		if (task.status === 'running' && task.processesLeft && task.processesLeft.length > 0) {
			lines.push(`| still running | ${describeLeftovers(task) ?? ''} |`);
			for (const left of task.processesLeft) {
				lines.push(`| pid ${left.pid} | \`${escapeCell(left.command)}\` |`);
			}
		}
		if (task.resources && task.status === 'running') {
			const resources = task.resources;
			lines.push(`| resources | ${Math.round(resources.cpuPercent)}% CPU · ${formatBytes(resources.memoryBytes)} · ${resources.processCount} process${resources.processCount === 1 ? '' : 'es'} |`);
		}
		if (task.leaveRunning) {
			lines.push(`| on exit | keeps running when the window closes${task.adopted ? ' (re-adopted by this window)' : ''} |`);
		}
		const tail = this._tasks.readOutput(task.id, { maxLines: 12, maxChars: 2000 });
		if (tail.trim().length > 0) {
			lines.push('', '```text', escapeFence(tail.trimEnd()), '```');
		}
		const markdown = new vscode.MarkdownString(lines.join('\n'));
		markdown.isTrusted = false;
		markdown.supportHtml = false;
		return markdown;
	}

	private _updateTicker(): void {
		const anyRunning = this._tasks.list().some((task) => task.status === 'running');
		if (anyRunning && this._visible) {
			this._ticker ??= setInterval(() => {
				const running = this._tasks.list().filter((task) => task.status === 'running').map((task) => task.id);
				if (running.length === 0) {
					this._stopTicker();
				} else {
					this._onDidChangeTreeData.fire(running);
				}
			}, 1000);
		} else {
			this._stopTicker();
		}
	}

	private _stopTicker(): void {
		if (this._ticker) {
			clearInterval(this._ticker);
			this._ticker = undefined;
		}
	}
}
