import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Files of the task store hold command lines, their output and environments, which can hold secrets:
 * readable by the user alone, whatever the umask (files 0600, folders 0700).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** Creates the folder (and its parents) readable by the user alone; tightens one made earlier with the umask's mode. */
export function ensurePrivateFolder(folder: string): void {
	fs.mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
	tighten(folder, PRIVATE_FOLDER_MODE);
}

/** Writes through a temporary file and a rename, so a reader sees the old content or the new, never a part. */
export function writePrivateFileAtomic(file: string, content: string): void {
	const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
	try {
		fs.writeFileSync(temporary, content, { mode: PRIVATE_FILE_MODE });
		fs.renameSync(temporary, file);
	} catch (error) {
		fs.rmSync(temporary, { force: true });
		throw error;
	}
}

/** The asynchronous {@link writePrivateFileAtomic}. */
export async function writePrivateFileAtomicAsync(file: string, content: string): Promise<void> {
	const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
	try {
		await fs.promises.writeFile(temporary, content, { mode: PRIVATE_FILE_MODE });
		await fs.promises.rename(temporary, file);
	} catch (error) {
		await fs.promises.rm(temporary, { force: true });
		throw error;
	}
}

/** Whether the file or folder can be read by others than its owner (its mode allows group or others anything). */
export function isOpenToOthers(file: string): boolean {
	try {
		return (fs.statSync(file).mode & 0o077) !== 0;
	} catch {
		return false;
	}
}

/**
 * Makes a store made by an earlier version (with the umask's modes) private: the folder itself and
 * every file and folder below it. Best effort; nothing here is worth failing for.
 */
export function tightenTree(folder: string): void {
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(folder, { withFileTypes: true });
	} catch {
		return;
	}
	tighten(folder, PRIVATE_FOLDER_MODE);
	for (const entry of entries) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) {
			tightenTree(full);
		} else if (entry.isFile()) {
			tighten(full, PRIVATE_FILE_MODE);
		}
	}
}

function tighten(file: string, mode: number): void {
	if (process.platform === 'win32') {
		return;
	}
	try {
		if ((fs.statSync(file).mode & 0o777) !== mode) {
			fs.chmodSync(file, mode);
		}
	} catch {
		// Someone else's file, or gone meanwhile: nothing to tighten.
	}
}
