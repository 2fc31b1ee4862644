import { TextDecoder } from 'node:util';
import { OutputBuffer } from './outputBuffer';
import type { OutputStreamName } from './processRunner';
import type { TaskLog } from './taskLog';

/** What produces the output, so it can be held back while the log catches up. */
export interface OutputFlow {
	pause(): void;
	resume(): void;
}

/**
 * Where a running task's output goes: the raw bytes to its log file, the decoded text to the
 * in-memory tail. stdout and stderr are interleaved in the order their chunks arrive.
 */
export class TaskOutput {
	private readonly _buffer: OutputBuffer;
	// One decoder per stream: a character split across two chunks of stdout must not be broken by a chunk of stderr in between.
	private readonly _decoders: Record<OutputStreamName, TextDecoder> = {
		stdout: new TextDecoder('utf-8'),
		stderr: new TextDecoder('utf-8'),
	};
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

	/** Takes a chunk of output; returns it decoded, for those who look for something in it. */
	push(chunk: Buffer, stream: OutputStreamName): string {
		this._bytes += chunk.length;
		// Not fatal: invalid bytes become U+FFFD instead of throwing.
		const text = this._decoders[stream].decode(chunk, { stream: true });
		this._buffer.append(text);
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
		for (const decoder of Object.values(this._decoders)) {
			this._buffer.append(decoder.decode());
		}
	}
}
