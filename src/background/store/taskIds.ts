import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRecord } from '../../common/guards';
import { writePrivateFileAtomic } from '../../common/privateFiles';
import type { StoreLock } from './storeLock';

const idPattern = /^bg-(\d+)$/;
const logNamePattern = /^bg-(\d+)\.log$/;

/** The number in a task id (`bg-12` → 12), or undefined for anything else. */
export function taskNumber(id: string): number | undefined {
	const match = idPattern.exec(id);
	return match ? Number(match[1]) : undefined;
}

/** The highest task number among the log files of a folder (0 when there are none). */
export function highestLoggedNumber(logFolder: string): number {
	let names: string[] = [];
	try {
		names = fs.readdirSync(logFolder);
	} catch {
		// No log folder yet.
	}
	let highest = 0;
	for (const name of names) {
		const match = logNamePattern.exec(name);
		if (match) {
			highest = Math.max(highest, Number(match[1]));
		}
	}
	return highest;
}

/**
 * Task ids (`bg-N`) for every window that shares one storage folder: N counts up per folder and is
 * never given twice, also across reloads and between windows open at the same time. The counter is a
 * file read and written under the store's lock; when it is missing (a store of an earlier version, or
 * deleted), counting starts above the highest id that any log file or record shows.
 */
export class TaskIdAllocator {
	private readonly _file: string;

	constructor(
		folder: string,
		private readonly _lock: StoreLock,
		/** The highest number known elsewhere (records, log files, an older counter); read only while the counter file is missing. */
		private readonly _floor: () => number,
	) {
		this._file = path.join(folder, 'ids.json');
	}

	next(): string {
		return this._lock.withLock(() => {
			const next = Math.max(this.readCounter() ?? this._floor() + 1, 1);
			writePrivateFileAtomic(this._file, JSON.stringify({ version: 1, nextId: next + 1 }));
			return `bg-${next}`;
		});
	}

	/** Raises the counter above `number` (a record adopted from elsewhere may carry a higher id than the counter). */
	reserveThrough(number: number): void {
		this._lock.withLock(() => {
			const current = this.readCounter() ?? this._floor() + 1;
			if (current <= number) {
				writePrivateFileAtomic(this._file, JSON.stringify({ version: 1, nextId: number + 1 }));
			}
		});
	}

	private readCounter(): number | undefined {
		try {
			const value: unknown = JSON.parse(fs.readFileSync(this._file, 'utf8'));
			if (isRecord(value) && typeof value.nextId === 'number' && Number.isSafeInteger(value.nextId) && value.nextId > 0) {
				return value.nextId;
			}
		} catch {
			// Missing or unreadable: the floor decides.
		}
		return undefined;
	}
}
