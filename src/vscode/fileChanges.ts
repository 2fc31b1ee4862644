import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { FileChangeView } from '../shared/protocol';
import { currentFileText, dirtyDocument } from './workspaceFiles';

export const BEFORE_SCHEME = 'meanwhile-before';
/** Changes kept for diff and undo; older ones can no longer be undone from their card. */
const MAX_CHANGES = 200;
const MAX_KEPT_CHARS = 32 * 1024 * 1024;

interface FileChange {
	readonly toolUseId: string;
	readonly fsPath: string;
	/** Undefined when the file did not exist. */
	readonly before: string | undefined;
	readonly after: string;
	/** Computed once: the card is drawn again on every update of its item. */
	readonly added: number;
	readonly removed: number;
	undone: boolean;
	/** False once an undo found the file changed since (the user undoes in the editor then). */
	undoable: boolean;
	undoing?: boolean;
}

/** `+added −removed` lines between two texts: the lines outside the common head and tail. */
export function countChangedLines(before: string, after: string): { added: number; removed: number } {
	const a = before === '' ? [] : before.split('\n');
	const b = after === '' ? [] : after.split('\n');
	let head = 0;
	while (head < a.length && head < b.length && a[head] === b[head]) {
		head++;
	}
	let tail = 0;
	while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
		tail++;
	}
	return { added: b.length - head - tail, removed: a.length - head - tail };
}

/**
 * The agent's file changes, by tool call: what the card shows (`+12 −3`), the diff it opens (the content
 * before, served read-only under {@link BEFORE_SCHEME}, against the file), and the undo.
 */
export class FileChangeTracker extends Disposable implements vscode.TextDocumentContentProvider {
	private readonly _changes = new Map<string, FileChange>();
	private _keptChars = 0;
	private readonly _onDidChange = this._register(new Emitter<string>());
	/** Fires with the tool-use id whose change was recorded or undone. */
	readonly onDidUpdate = this._onDidChange.event;

	record(toolUseId: string, fsPath: string, before: string | undefined, after: string): void {
		const previous = this._changes.get(toolUseId);
		if (previous) {
			this._keptChars -= (previous.before?.length ?? 0) + previous.after.length;
		}
		this._changes.set(toolUseId, { toolUseId, fsPath, before, after, ...countChangedLines(before ?? '', after), undone: false, undoable: true });
		this._keptChars += (before?.length ?? 0) + after.length;
		while (this._changes.size > MAX_CHANGES || this._keptChars > MAX_KEPT_CHARS) {
			const oldest = this._changes.keys().next().value;
			if (oldest === undefined || oldest === toolUseId) {
				break;
			}
			const dropped = this._changes.get(oldest);
			this._keptChars -= (dropped?.before?.length ?? 0) + (dropped?.after.length ?? 0);
			this._changes.delete(oldest);
		}
		this._onDidChange.fire(toolUseId);
	}

	view(toolUseId: string): FileChangeView | undefined {
		const change = this._changes.get(toolUseId);
		if (!change) {
			return undefined;
		}
		return {
			path: vscode.workspace.asRelativePath(change.fsPath, true),
			created: change.before === undefined,
			added: change.added,
			removed: change.removed,
			canUndo: !change.undone && change.undoable,
			undone: change.undone,
		};
	}

	provideTextDocumentContent(uri: vscode.Uri): string {
		return this._changes.get(uri.query)?.before ?? '';
	}

	async openDiff(toolUseId: string): Promise<void> {
		const change = this._changes.get(toolUseId);
		if (!change) {
			void vscode.window.showInformationMessage('Meanwhile no longer keeps this change (too many changes since).');
			return;
		}
		const name = path.basename(change.fsPath);
		const before = vscode.Uri.from({ scheme: BEFORE_SCHEME, path: `/${name}`, query: toolUseId });
		await vscode.commands.executeCommand('vscode.diff', before, vscode.Uri.file(change.fsPath), `${name} (before Meanwhile's change ↔ now)`, { preview: true });
	}

	/** Puts back the content from before the change, if the file still holds what the agent wrote. */
	async undo(toolUseId: string): Promise<boolean> {
		const change = this._changes.get(toolUseId);
		if (!change || change.undone || change.undoing) {
			return false;
		}
		change.undoing = true;
		try {
			return await this._undo(change);
		} finally {
			change.undoing = false;
		}
	}

	private async _undo(change: FileChange): Promise<boolean> {
		const toolUseId = change.toolUseId;
		const current = await currentFileText(change.fsPath);
		if (current !== change.after) {
			change.undoable = false;
			this._onDidChange.fire(toolUseId);
			void vscode.window.showWarningMessage(
				`${path.basename(change.fsPath)} changed after Meanwhile's edit, so it was not undone automatically. Open the diff to compare, and undo in the editor.`,
			);
			return false;
		}
		const uri = vscode.Uri.file(change.fsPath);
		if (change.before === undefined) {
			// To the trash where the file system has one (remote ones may not).
			await vscode.workspace.fs.delete(uri, { useTrash: true }).then(undefined, () => vscode.workspace.fs.delete(uri, { useTrash: false }));
		} else {
			const dirty = dirtyDocument(change.fsPath);
			if (dirty) {
				// The user has unsaved work in this file: undo through the editor (undoable itself), never over it on disk.
				const edit = new vscode.WorkspaceEdit();
				edit.replace(uri, new vscode.Range(dirty.positionAt(0), dirty.positionAt(dirty.getText().length)), change.before);
				if (!(await vscode.workspace.applyEdit(edit))) {
					void vscode.window.showWarningMessage(`VS Code refused to undo the change to ${path.basename(change.fsPath)}.`);
					return false;
				}
			} else {
				await vscode.workspace.fs.writeFile(uri, Buffer.from(change.before, 'utf8'));
			}
		}
		change.undone = true;
		this._onDidChange.fire(toolUseId);
		return true;
	}
}
