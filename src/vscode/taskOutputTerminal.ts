import * as vscode from 'vscode';
import { DisposableStore } from '../common/lifecycle';
import { isFinalStatus, TaskInfo, TaskService } from '../background/types';
import { describeTask, shortenCommand } from './taskPresentation';

/** Output written to a terminal at most this often, so a flood cannot stall a remote window's websocket. */
const FLUSH_INTERVAL_MS = 100;
/** At most this much per write; beyond it the view skips ahead to the newest output and says so. */
const MAX_WRITE_CHARS = 64 * 1024;

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function toTerminal(text: string): string {
	return text.replace(/\r?\n/g, '\r\n');
}

/**
 * A live, read-only view of a task's output in a terminal tab (a Pseudoterminal renders its ANSI
 * colours): the tail so far on open, then new output as it arrives, throttled.
 */
class TaskOutputPty implements vscode.Pseudoterminal {
	private readonly _onDidWrite = new vscode.EventEmitter<string>();
	readonly onDidWrite = this._onDidWrite.event;
	private readonly _disposables = new DisposableStore();
	private _cursor = 0;
	private _flushTimer: ReturnType<typeof setTimeout> | undefined;
	private _finished = false;

	constructor(
		private readonly _tasks: TaskService,
		private readonly _taskId: string,
		private readonly _onClosed: () => void,
	) {}

	open(): void {
		const task = this._tasks.get(this._taskId);
		if (!task) {
			this._onDidWrite.fire(`${DIM}${this._taskId} is no longer in the list.${RESET}\r\n`);
			return;
		}
		this._onDidWrite.fire(`${DIM}${task.id} · ${task.cwd}${RESET}\r\n${DIM}$${RESET} ${toTerminal(task.command)}\r\n`);
		const first = this._tasks.readOutputSince(this._taskId, 0, { keepAnsi: true });
		if (first.skipped > 0) {
			this._onDidWrite.fire(`${DIM}… ${first.skipped} earlier bytes are in the full log (Meanwhile: Open Full Log) …${RESET}\r\n`);
		}
		this._write(first.text);
		this._cursor = first.cursor;
		this._disposables.add(
			this._tasks.onDidChange((change) => {
				if (change.task.id === this._taskId) {
					this._scheduleFlush();
				}
			}),
		);
		this._maybeFinish(task);
	}

	close(): void {
		this.dispose();
		this._onClosed();
	}

	dispose(): void {
		if (this._flushTimer) {
			clearTimeout(this._flushTimer);
			this._flushTimer = undefined;
		}
		this._disposables.dispose();
		this._onDidWrite.dispose();
	}

	private _scheduleFlush(): void {
		this._flushTimer ??= setTimeout(() => {
			this._flushTimer = undefined;
			this._flush();
		}, FLUSH_INTERVAL_MS);
	}

	private _flush(): void {
		const next = this._tasks.readOutputSince(this._taskId, this._cursor, { keepAnsi: true });
		if (next.skipped > 0) {
			this._onDidWrite.fire(`\r\n${DIM}… ${next.skipped} bytes skipped (the full log has them) …${RESET}\r\n`);
		}
		this._write(next.text);
		this._cursor = next.cursor;
		const task = this._tasks.get(this._taskId);
		if (task) {
			this._maybeFinish(task);
		}
	}

	private _write(text: string): void {
		if (text.length === 0) {
			return;
		}
		if (text.length > MAX_WRITE_CHARS) {
			// Skip ahead to a line start, so no escape sequence or character is cut in half.
			let start = text.length - MAX_WRITE_CHARS;
			const lineStart = text.indexOf('\n', start);
			start = lineStart >= 0 && lineStart < text.length - 1 ? lineStart + 1 : start;
			this._onDidWrite.fire(`${DIM}… ${start} characters skipped (the full log has them) …${RESET}\r\n`);
			text = text.slice(start);
		}
		this._onDidWrite.fire(toTerminal(text));
	}

	private _maybeFinish(task: TaskInfo): void {
		if (this._finished || !isFinalStatus(task.status)) {
			return;
		}
		this._finished = true;
		const reason = task.reason ? ` — ${task.reason}` : '';
		this._onDidWrite.fire(`\r\n${DIM}[${describeTask(task, Date.now())}${reason}]${RESET}\r\n`);
	}
}

/** One output terminal per task, reused when asked again. */
export class TaskOutputTerminals implements vscode.Disposable {
	private readonly _terminals = new Map<string, vscode.Terminal>();
	private readonly _disposables = new DisposableStore();

	constructor(private readonly _tasks: TaskService) {
		this._disposables.add(
			vscode.window.onDidCloseTerminal((terminal) => {
				for (const [id, open] of this._terminals) {
					if (open === terminal) {
						this._terminals.delete(id);
					}
				}
			}),
		);
	}

	show(taskId: string, preserveFocus = false): vscode.Terminal {
		const existing = this._terminals.get(taskId);
		if (existing) {
			existing.show(preserveFocus);
			return existing;
		}
		const task = this._tasks.get(taskId);
		const pty = new TaskOutputPty(this._tasks, taskId, () => this._terminals.delete(taskId));
		const terminal = vscode.window.createTerminal({
			name: `${taskId}: ${shortenCommand(task?.command ?? '', 40)}`,
			pty,
			iconPath: new vscode.ThemeIcon('output'),
			isTransient: true,
		});
		this._terminals.set(taskId, terminal);
		terminal.show(preserveFocus);
		return terminal;
	}

	dispose(): void {
		this._disposables.dispose();
		for (const terminal of this._terminals.values()) {
			terminal.dispose();
		}
		this._terminals.clear();
	}
}
