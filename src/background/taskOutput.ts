import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { OutputBuffer } from './outputBuffer';
import { STDERR_TAIL_BYTES, TailBytes } from './tailBytes';
import type { OutputStreamName } from './processRunner';
import type { TaskLog } from './taskLog';
import { completeUtf8Length, UTF8_MAX_BYTES, utf8RemnantLength } from './utf8';

/** What produces the output, so it can be held back while the log catches up. */
export interface OutputFlow {
	pause(): void;
	resume(): void;
}


/**
 * Where a running task's output goes: the raw bytes to its log file, the text to the in-memory tail.
 * stdout and stderr are interleaved in the order their chunks arrive.
 *
 * Bytes go into the byte ring as they are, with a character split across chunks held back until its
 * end arrives (so a chunk of the other stream cannot cut it); nothing is decoded or checked on the way
 * in unless a wait looks at the text, so a flood costs a copy, not a validation, a decode and an encode.
 */
export class TaskOutput {
	private readonly _buffer: OutputBuffer;
	// Per stream: a character split across two chunks of stdout must not be broken by a chunk of stderr in between.
	private readonly _pending: Record<OutputStreamName, Buffer | undefined> = { stdout: undefined, stderr: undefined };
	private readonly _stderrTail = new TailBytes(STDERR_TAIL_BYTES);
	private _bytes = 0;
	private _waitingForLog = false;
	private _finished = false;

	constructor(
		capacity: number,
		private _log: TaskLog | undefined,
		private readonly _flow: OutputFlow,
	) {
		this._buffer = new OutputBuffer(capacity);
	}

	/** Bytes received so far, both streams together. */
	get bytes(): number {
		return this._bytes;
	}

	/** Takes a chunk of output; returns it decoded when `wantText` (for those who look for something in it). */
	push(chunk: Buffer, stream: OutputStreamName, wantText = true): string {
		this._bytes += chunk.length;
		if (stream === 'stderr') {
			this._stderrTail.append(chunk);
		}
		const pending = this._pending[stream];
		let data = chunk;
		if (pending) {
			if (wantText || chunk.length < UTF8_MAX_BYTES) {
				data = Buffer.concat([pending, chunk]);
			} else {
				// The held bytes go first, in this same call, so nothing comes between them and the rest of
				// their character; a chunk this long ends the same with or without them in front, so the
				// chunk is not copied to join them (lines with non-ASCII characters split often).
				this._buffer.appendBytes(pending);
			}
		}
		const complete = completeUtf8Length(data);
		this._pending[stream] = complete < data.length ? Buffer.from(data.subarray(complete)) : undefined;
		const whole = data.subarray(0, complete);
		// Held as it came: a flood passes through the ring and is overwritten long before anyone reads it,
		// so bytes are checked only when read (the ring's reads turn invalid ones into U+FFFD).
		this._buffer.appendBytes(whole);
		let text = '';
		if (wantText) {
			// Not fatal: invalid bytes become U+FFFD instead of throwing.
			text = isUtf8(whole) ? whole.toString('utf8') : new TextDecoder('utf-8').decode(whole);
		}
		if (this._log && !this._log.write(chunk) && !this._waitingForLog && !this._finished) {
			this._waitingForLog = true;
			this._flow.pause();
			this._log.onDrain(() => {
				this._waitingForLog = false;
				if (!this._finished) {
					this._flow.resume();
				}
			});
		}
		return text;
	}

	/** Counts output from before this object existed (see {@link OutputBuffer.skip}). */
	skip(bytes: number): void {
		this._bytes += bytes;
		this._buffer.skip(bytes);
	}

	/**
	 * Closes the log without the note about dropped bytes and goes on in memory only: another writer
	 * continues the log. Resolves with what the log took and dropped, once it is on disk.
	 */
	async closeLog(): Promise<{ written: number; dropped: number }> {
		const log = this._log;
		this._log = undefined;
		if (!log) {
			return { written: 0, dropped: 0 };
		}
		await log.close({ note: false });
		return { written: log.bytesWritten, dropped: log.bytesDropped };
	}

	/** Flushes what the decoders hold and closes the log; resolves once the log is complete on disk. */
	async finish(): Promise<void> {
		this.endDecoding();
		await this._log?.close();
	}

	/** Like {@link finish} without waiting: for shutdown, when nothing can wait. */
	abandon(): void {
		this.endDecoding();
		void this._log?.close();
	}

	text(): string {
		return this._buffer.text();
	}

	/** The last bytes the task wrote to stderr, decoded. */
	stderrTail(): string {
		const bytes = this._stderrTail.bytes;
		return new TextDecoder('utf-8').decode(bytes.subarray(utf8RemnantLength(bytes)));
	}

	/**
	 * Stderr that reached someone else: a supervisor reads the task's pipes into one log, where stdout
	 * and stderr can no longer be told apart, and says at the end what the last bytes of stderr were.
	 */
	appendStderr(bytes: Uint8Array): void {
		this._stderrTail.append(bytes);
	}

	/** See {@link OutputBuffer.totalLength}. */
	get totalLength(): number {
		return this._buffer.totalLength;
	}

	since(cursor: number): { text: string; skipped: number } {
		return this._buffer.since(cursor);
	}

	tail(maxLength: number): string {
		return this._buffer.tail(maxLength);
	}

	/** Keeps less of a finished task's output in memory. */
	shrink(capacity: number): void {
		this._buffer.shrink(capacity);
	}

	private endDecoding(): void {
		if (this._finished) {
			return;
		}
		this._finished = true;
		for (const stream of ['stdout', 'stderr'] as const) {
			const rest = this._pending[stream];
			this._pending[stream] = undefined;
			if (rest) {
				this._buffer.append(new TextDecoder('utf-8').decode(rest));
			}
		}
	}
}
