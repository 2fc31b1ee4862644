import * as fs from 'node:fs';
import { PRIVATE_FILE_MODE } from '../common/privateFiles';
import { CopySlabs } from './copySlabs';

/**
 * How much of a task's output may wait in memory for the disk before its producer is paused. With the
 * stream's default (16 KiB) every 64 KiB chunk of a pipe paused the producer until that one chunk was
 * on disk, so reading and writing took turns; in the extension host, whose thread pool is busy with
 * other work, that made a flood's first 50 MiB several times slower than the disk. A few chunks'
 * worth lets them overlap, and the stream writes what waits with one writev.
 */
export const LOG_BUFFER_BYTES = 1024 * 1024;

/** Where the output waiting for the disk is copied, shared by every log: a few megabytes at most. */
const waitingBytes = new CopySlabs();

export interface TaskLogOptions {
	/** Append to the file instead of starting it anew. */
	readonly append?: boolean;
	/** Bytes the file already holds of this task's output, toward the cap. */
	readonly written?: number;
	/** Bytes already dropped before this writer, for the note at the end. */
	readonly dropped?: number;
}

/**
 * A task's log file: every byte of output as it came, up to a cap.
 *
 * Writes go through a WriteStream, and {@link write} says when its buffer is full so the caller can
 * pause the producer: a task printing faster than the disk takes it must not fill memory instead.
 * Past the cap the log stops growing; {@link close} then notes how much was dropped, so whoever reads
 * the log knows it is not complete.
 *
 * Two writers can take turns on one log: a task handed over to its supervisor has its log closed here
 * (without the note) and continued there, appending, with the bytes already written counting toward the cap.
 */
export class TaskLog {
	private readonly _stream: fs.WriteStream;
	private _written = 0;
	private _dropped = 0;
	private _failed = false;
	private _closing: Promise<void> | undefined;
	private readonly _drainListeners = new Set<() => void>();

	constructor(
		readonly path: string,
		private readonly _maxBytes: number,
		private readonly _onError: (error: Error) => void,
		options: TaskLogOptions = {},
	) {
		this._written = Math.max(0, options.written ?? 0);
		this._dropped = Math.max(0, options.dropped ?? 0);
		// What commands print can hold secrets: the log is the user's alone, whatever the umask.
		this._stream = fs.createWriteStream(path, { flags: options.append ? 'a' : 'w', mode: PRIVATE_FILE_MODE, highWaterMark: LOG_BUFFER_BYTES });
		this._stream.on('drain', () => this.fireDrain());
		this._stream.on('error', (error) => {
			this._failed = true;
			this._onError(error);
			// A producer paused for a drain that will never come must not stay paused.
			this.fireDrain();
		});
	}

	/** Bytes written to the file (the note about dropped bytes not counted). */
	get bytesWritten(): number {
		return this._written;
	}

	/** Bytes not written because the log reached its cap. */
	get bytesDropped(): number {
		return this._dropped;
	}

	/**
	 * Appends what fits under the cap. Returns false when the stream's buffer is full: the caller
	 * should stop feeding it until {@link onDrain} calls back.
	 */
	write(chunk: Uint8Array): boolean {
		if (this._closing || this._failed) {
			this._dropped += chunk.length;
			return true;
		}
		const room = Math.max(0, this._maxBytes - this._written);
		if (chunk.length > room) {
			this._dropped += chunk.length - room;
			chunk = chunk.subarray(0, room);
		}
		if (chunk.length === 0) {
			return true;
		}
		this._written += chunk.length;
		// The stream holds what it is given until it is on disk, and the chunk may be lent (a view of the
		// buffer its pipe is read into, reused by the next read): it gets a copy, released once written.
		const copy = waitingBytes.copy(chunk);
		return this._stream.write(copy.bytes, copy.release);
	}

	/** Calls back once, the next time the stream's buffer has emptied (or the stream failed). */
	onDrain(listener: () => void): void {
		this._drainListeners.add(listener);
	}

	/** Ends the file (with the note about dropped bytes, if any, unless told not to) and resolves once it is on disk. */
	close(options: { readonly note?: boolean } = {}): Promise<void> {
		this._closing ??= new Promise<void>((resolve) => {
			if (this._failed || this._stream.destroyed) {
				resolve();
				return;
			}
			const done = () => resolve();
			this._stream.once('error', done);
			this._stream.once('close', done);
			if (this._dropped > 0 && options.note !== false) {
				this._stream.write(`\n[Meanwhile: the log reached its limit of ${this._maxBytes} bytes; ${this._dropped} more bytes of output were not written.]\n`);
			}
			this._stream.end();
		});
		return this._closing;
	}

	private fireDrain(): void {
		const listeners = [...this._drainListeners];
		this._drainListeners.clear();
		for (const listener of listeners) {
			listener();
		}
	}
}
