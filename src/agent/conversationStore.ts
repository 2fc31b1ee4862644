/**
 * Conversations on disk, one JSON file each plus an index, in the workspace's storage folder.
 *
 * Every write is atomic (a temporary file, then a rename), so a crash mid-write leaves the previous
 * version. A file that cannot be parsed is renamed aside, never silently dropped, and the caller is told.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../common/errors';
import { ensurePrivateFolder, tightenTree, writePrivateFileAtomicAsync } from '../common/privateFiles';

export interface ConversationSummary {
	readonly id: string;
	readonly title: string;
	/** Epoch milliseconds of the last save. */
	readonly updatedAt: number;
}

export type LoadResult =
	| { readonly kind: 'loaded'; readonly data: unknown }
	| { readonly kind: 'missing' }
	/** The file was corrupt and was moved to `keptAt`. */
	| { readonly kind: 'corrupt'; readonly keptAt: string; readonly error: string };

const INDEX_FILE = 'index.json';
const ID_PATTERN = /^[\w-]{1,100}$/;

/**
 * Writes a file so that readers see the old or the new content, never a part; readable by the user
 * alone (a conversation holds command output and whatever was pasted into it), in a private folder.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
	ensurePrivateFolder(path.dirname(file));
	await writePrivateFileAtomicAsync(file, content);
}

export class ConversationStore {
	/** Saves run one after another, so an older state can never overwrite a newer one. */
	private _queue: Promise<unknown> = Promise.resolve();
	private _tightened = false;

	constructor(private readonly _folder: string) {}

	get folder(): string {
		return this._folder;
	}

	private _file(id: string): string {
		if (!ID_PATTERN.test(id)) {
			throw new Error(`Not a conversation id: ${id}`);
		}
		return path.join(this._folder, `${id}.json`);
	}

	/** Saves a conversation and its line in the index. */
	save(id: string, title: string, data: unknown): Promise<void> {
		const run = async () => {
			if (!this._tightened) {
				// Conversations saved by an earlier version have the umask's modes.
				this._tightened = true;
				tightenTree(this._folder);
			}
			await writeFileAtomic(this._file(id), JSON.stringify(data));
			const index = (await this._readIndex()).filter((entry) => entry.id !== id);
			index.unshift({ id, title, updatedAt: Date.now() });
			await writeFileAtomic(path.join(this._folder, INDEX_FILE), JSON.stringify(index, null, '\t'));
		};
		const next = this._queue.then(run, run);
		this._queue = next.catch(() => undefined);
		return next;
	}

	async load(id: string): Promise<LoadResult> {
		const file = this._file(id);
		let text: string;
		try {
			text = await fs.readFile(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return { kind: 'missing' };
			}
			throw error;
		}
		try {
			return { kind: 'loaded', data: JSON.parse(text) as unknown };
		} catch (error) {
			const keptAt = `${file}.corrupt-${Date.now()}`;
			await fs.rename(file, keptAt);
			return { kind: 'corrupt', keptAt, error: errorMessage(error) };
		}
	}

	/** Newest first. */
	async list(): Promise<ConversationSummary[]> {
		const index = await this._readIndex();
		const present: ConversationSummary[] = [];
		for (const entry of index) {
			try {
				await fs.access(this._file(entry.id));
				present.push(entry);
			} catch {
				// Its file is gone: the index line goes with it.
			}
		}
		return present.sort((a, b) => b.updatedAt - a.updatedAt);
	}


	/** Waits for saves in flight. */
	flush(): Promise<unknown> {
		return this._queue;
	}

	private async _readIndex(): Promise<ConversationSummary[]> {
		let text: string;
		try {
			text = await fs.readFile(path.join(this._folder, INDEX_FILE), 'utf8');
		} catch {
			return [];
		}
		try {
			const parsed: unknown = JSON.parse(text);
			return Array.isArray(parsed) ? parsed.filter(isSummary) : [];
		} catch {
			// The index is derived data: rebuilt from the next save.
			return [];
		}
	}
}

function isSummary(value: unknown): value is ConversationSummary {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const record = value as Record<string, unknown>;
	return typeof record.id === 'string' && ID_PATTERN.test(record.id) && typeof record.title === 'string' && typeof record.updatedAt === 'number';
}
