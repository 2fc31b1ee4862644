import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { applyEdit, FileChangeOrigin, FileEditResult, FileReadOptions, FileReadResult, FileWriteResult, NodeWorkspaceFiles, WorkspaceError, WorkspaceFiles } from '../agent/workspace';

/** Told of every change the agent makes, with the content before and after (for the card's diff and undo). */
export type FileChangeRecorder = (toolUseId: string, fsPath: string, before: string | undefined, after: string) => void;

export const UNTRUSTED_WRITE_MESSAGE =
	'This workspace is not trusted, so Meanwhile does not change files here. Reading works; to let the agent write, trust the workspace (command: "Workspaces: Manage Workspace Trust").';

/** The workspace folders on disk (a remote or virtual folder is not the agent's to touch). */
export function workspaceRoots(): string[] {
	return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}

function splitLines(text: string, limit: number | undefined): { text: string; totalLines: number; shownLines: number } {
	const lines = text.split('\n');
	const totalLines = text === '' ? 0 : text.endsWith('\n') ? lines.length - 1 : lines.length;
	if (limit !== undefined && limit < totalLines) {
		return { text: lines.slice(0, limit).join('\n'), totalLines, shownLines: limit };
	}
	return { text, totalLines, shownLines: totalLines };
}

/** An open document of this file with unsaved changes, if any. */
export function dirtyDocument(fsPath: string): vscode.TextDocument | undefined {
	return vscode.workspace.textDocuments.find((document) => !document.isClosed && document.isDirty && document.uri.scheme === 'file' && document.uri.fsPath === fsPath);
}

/** What the agent sees of a file now: the open document's text when it has unsaved changes, else the disk. */
export async function currentFileText(fsPath: string): Promise<string | undefined> {
	// An open document without unsaved changes may not have reloaded from disk yet: the disk is the truth then.
	const document = dirtyDocument(fsPath);
	if (document) {
		return document.getText();
	}
	try {
		return await fs.readFile(fsPath, 'utf8');
	} catch {
		return undefined;
	}
}

/**
 * The agent's files in VS Code: confined to the workspace folders like {@link NodeWorkspaceFiles}; a file
 * open with unsaved changes is read from and edited as the document (a WorkspaceEdit, undoable), so the
 * user's unsaved work is neither overwritten nor ignored.
 */
export class VscodeWorkspaceFiles implements WorkspaceFiles {
	private readonly _disk = new NodeWorkspaceFiles(workspaceRoots);

	constructor(private readonly _record: FileChangeRecorder = () => undefined) {}

	roots(): readonly string[] {
		return this._disk.roots();
	}

	/** A path checked to lie inside the workspace folders, also where its symbolic links lead. */
	resolve(filePath: string): Promise<string> {
		return this._disk.resolve(filePath);
	}

	async read(filePath: string, options: FileReadOptions = {}): Promise<FileReadResult> {
		const resolved = await this._disk.resolve(filePath);
		const document = dirtyDocument(resolved);
		if (document) {
			return { path: resolved, ...splitLines(document.getText(), options.limit) };
		}
		return this._disk.read(filePath, options);
	}

	async write(filePath: string, content: string, change: FileChangeOrigin = {}): Promise<FileWriteResult> {
		this._requireTrust();
		const resolved = await this._disk.resolve(filePath);
		const before = change.toolUseId ? await currentFileText(resolved) : undefined;
		const document = dirtyDocument(resolved);
		if (!document) {
			const result = await this._disk.write(filePath, content);
			if (change.toolUseId) {
				this._record(change.toolUseId, resolved, result.created ? undefined : before, content);
			}
			return result;
		}
		const edit = new vscode.WorkspaceEdit();
		const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
		edit.replace(document.uri, whole, content, { label: 'Meanwhile: write_file', needsConfirmation: false });
		await this._apply(edit, filePath);
		if (change.toolUseId) {
			this._record(change.toolUseId, resolved, before, content);
		}
		return { path: resolved, created: false, bytes: Buffer.byteLength(content, 'utf8') };
	}

	async edit(filePath: string, oldText: string, newText: string, change: FileChangeOrigin = {}): Promise<FileEditResult> {
		this._requireTrust();
		const resolved = await this._disk.resolve(filePath);
		const document = dirtyDocument(resolved);
		if (!document) {
			const before = change.toolUseId ? await currentFileText(resolved) : undefined;
			const result = await this._disk.edit(filePath, oldText, newText);
			if (change.toolUseId) {
				const after = await currentFileText(resolved);
				if (after !== undefined) {
					this._record(change.toolUseId, resolved, before, after);
				}
			}
			return result;
		}
		const before = document.getText();
		const { text, line } = applyEdit(before, oldText, newText, filePath);
		// Replace only the changed span, so undo and the user's cursor stay where they make sense.
		let start = 0;
		while (start < before.length && start < text.length && before[start] === text[start]) {
			start++;
		}
		let endBefore = before.length;
		let endAfter = text.length;
		while (endBefore > start && endAfter > start && before[endBefore - 1] === text[endAfter - 1]) {
			endBefore--;
			endAfter--;
		}
		const edit = new vscode.WorkspaceEdit();
		edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(endBefore)), text.slice(start, endAfter), {
			label: 'Meanwhile: edit_file',
			needsConfirmation: false,
		});
		await this._apply(edit, filePath);
		if (change.toolUseId) {
			this._record(change.toolUseId, resolved, before, text);
		}
		return { path: resolved, line };
	}

	private _requireTrust(): void {
		if (!vscode.workspace.isTrusted) {
			throw new WorkspaceError(UNTRUSTED_WRITE_MESSAGE);
		}
	}


	private async _apply(edit: vscode.WorkspaceEdit, filePath: string): Promise<void> {
		if (!(await vscode.workspace.applyEdit(edit))) {
			throw new Error(`VS Code refused the edit of ${filePath} (is the file read-only?).`);
		}
	}
}
