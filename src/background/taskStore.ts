import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import { NoticeJournal } from './store/noticeJournal';
import { ensurePrivateFolder, isOpenToOthers, tightenTree } from '../common/privateFiles';
import { StoreLock, currentProcessIdentity, type ProcessIdentity } from './store/storeLock';
import { TaskFile, readTaskFile, type TaskFileContent, type TaskRecord } from './store/taskFile';
import { TaskIdAllocator, highestLoggedNumber, taskNumber } from './store/taskIds';
import { WindowStores, type OrphanStore } from './store/windowStores';

export { recordOf, type TaskRecord } from './store/taskFile';
export { taskNumber } from './store/taskIds';

const logFolderName = 'logs';
const supervisedFolderName = 'supervised';
/** Where version 0.1 kept every window's records, one file for all. */
const legacyFileName = 'tasks.json';

/** The tasks of a window that closed or died, for this one to take over. */
export interface OrphanTasks extends TaskFileContent {
	/** Its notices not yet delivered, to be moved into this window's journal. */
	readonly journalFolder?: string;
	/** For the log: whose they were. */
	readonly description: string;
}

export interface TaskStoreOptions {
	/** This window's folder name under `windows/`; a new one when absent. */
	readonly instance?: string;
	/** The process that owns this window's folder; this process when absent. */
	readonly identity?: ProcessIdentity;
}

/**
 * The storage folder of the task engine, shared by every window (extension host) that opens it:
 *
 *     logs/bg-N.log                     each task's output (shared: ids are never given twice)
 *     supervised/bg-N.{state,spec}.json tasks left running under a supervisor (shared, by task id)
 *     ids.json, store.lock              the id counter, and the lock that guards it and take-overs
 *     windows/<instance>/tasks.json     one window's task records, written by that window only
 *     windows/<instance>/notices/       its notices not yet saved with a conversation (see NoticeJournal)
 *     windows/<instance>/owner.json     its process, or that it closed
 *
 * One writer per file, so two windows on one store (all windows without a folder share the global
 * storage) never allocate the same id, truncate each other's logs or overwrite each other's records.
 * A window's tree shows the tasks it can act on: its own. When a window closes or dies, the next
 * window to look takes its tasks and notices over. Every file is readable by the user alone.
 */
export class TaskStore {
	readonly logFolder: string;
	/** State and spec files of tasks run by a supervisor, to outlive the window. */
	readonly supervisedFolder: string;
	readonly windows: WindowStores;
	readonly lock: StoreLock;
	readonly ids: TaskIdAllocator;
	readonly journal: NoticeJournal;
	private readonly _file: TaskFile;
	private readonly _legacyFile: string;

	constructor(
		readonly storageDir: string,
		records: () => readonly TaskRecord[],
		private readonly _logger: Logger,
		private readonly _now: () => number,
		options: TaskStoreOptions = {},
	) {
		this.logFolder = path.join(storageDir, logFolderName);
		this.supervisedFolder = path.join(storageDir, supervisedFolderName);
		this._legacyFile = path.join(storageDir, legacyFileName);
		this.windows = new WindowStores(storageDir, options.identity ?? currentProcessIdentity(), _logger, options.instance);
		this.lock = new StoreLock(path.join(storageDir, 'store.lock'));
		this.ids = new TaskIdAllocator(storageDir, this.lock, () => this.highestKnownNumber());
		this.journal = new NoticeJournal(path.join(this.windows.own, 'notices'), _logger);
		this._file = new TaskFile(path.join(this.windows.own, 'tasks.json'), records, _logger);
	}

	/** This window's tasks.json. */
	get filePath(): string {
		return this._file.path;
	}

	/** Creates the store (private) and this window's folder. A store an earlier version made with the umask's modes is made private. */
	open(): void {
		if (isOpenToOthers(this.storageDir)) {
			tightenTree(this.storageDir);
		}
		ensurePrivateFolder(this.storageDir);
		this.windows.open();
	}

	logPath(id: string): string {
		return path.join(this.logFolder, `${id}.log`);
	}

	/** Deletes a task's log, in the background; a failure is only logged. */
	removeLog(id: string): void {
		const logPath = this.logPath(id);
		void fs.promises.rm(logPath, { force: true }).catch((error: unknown) => this._logger.warn(`Could not delete ${logPath}: ${errorMessage(error)}`));
	}

	statePath(id: string): string {
		return path.join(this.supervisedFolder, `${id}.state.json`);
	}

	specPath(id: string): string {
		return path.join(this.supervisedFolder, `${id}.spec.json`);
	}

	/** Creates the storage and log folders if needed (private: logs hold what commands print). */
	ensureFolders(): void {
		ensurePrivateFolder(this.logFolder);
	}

	/** Creates the folder for supervisor state and spec files if needed; private, as specs hold environments. */
	ensureSupervisedFolder(): void {
		ensurePrivateFolder(this.supervisedFolder);
	}

	/**
	 * Runs `takeOver` with the tasks of every window that closed or died (and those of a version-0.1
	 * tasks.json), under the store's lock so that no two windows take over the same ones; after it
	 * returns (having saved what it took), their files are deleted. Returns whether there were any.
	 */
	takeOverOrphans(takeOver: (orphans: readonly OrphanTasks[]) => void): boolean {
		return this.lock.withLock(() => {
			const stores = this.windows.orphans();
			const legacy = fs.existsSync(this._legacyFile);
			if (stores.length === 0 && !legacy) {
				return false;
			}
			const orphans: OrphanTasks[] = stores.map((store) => this.readOrphan(store));
			if (legacy) {
				const content = readTaskFile(this._legacyFile, this._logger, this._now);
				if (content.legacyNextId !== undefined) {
					this.ids.reserveThrough(content.legacyNextId - 1);
				}
				orphans.push({ ...content, description: 'the task list of an earlier version' });
			}
			for (const orphan of orphans) {
				const highest = Math.max(0, ...orphan.tasks.map((record) => taskNumber(record.id) ?? 0));
				this.ids.reserveThrough(highest);
			}
			takeOver(orphans);
			for (const store of stores) {
				this.windows.remove(store.folder);
			}
			if (legacy) {
				fs.rmSync(this._legacyFile, { force: true });
			}
			return true;
		});
	}

	/** Saves soon; many changes in a row make one write. */
	scheduleSave(): void {
		this._file.scheduleSave();
	}

	/** Saves now, synchronously: for a change that must be on disk before the next step. */
	saveNow(): void {
		this._file.saveNow();
	}

	/** Saves now and stops saving; this window's folder is then free for the next window to take over. */
	close(): void {
		this._file.close();
		this.windows.markClosed();
	}

	private readOrphan(store: OrphanStore): OrphanTasks {
		const content = readTaskFile(path.join(store.folder, 'tasks.json'), this._logger, this._now);
		const why = store.why === 'closed' ? 'that closed' : store.why === 'died' ? 'that ended without closing' : 'that never finished opening';
		return { ...content, journalFolder: path.join(store.folder, 'notices'), description: `the tasks of a window ${why}` };
	}

	/**
	 * The highest task number that any log file or task list shows (every window's, and an earlier
	 * version's): when the counter is missing, ids count on above it.
	 */
	private highestKnownNumber(): number {
		const files = [this._legacyFile];
		try {
			files.push(...fs.readdirSync(this.windows.root).map((name) => path.join(this.windows.root, name, 'tasks.json')));
		} catch {
			// No window has written anything yet.
		}
		let highest = highestLoggedNumber(this.logFolder);
		for (const file of files) {
			const content = readTaskFile(file, this._logger, this._now);
			highest = Math.max(highest, (content.legacyNextId ?? 1) - 1, ...content.tasks.map((record) => taskNumber(record.id) ?? 0));
		}
		return highest;
	}
}
