import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../common/errors';
import { isRecord } from '../../common/guards';
import type { Logger } from '../../common/logger';
import { ensurePrivateFolder, writePrivateFileAtomic } from '../../common/privateFiles';
import { isAlive, parseIdentity, type ProcessIdentity } from './storeLock';

const windowsFolderName = 'windows';
const ownerFileName = 'owner.json';
/** A window folder without a readable owner this old was left by a window that died while creating it. */
const ownerlessStaleMilliseconds = 60_000;

/** A folder of another window that no live window owns any more: its tasks are for this window to take over. */
export interface OrphanStore {
	readonly folder: string;
	/** Why it is an orphan, for the log. */
	readonly why: 'closed' | 'died' | 'ownerless';
}

/**
 * Each extension host (window) that opens a storage folder writes its task list and notice journal to
 * a folder of its own, `windows/<instance>/`, with an owner file naming its process. One writer per
 * file: two windows on one store (windows without a folder share the global storage; two browser tabs
 * of code-server share a folder's storage) never overwrite each other's records or journals. Log
 * files and supervisor files are shared, named by task ids, which {@link TaskIdAllocator} never gives twice.
 *
 * When a window closes it marks its folder closed; when it dies, its process is gone. Either way the
 * folder is an orphan, and a window that finds one (at start, and while it runs) takes its tasks over
 * under the store's lock, then deletes it: after a reload, the new window shows what the old one ran.
 */
export class WindowStores {
	readonly root: string;
	readonly own: string;
	private readonly _ownerFile: string;

	constructor(
		storageDir: string,
		private readonly _identity: ProcessIdentity,
		private readonly _logger: Logger,
		instance: string = randomBytes(6).toString('hex'),
	) {
		this.root = path.join(storageDir, windowsFolderName);
		this.own = path.join(this.root, instance);
		this._ownerFile = path.join(this.own, ownerFileName);
	}

	/** Creates this window's folder and says who owns it. */
	open(): void {
		ensurePrivateFolder(this.own);
		writePrivateFileAtomic(this._ownerFile, JSON.stringify({ version: 1, ...this._identity, openedAt: Date.now() }));
	}

	/** This window is done writing: the next window may take its folder over at once. */
	markClosed(): void {
		try {
			writePrivateFileAtomic(this._ownerFile, JSON.stringify({ version: 1, ...this._identity, closed: true, closedAt: Date.now() }));
		} catch (error) {
			this._logger.warn(`Could not mark ${this.own} as closed: ${errorMessage(error)}`);
		}
	}

	/** Folders of windows that closed or died, not this one's. */
	orphans(): OrphanStore[] {
		let names: string[];
		try {
			names = fs.readdirSync(this.root);
		} catch {
			return [];
		}
		const orphans: OrphanStore[] = [];
		for (const name of names) {
			const folder = path.join(this.root, name);
			if (folder === this.own) {
				continue;
			}
			const why = this.orphanReason(folder);
			if (why) {
				orphans.push({ folder, why });
			}
		}
		return orphans;
	}

	/** Deletes a folder whose tasks were taken over. */
	remove(folder: string): void {
		try {
			fs.rmSync(folder, { recursive: true, force: true });
		} catch (error) {
			this._logger.warn(`Could not delete ${folder}: ${errorMessage(error)}`);
		}
	}

	private orphanReason(folder: string): OrphanStore['why'] | undefined {
		let stat: fs.Stats;
		try {
			stat = fs.statSync(folder);
		} catch {
			return undefined;
		}
		if (!stat.isDirectory()) {
			return undefined;
		}
		let owner: unknown;
		try {
			owner = JSON.parse(fs.readFileSync(path.join(folder, ownerFileName), 'utf8'));
		} catch {
			owner = undefined;
		}
		const identity = parseIdentity(owner);
		if (!identity) {
			return Date.now() - stat.mtimeMs > ownerlessStaleMilliseconds ? 'ownerless' : undefined;
		}
		if (isRecord(owner) && owner.closed === true) {
			return 'closed';
		}
		return isAlive(identity) ? undefined : 'died';
	}
}
