/**
 * Whether a file a command reads lies in the workspace. Reads are allowed in the workspace folders only:
 * `~/.ssh/id_rsa`, `/etc/shadow` or `../other-project/.env` ask, and so does a process's environment
 * (`/proc/self/environ`, where secrets live) and a path known only when the line runs.
 *
 * Commands run in the first workspace folder, so a relative path is resolved there. With no folder open
 * (an empty list) they run in the home folder, and every read is outside; with the folders not given at
 * all (tests, tools), a relative path is inside unless it climbs out with `..`. A pattern (`src/*.ts`) is judged as written;
 * one whose file name could match `..` (`.?`, `.*`) counts as outside. Symbolic links inside the workspace
 * that point out of it are not followed: a known limit.
 */
import * as path from 'node:path';
import type { FileRead } from './fileAccess';

/** Why reading `read` asks, in plain words; undefined when it stays in the workspace. */
export function readAsks(read: FileRead, workspaceFolders: readonly string[] | undefined): string | undefined {
	const { path: target, by } = read;
	if (!read.fixed) {
		return `${by} reads a file whose name is known only when the line runs: ${target}`;
	}
	if (target === '-' || target === '') {
		return undefined;
	}
	if (/^\/proc\/[^/]+\/(task\/[^/]+\/)?environ$/.test(path.posix.normalize(target)) || /^\/proc\/.*environ/.test(target)) {
		return `${by} reads the environment of a process (${target}), where secrets are kept`;
	}
	return isInWorkspace(target, workspaceFolders) ? undefined : `${by} reads ${target}, outside the workspace`;
}

function isInWorkspace(target: string, workspaceFolders: readonly string[] | undefined): boolean {
	// `~` is the home folder; a brace expansion (`{x,~/.ssh/id_rsa}`) may name any path, `~` included.
	if (target.startsWith('~') || /\{.*(,|\.\.).*\}/.test(target)) {
		return false;
	}
	if (target.split('/').some((part) => /[*?[]/.test(part) && /^[.[]/.test(part))) {
		return false;
	}
	if (workspaceFolders?.length === 0) {
		// No folder open: commands run in the home folder, which is no workspace.
		return false;
	}
	const folders = (workspaceFolders ?? []).map((folder) => path.posix.normalize(folder).replace(/\/+$/, '') || '/');
	if (!path.posix.isAbsolute(target)) {
		if (folders.length === 0) {
			const normalized = path.posix.normalize(target);
			return normalized !== '..' && !normalized.startsWith('../');
		}
		return within(path.posix.resolve(folders[0], target), folders);
	}
	return within(path.posix.normalize(target), folders);
}

function within(target: string, folders: readonly string[]): boolean {
	return folders.some((folder) => target === folder || target.startsWith(folder === '/' ? '/' : `${folder}/`));
}
