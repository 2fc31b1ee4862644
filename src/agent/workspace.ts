/**
 * The files the agent may touch: only under the workspace roots. {@link WorkspaceFiles} is what the file
 * tools use; {@link NodeWorkspaceFiles} implements it on the disk (the VS Code layer wraps it so that
 * edits to open, unsaved documents go through the editor instead).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../common/errors';

export interface FileReadOptions {
	/** At most this many lines, from the top. */
	readonly limit?: number;
}

export interface FileReadResult {
	/** The absolute path that was read. */
	readonly path: string;
	readonly text: string;
	readonly totalLines: number;
	/** Lines in `text` (fewer than `totalLines` when `limit` cut the file). */
	readonly shownLines: number;
}

export interface FileWriteResult {
	readonly path: string;
	/** Whether the file did not exist before. */
	readonly created: boolean;
	readonly bytes: number;
}

export interface FileEditResult {
	readonly path: string;
	/** 1-based line where the replaced text started. */
	readonly line: number;
}

/** Which tool call makes a change, so the editor can offer its diff and an undo on the call's card. */
export interface FileChangeOrigin {
	readonly toolUseId?: string;
}

export interface WorkspaceFiles {
	/** Absolute paths of the workspace folders; empty when no folder is open. */
	roots(): readonly string[];
	/** Rejects with a {@link WorkspaceError} for a path outside the roots, a missing or binary file. */
	read(filePath: string, options?: FileReadOptions): Promise<FileReadResult>;
	/** Creates parent folders as needed. */
	write(filePath: string, content: string, change?: FileChangeOrigin): Promise<FileWriteResult>;
	/** Replaces `oldText`, which must occur exactly once, by `newText`. */
	edit(filePath: string, oldText: string, newText: string, change?: FileChangeOrigin): Promise<FileEditResult>;
}

/** A refusal or failure whose message is meant for the model (and the user) as is. */
export class WorkspaceError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'WorkspaceError';
	}
}

/** Largest file `read` loads (the tool output is capped far below; this bounds memory). */
export const MAX_READ_BYTES = 10 * 1024 * 1024;

function isInside(root: string, candidate: string): boolean {
	const relative = path.relative(root, candidate);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolves a path the model gave (relative to the first root, or absolute) and checks it lies under a root.
 * Only the lexical check: {@link NodeWorkspaceFiles} also checks where symbolic links lead.
 */
export function resolveInWorkspace(roots: readonly string[], filePath: string): string {
	if (roots.length === 0) {
		throw new WorkspaceError('No folder is open: open a folder or workspace to let the agent read and write files.');
	}
	if (typeof filePath !== 'string' || filePath.trim() === '') {
		throw new WorkspaceError('The path is empty.');
	}
	if (filePath.includes('\0')) {
		throw new WorkspaceError('The path contains a NUL character.');
	}
	const resolved = path.resolve(roots[0], filePath);
	if (!roots.some((root) => isInside(path.resolve(root), resolved))) {
		throw new WorkspaceError(`${filePath} is outside the workspace (${roots.join(', ')}); the agent can only touch files inside it.`);
	}
	return resolved;
}

/**
 * Replaces the one occurrence of `oldText` in `text`. Shared by every WorkspaceFiles implementation so the
 * model gets the same errors whoever applies the edit.
 */
export function applyEdit(text: string, oldText: string, newText: string, displayPath: string): { text: string; line: number } {
	if (oldText === '') {
		throw new WorkspaceError('old_text is empty: give the exact text to replace (to create a file, use write_file).');
	}
	let search = oldText;
	let replacement = newText;
	let count = countOccurrences(text, search);
	// Files with CRLF line ends: the model usually sends LF.
	if (count === 0 && text.includes('\r\n') && !oldText.includes('\r\n')) {
		search = oldText.replace(/\n/g, '\r\n');
		replacement = newText.replace(/\r?\n/g, '\r\n');
		count = countOccurrences(text, search);
	}
	if (count === 0) {
		throw new WorkspaceError(
			`old_text was not found in ${displayPath}. It must match the file exactly, including whitespace and indentation; read the file again and copy the text.`,
		);
	}
	if (count > 1) {
		throw new WorkspaceError(
			`old_text occurs ${count} times in ${displayPath}; it must occur exactly once. Include more surrounding lines to make it unique.`,
		);
	}
	const index = text.indexOf(search);
	const line = text.slice(0, index).split('\n').length;
	return { text: text.slice(0, index) + replacement + text.slice(index + search.length), line };
}

function countOccurrences(text: string, search: string): number {
	let count = 0;
	for (let index = text.indexOf(search); index !== -1; index = text.indexOf(search, index + search.length)) {
		count += 1;
	}
	return count;
}

function errorCode(error: unknown): string | undefined {
	return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Files on disk, confined to the roots (also through symbolic links). */
export class NodeWorkspaceFiles implements WorkspaceFiles {
	private readonly _roots: () => readonly string[];

	/** `roots` may be a function, read on every call, so folders opened later count. */
	constructor(roots: readonly string[] | (() => readonly string[])) {
		this._roots = typeof roots === 'function' ? roots : () => roots;
	}

	roots(): readonly string[] {
		return this._roots();
	}

	async read(filePath: string, options: FileReadOptions = {}): Promise<FileReadResult> {
		const resolved = await this.resolve(filePath);
		let stat;
		try {
			stat = await fs.stat(resolved);
		} catch (error) {
			throw this._ioError(error, filePath);
		}
		if (stat.isDirectory()) {
			throw new WorkspaceError(`${filePath} is a folder, not a file.`);
		}
		if (stat.size > MAX_READ_BYTES) {
			throw new WorkspaceError(`${filePath} is too large to read whole (${Math.round(stat.size / 1024 / 1024)} MB); use bash (head, tail, grep) to look at parts of it.`);
		}
		const buffer = await fs.readFile(resolved).catch((error: unknown) => {
			throw this._ioError(error, filePath);
		});
		if (buffer.subarray(0, 8192).includes(0)) {
			throw new WorkspaceError(`${filePath} looks like a binary file; it cannot be read as text.`);
		}
		const text = buffer.toString('utf8');
		const lines = text.split('\n');
		const totalLines = text === '' ? 0 : text.endsWith('\n') ? lines.length - 1 : lines.length;
		const limit = options.limit;
		if (limit !== undefined && limit < totalLines) {
			return { path: resolved, text: lines.slice(0, limit).join('\n'), totalLines, shownLines: limit };
		}
		return { path: resolved, text, totalLines, shownLines: totalLines };
	}

	async write(filePath: string, content: string): Promise<FileWriteResult> {
		const resolved = await this.resolve(filePath);
		let created = false;
		try {
			const stat = await fs.stat(resolved);
			if (stat.isDirectory()) {
				throw new WorkspaceError(`${filePath} is a folder, not a file.`);
			}
		} catch (error) {
			if (error instanceof WorkspaceError) {
				throw error;
			}
			created = true;
		}
		try {
			await fs.mkdir(path.dirname(resolved), { recursive: true });
			await fs.writeFile(resolved, content, 'utf8');
		} catch (error) {
			throw this._ioError(error, filePath);
		}
		return { path: resolved, created, bytes: Buffer.byteLength(content, 'utf8') };
	}

	async edit(filePath: string, oldText: string, newText: string): Promise<FileEditResult> {
		const resolved = await this.resolve(filePath);
		let text: string;
		try {
			text = await fs.readFile(resolved, 'utf8');
		} catch (error) {
			throw this._ioError(error, filePath);
		}
		const edited = applyEdit(text, oldText, newText, filePath);
		try {
			await fs.writeFile(resolved, edited.text, 'utf8');
		} catch (error) {
			throw this._ioError(error, filePath);
		}
		return { path: resolved, line: edited.line };
	}

	/** The lexical check, then the real path of the nearest existing ancestor must lie under a root's real path. */
	/** The absolute path a model-given path means, after checking it (and where its links lead) stays inside a root. */
	async resolve(filePath: string): Promise<string> {
		const roots = this.roots();
		const resolved = resolveInWorkspace(roots, filePath);
		const realRoots = await Promise.all(roots.map((root) => fs.realpath(root).catch(() => path.resolve(root))));
		let current = resolved;
		for (;;) {
			let real: string | undefined;
			try {
				real = await fs.realpath(current);
			} catch (error) {
				if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') {
					throw this._ioError(error, filePath);
				}
				// A dangling symbolic link: writing through it would create its target, wherever that is.
				const link = await fs.lstat(current).catch(() => undefined);
				if (link?.isSymbolicLink()) {
					throw new WorkspaceError(`${filePath} goes through a symbolic link whose target does not exist; the agent does not follow it.`);
				}
			}
			if (real !== undefined) {
				if (!realRoots.some((root) => isInside(root, real))) {
					throw new WorkspaceError(`${filePath} leads outside the workspace through a symbolic link; the agent can only touch files inside it.`);
				}
				return resolved;
			}
			const parent = path.dirname(current);
			if (parent === current) {
				return resolved;
			}
			current = parent;
		}
	}

	private _ioError(error: unknown, filePath: string): WorkspaceError {
		switch (errorCode(error)) {
			case 'ENOENT':
				return new WorkspaceError(`${filePath} does not exist.`);
			case 'EACCES':
			case 'EPERM':
				return new WorkspaceError(`No permission to access ${filePath}.`);
			case 'EISDIR':
				return new WorkspaceError(`${filePath} is a folder, not a file.`);
			case 'ENOTDIR':
				return new WorkspaceError(`A part of ${filePath} is a file, not a folder.`);
			default:
				return new WorkspaceError(`Could not access ${filePath}: ${errorMessage(error)}`);
		}
	}
}
