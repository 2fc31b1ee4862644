import * as fs from 'node:fs';
import { isRecord } from '../../common/guards';
import { isSameProcess, processStartTime } from '../procfs';
import { PRIVATE_FILE_MODE } from '../../common/privateFiles';

/** A process as another process can recognise it later: pids are reused, so the start time goes with it. */
export interface ProcessIdentity {
	readonly pid: number;
	/** Where the platform tells it (Linux, macOS); see `processStartTime`. */
	readonly startTime?: string;
}

export function currentProcessIdentity(): ProcessIdentity {
	return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/**
 * Whether the process still runs. Without a start time (Windows) a pid that exists counts as alive:
 * the safe answer, since what follows from "dead" (taking over its files) must never happen to a live one.
 */
export function isAlive(identity: ProcessIdentity): boolean {
	return isSameProcess(identity.pid, identity.startTime);
}

export function parseIdentity(value: unknown): ProcessIdentity | undefined {
	if (!isRecord(value) || typeof value.pid !== 'number' || !Number.isSafeInteger(value.pid) || value.pid <= 0) {
		return undefined;
	}
	return { pid: value.pid, startTime: typeof value.startTime === 'string' ? value.startTime : undefined };
}

export class StoreLockTimeoutError extends Error {}

export interface StoreLockOptions {
	/** How long {@link StoreLock.withLock} waits for another holder before it gives up; 5 s by default. */
	readonly timeoutMilliseconds?: number;
	/** A lock file this old whose holder cannot be read (it died while writing it) is taken over; 10 s by default. */
	readonly unreadableStaleMilliseconds?: number;
	readonly identity?: ProcessIdentity;
}

const defaultTimeoutMilliseconds = 5000;
const defaultUnreadableStaleMilliseconds = 10_000;
const retryMilliseconds = 5;

/** Blocks the thread for a moment: the lock is held for a few file operations at most. */
function pause(milliseconds: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/**
 * A lock between the extension hosts that share one storage folder (windows without a folder all use
 * the global storage; two browser tabs of code-server on one folder share its workspace storage).
 *
 * The lock is a file created exclusively (`O_EXCL`), holding its holder's pid and process start time.
 * A holder that died leaves the file behind: it is broken by whoever finds it, under a second
 * exclusive file so that two breakers cannot remove a lock that a third process has just taken.
 * Synchronous on purpose: it guards a few small reads and writes, also during the window's shutdown.
 */
export class StoreLock {
	private readonly _breakerFile: string;
	private readonly _identity: ProcessIdentity;
	private _depth = 0;

	constructor(
		private readonly _file: string,
		private readonly _options: StoreLockOptions = {},
	) {
		this._breakerFile = `${_file}.breaking`;
		this._identity = _options.identity ?? currentProcessIdentity();
	}

	/** Runs `body` holding the lock (re-entrant within this object). Throws {@link StoreLockTimeoutError} when it cannot be had. */
	withLock<T>(body: () => T): T {
		if (this._depth > 0) {
			this._depth++;
			try {
				return body();
			} finally {
				this._depth--;
			}
		}
		this.acquire();
		this._depth = 1;
		try {
			return body();
		} finally {
			this._depth = 0;
			this.release();
		}
	}

	private acquire(): void {
		const deadline = performance.now() + (this._options.timeoutMilliseconds ?? defaultTimeoutMilliseconds);
		for (;;) {
			if (this.tryCreate(this._file)) {
				return;
			}
			this.breakIfStale();
			if (performance.now() > deadline) {
				throw new StoreLockTimeoutError(`The task store is locked by another window (${this._file}); try again.`);
			}
			pause(retryMilliseconds);
		}
	}

	private tryCreate(file: string): boolean {
		let descriptor: number;
		try {
			descriptor = fs.openSync(file, 'wx', PRIVATE_FILE_MODE);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
				return false;
			}
			throw error;
		}
		try {
			fs.writeSync(descriptor, JSON.stringify({ ...this._identity, at: Date.now() }));
		} finally {
			fs.closeSync(descriptor);
		}
		return true;
	}

	private release(): void {
		try {
			fs.unlinkSync(this._file);
		} catch {
			// Broken by someone who thought us dead; nothing of ours is left to remove.
		}
	}

	/** Removes the lock file if its holder is gone, holding the breaker file meanwhile. */
	private breakIfStale(): void {
		const seen = this.readHolder(this._file);
		if (!seen.stale) {
			return;
		}
		if (!this.tryCreate(this._breakerFile)) {
			// Someone else is breaking it; a breaker file left by a process that died while breaking is removed once old.
			if (this.readHolder(this._breakerFile).stale) {
				fs.rmSync(this._breakerFile, { force: true });
			}
			return;
		}
		try {
			// Still the same stale file (no one broke and retook it meanwhile)?
			const again = this.readHolder(this._file);
			if (again.stale && again.content === seen.content) {
				fs.rmSync(this._file, { force: true });
			}
		} finally {
			fs.rmSync(this._breakerFile, { force: true });
		}
	}

	private readHolder(file: string): { stale: boolean; content: string } {
		let content: string;
		let ageMilliseconds: number;
		try {
			content = fs.readFileSync(file, 'utf8');
			ageMilliseconds = Date.now() - fs.statSync(file).mtimeMs;
		} catch {
			// Gone already: nothing to break.
			return { stale: false, content: '' };
		}
		let holder: ProcessIdentity | undefined;
		try {
			holder = parseIdentity(JSON.parse(content));
		} catch {
			holder = undefined;
		}
		if (!holder) {
			// Being written right now, or its writer died half-way: only old ones are stale.
			return { stale: ageMilliseconds > (this._options.unreadableStaleMilliseconds ?? defaultUnreadableStaleMilliseconds), content };
		}
		return { stale: !isAlive(holder), content };
	}
}
