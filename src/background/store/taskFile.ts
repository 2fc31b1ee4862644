import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../common/errors';
import { isRecord } from '../../common/guards';
import type { Logger } from '../../common/logger';
import { TASK_STATUSES, isOneOf } from '../../shared/protocol';
import type { TaskInfo } from '../types';
import { ensurePrivateFolder, writePrivateFileAtomic, writePrivateFileAtomicAsync } from '../../common/privateFiles';
import { taskNumber } from './taskIds';

/**
 * A task as saved in tasks.json: what the list shows after a reload. The log path is derived, and what
 * only a live process has (ports, resources, adoption) is not saved.
 */
export type TaskRecord = Omit<TaskInfo, 'logPath' | 'ports' | 'resources' | 'adopted'>;

/** What tasks.json keeps of a task. */
export function recordOf(info: TaskInfo): TaskRecord {
	return {
		id: info.id,
		command: info.command,
		cwd: info.cwd,
		origin: info.origin,
		conversationId: info.conversationId,
		caller: info.caller,
		status: info.status,
		reason: info.reason,
		pid: info.pid,
		exitCode: info.exitCode,
		signal: info.signal,
		queuedAt: info.queuedAt,
		startedAt: info.startedAt,
		endedAt: info.endedAt,
		timeoutSeconds: info.timeoutSeconds,
		outputBytes: info.outputBytes,
		leaveRunning: info.leaveRunning,
	};
}

/** A tasks.json as read: this window's, or that of a window whose tasks this one takes over. */
export interface TaskFileContent {
	readonly tasks: readonly TaskRecord[];
	/** When it was last written: about when the window that wrote it stopped. */
	readonly savedAt?: number;
	/** The id counter an earlier version kept in the file (version 1); counting goes on above it. */
	readonly legacyNextId?: number;
}

const saveDelayMilliseconds = 250;

/** Reads a tasks.json; never throws: a missing file is empty, an unreadable one is moved aside (and the logger says so). */
export function readTaskFile(file: string, logger: Logger, now: () => number): TaskFileContent {
	let text: string;
	let savedAt: number | undefined;
	try {
		text = fs.readFileSync(file, 'utf8');
		savedAt = fs.statSync(file).mtimeMs;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			logger.warn(`Could not read ${file}: ${String(error)}`);
		}
		return { tasks: [] };
	}
	try {
		return { ...parseTaskFile(text, file, logger), savedAt };
	} catch (error) {
		const aside = `${file}.corrupt-${now()}`;
		try {
			fs.renameSync(file, aside);
			logger.warn(`${file} could not be read (${errorMessage(error)}); moved it to ${aside}.`);
		} catch (renameError) {
			logger.warn(`${file} could not be read (${errorMessage(error)}) nor moved aside (${errorMessage(renameError)}).`);
		}
		return { tasks: [] };
	}
}

function parseTaskFile(text: string, file: string, logger: Logger): Omit<TaskFileContent, 'savedAt'> {
	const value: unknown = JSON.parse(text);
	if (!isRecord(value) || !Array.isArray(value.tasks)) {
		throw new Error('not a task list');
	}
	const tasks: TaskRecord[] = [];
	let skipped = 0;
	for (const item of value.tasks) {
		const record = toRecord(item);
		if (record) {
			tasks.push(record);
		} else {
			skipped++;
		}
	}
	if (skipped > 0) {
		logger.warn(`Skipped ${skipped} unreadable task records in ${file}.`);
	}
	const legacyNextId = typeof value.nextId === 'number' && Number.isSafeInteger(value.nextId) && value.nextId > 0 ? value.nextId : undefined;
	return { tasks, legacyNextId };
}

function optionalNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A record as read from disk, checked field by field; undefined if it is not one. */
function toRecord(value: unknown): TaskRecord | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const { id, command, cwd, origin, status } = value;
	if (typeof id !== 'string' || taskNumber(id) === undefined || typeof command !== 'string' || typeof cwd !== 'string' || (origin !== 'agent' && origin !== 'user' && origin !== 'tool') || !isOneOf(TASK_STATUSES, status)) {
		return undefined;
	}
	const exitCode = value.exitCode === null ? null : optionalNumber(value.exitCode);
	const signal = value.signal === null ? null : typeof value.signal === 'string' ? value.signal : undefined;
	return {
		id,
		command,
		cwd,
		origin,
		conversationId: typeof value.conversationId === 'string' ? value.conversationId : undefined,
		caller: typeof value.caller === 'string' ? value.caller : undefined,
		status,
		reason: typeof value.reason === 'string' ? value.reason : undefined,
		pid: optionalNumber(value.pid),
		exitCode,
		signal,
		queuedAt: optionalNumber(value.queuedAt) ?? 0,
		startedAt: optionalNumber(value.startedAt),
		endedAt: optionalNumber(value.endedAt),
		timeoutSeconds: optionalNumber(value.timeoutSeconds),
		outputBytes: optionalNumber(value.outputBytes) ?? 0,
		leaveRunning: typeof value.leaveRunning === 'boolean' ? value.leaveRunning : undefined,
	};
}

/**
 * The tasks.json of this window: written by this window only, so no other writer can lose its
 * records. Saves are debounced and atomic (a temporary file renamed over the old one), so a crash
 * leaves the old file or the new one, never half of one; the file is readable by the user alone.
 */
export class TaskFile {
	private _timer: NodeJS.Timeout | undefined;
	private _writing = false;
	private _dirty = false;
	private _closed = false;
	private _finalContent: string | undefined;

	constructor(
		readonly path: string,
		private readonly _records: () => readonly TaskRecord[],
		private readonly _logger: Logger,
	) {}

	/** Saves soon; many changes in a row make one write. */
	scheduleSave(): void {
		if (this._closed) {
			return;
		}
		this._dirty = true;
		if (this._timer === undefined && !this._writing) {
			this._timer = setTimeout(() => void this.write(), saveDelayMilliseconds);
			// A pending save must not keep the process alive; closing saves synchronously anyway.
			this._timer.unref();
		}
	}

	/** Saves now, synchronously, and goes on saving: for a change that must be on disk before the next step. */
	saveNow(): void {
		if (this._closed) {
			return;
		}
		clearTimeout(this._timer);
		this._timer = undefined;
		// A save in flight carries older content: it saves again after itself when it sees this.
		this._dirty = this._writing;
		this.writeSync(this.serialize());
	}

	/** Saves now, synchronously, and stops saving: for shutdown, when nothing can be awaited. */
	close(): void {
		if (this._closed) {
			return;
		}
		this._closed = true;
		clearTimeout(this._timer);
		this._timer = undefined;
		this._finalContent = this.serialize();
		this.writeSync(this._finalContent);
	}

	private async write(): Promise<void> {
		this._timer = undefined;
		if (!this._dirty || this._closed) {
			return;
		}
		this._dirty = false;
		this._writing = true;
		const content = this.serialize();
		let written = false;
		try {
			if (!this._closed) {
				// Someone may have deleted the folder since (a storage clean-up): the records must not be lost with it.
				ensurePrivateFolder(path.dirname(this.path));
				await writePrivateFileAtomicAsync(this.path, content);
				written = true;
			}
		} catch (error) {
			this._logger.warn(`Could not save ${this.path}: ${errorMessage(error)}`);
		} finally {
			this._writing = false;
		}
		if (this._closed) {
			if (written && this._finalContent !== undefined && fs.existsSync(path.dirname(this.path))) {
				// Our rename may have landed after close() wrote the final state; write that again so it wins.
				// Not into a folder that is gone: the next window has taken this one's tasks over and deleted it.
				this.writeSync(this._finalContent, false);
			}
		} else if (this._dirty) {
			this._dirty = false;
			this.scheduleSave();
		}
	}

	private writeSync(content: string, createFolder = true): void {
		try {
			if (createFolder) {
				ensurePrivateFolder(path.dirname(this.path));
			}
			writePrivateFileAtomic(this.path, content);
		} catch (error) {
			this._logger.warn(`Could not save ${this.path}: ${errorMessage(error)}`);
		}
	}

	private serialize(): string {
		return JSON.stringify({ version: 2, tasks: this._records() }, undefined, '\t');
	}
}
