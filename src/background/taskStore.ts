import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../common/logger';
import { TASK_STATUSES } from '../shared/protocol';
import type { TaskInfo, TaskStatus } from './types';
import { isRecord } from '../common/guards';

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

export interface StoredState {
	/** The number the next task id gets; ids are never reused. */
	readonly nextId: number;
	readonly tasks: readonly TaskRecord[];
}

export interface LoadedState extends StoredState {
	/** When tasks.json was last written, if it exists: about when the previous manager stopped. */
	readonly savedAt?: number;
}

interface StoredFile {
	readonly version: 1;
	readonly nextId: number;
	readonly tasks: readonly TaskRecord[];
}

const fileName = 'tasks.json';
const logFolderName = 'logs';
const supervisedFolderName = 'supervised';
const idPattern = /^bg-(\d+)$/;
const logNamePattern = /^bg-(\d+)\.log$/;
const saveDelayMilliseconds = 250;

/** The number in a task id (`bg-12` → 12), or undefined for anything else. */
export function taskNumber(id: string): number | undefined {
	const match = idPattern.exec(id);
	return match ? Number(match[1]) : undefined;
}

/**
 * tasks.json: the id counter and the task records of one storage folder, and the folder of logs.
 *
 * Saves are debounced and atomic (a temporary file renamed over the old one), so a crash leaves either
 * the old file or the new one, never half of one. A file that cannot be read is moved aside rather than
 * overwritten, so nothing is lost that someone might want to look at.
 */
export class TaskStore {
	readonly filePath: string;
	readonly logFolder: string;
	/** State and spec files of tasks run by a supervisor, to outlive the window. */
	readonly supervisedFolder: string;
	private _timer: NodeJS.Timeout | undefined;
	private _writing = false;
	private _dirty = false;
	private _closed = false;
	private _finalContent: string | undefined;
	private _sequence = 0;

	constructor(
		readonly storageDir: string,
		private readonly _state: () => StoredState,
		private readonly _logger: Logger,
		private readonly _now: () => number,
	) {
		this.filePath = path.join(storageDir, fileName);
		this.logFolder = path.join(storageDir, logFolderName);
		this.supervisedFolder = path.join(storageDir, supervisedFolderName);
	}

	logPath(id: string): string {
		return path.join(this.logFolder, `${id}.log`);
	}

	statePath(id: string): string {
		return path.join(this.supervisedFolder, `${id}.state.json`);
	}

	specPath(id: string): string {
		return path.join(this.supervisedFolder, `${id}.spec.json`);
	}

	/** Creates the storage and log folders if needed. */
	ensureFolders(): void {
		fs.mkdirSync(this.logFolder, { recursive: true });
	}

	/** Creates the folder for supervisor state and spec files if needed; private, as specs hold environments. */
	ensureSupervisedFolder(): void {
		fs.mkdirSync(this.supervisedFolder, { recursive: true, mode: 0o700 });
	}

	/** Reads tasks.json; never throws: a missing file is an empty store, a corrupt one is moved aside. */
	load(): LoadedState {
		let text: string;
		let savedAt: number | undefined;
		try {
			text = fs.readFileSync(this.filePath, 'utf8');
			savedAt = fs.statSync(this.filePath).mtimeMs;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				this._logger.warn(`Could not read ${this.filePath}: ${String(error)}`);
			}
			return { nextId: this.nextIdFromLogs([]), tasks: [] };
		}
		let file: { nextId: number; tasks: TaskRecord[] };
		try {
			file = this.parse(text);
		} catch (error) {
			this.moveAside(error);
			return { nextId: this.nextIdFromLogs([]), tasks: [] };
		}
		return { nextId: Math.max(file.nextId, this.nextIdFromLogs(file.tasks)), tasks: file.tasks, savedAt };
	}

	/** Saves soon; many changes in a row make one write. */
	scheduleSave(): void {
		if (this._closed) {
			return;
		}
		this._dirty = true;
		if (this._timer === undefined && !this._writing) {
			this._timer = setTimeout(() => void this.write(), saveDelayMilliseconds);
			// A pending save must not keep the process alive; dispose saves synchronously anyway.
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
		const temporary = this.temporaryPath();
		let renamed = false;
		try {
			await fs.promises.mkdir(this.storageDir, { recursive: true });
			await fs.promises.writeFile(temporary, content, 'utf8');
			if (this._closed) {
				// close() has written the final state; this older one must not replace it.
				await fs.promises.rm(temporary, { force: true });
			} else {
				await fs.promises.rename(temporary, this.filePath);
				renamed = true;
			}
		} catch (error) {
			this._logger.warn(`Could not save ${this.filePath}: ${String(error)}`);
			await fs.promises.rm(temporary, { force: true }).catch(() => undefined);
		} finally {
			this._writing = false;
		}
		if (this._closed) {
			if (renamed && this._finalContent !== undefined && fs.existsSync(this.storageDir)) {
				// Our rename may have landed after close() wrote the final state; write that again so it wins.
				this.writeSync(this._finalContent);
			}
		} else if (this._dirty) {
			this._dirty = false;
			this.scheduleSave();
		}
	}

	private writeSync(content: string): void {
		const temporary = this.temporaryPath();
		try {
			fs.mkdirSync(this.storageDir, { recursive: true });
			fs.writeFileSync(temporary, content, 'utf8');
			fs.renameSync(temporary, this.filePath);
		} catch (error) {
			this._logger.warn(`Could not save ${this.filePath}: ${String(error)}`);
			try {
				fs.rmSync(temporary, { force: true });
			} catch {
				// Nothing more to do about a temporary file we cannot remove.
			}
		}
	}

	private serialize(): string {
		const state = this._state();
		const file: StoredFile = { version: 1, nextId: state.nextId, tasks: state.tasks };
		return JSON.stringify(file, undefined, '\t');
	}

	private temporaryPath(): string {
		return `${this.filePath}.${process.pid}-${++this._sequence}.tmp`;
	}

	private moveAside(problem: unknown): void {
		const aside = `${this.filePath}.corrupt-${this._now()}`;
		try {
			fs.renameSync(this.filePath, aside);
			this._logger.warn(`${this.filePath} could not be read (${String(problem)}); moved it to ${aside} and started with an empty task list.`);
		} catch (error) {
			this._logger.warn(`${this.filePath} could not be read (${String(problem)}) nor moved aside (${String(error)}); starting with an empty task list.`);
		}
	}

	private parse(text: string): { nextId: number; tasks: TaskRecord[] } {
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
			this._logger.warn(`Skipped ${skipped} unreadable task records in ${this.filePath}.`);
		}
		const nextId = typeof value.nextId === 'number' && Number.isSafeInteger(value.nextId) && value.nextId > 0 ? value.nextId : 1;
		return { nextId, tasks };
	}

	/**
	 * One more than the highest id that records or log files show, so ids stay unique even when
	 * tasks.json was lost or the last save did not happen.
	 */
	private nextIdFromLogs(records: readonly TaskRecord[]): number {
		let highest = 0;
		for (const record of records) {
			highest = Math.max(highest, taskNumber(record.id) ?? 0);
		}
		let names: string[] = [];
		try {
			names = fs.readdirSync(this.logFolder);
		} catch {
			// No log folder yet.
		}
		for (const name of names) {
			const match = logNamePattern.exec(name);
			if (match) {
				highest = Math.max(highest, Number(match[1]));
			}
		}
		return highest + 1;
	}
}


const statuses: ReadonlySet<string> = new Set(TASK_STATUSES);

function optionalNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A record as read from disk, checked field by field; undefined if it is not one. */
function toRecord(value: unknown): TaskRecord | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const { id, command, cwd, origin, status } = value;
	if (
		typeof id !== 'string' ||
		taskNumber(id) === undefined ||
		typeof command !== 'string' ||
		typeof cwd !== 'string' ||
		(origin !== 'agent' && origin !== 'user') ||
		typeof status !== 'string' ||
		!statuses.has(status)
	) {
		return undefined;
	}
	const exitCode = value.exitCode === null ? null : optionalNumber(value.exitCode);
	const signal = value.signal === null ? null : typeof value.signal === 'string' ? value.signal : undefined;
	return {
		id,
		command,
		cwd,
		origin,
		status: status as TaskStatus,
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
