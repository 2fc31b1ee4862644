import type { LinePattern } from '../common/linePattern';
import { readLogSince, readLogTail } from './logFile';
import type { OutputStreamName } from './processRunner';
import type { TaskOutput } from './taskOutput';
import { Throttle } from './throttle';
import type { WaitOptions } from './types';
import { MAX_LINE_CHARS, TaskWaits, type WaitFound, type WaitOutcome } from './waiting';

const outputEventIntervalMilliseconds = 250;

/**
 * A task's output as its run holds it: in memory from launch on, or for a task loaded from disk its
 * log's tail; the waits that look at it; and the throttled events that say it grew.
 */
export class RunOutput {
	private _output: TaskOutput | undefined;
	private readonly _waits = new TaskWaits();
	private readonly _events: Throttle;

	constructor(
		private readonly _logPath: string,
		/** How much of a log stands for the output of a task loaded from disk. */
		private readonly _memoryBufferBytes: () => number,
		/** The output grew (at most every 250 ms). */
		grew: () => void,
	) {
		this._events = new Throttle(outputEventIntervalMilliseconds, grew);
	}

	/** Present from launch on. */
	get current(): TaskOutput | undefined {
		return this._output;
	}

	/** The output, before the process that writes to it starts (it may fail to). */
	attach(output: TaskOutput): void {
		this._output = output;
	}

	/** All the output held: in memory, or the log's tail. ANSI codes kept. */
	text(): string {
		return this._output ? this._output.text() : readLogTail(this._logPath, this._memoryBufferBytes());
	}

	/** Output after `cursor`, and where the output ends now (see `TaskManager.readOutputSince`). ANSI codes kept. */
	since(cursor: number): { text: string; skipped: number; end: number } {
		if (this._output) {
			return { ...this._output.since(cursor), end: this._output.totalLength };
		}
		return readLogSince(this._logPath, cursor, this._memoryBufferBytes());
	}

	/** A chunk of output, from its process or from the log its supervisor writes. */
	push(chunk: Buffer, stream: OutputStreamName): void {
		const text = this._output?.push(chunk, stream, this._waits.active);
		if (text && this._waits.active) {
			this._waits.onText(text);
		}
		this._events.trigger();
	}

	/** Waits for a line, a port or the end (see `TaskManager.waitFor`). */
	wait(pattern: LinePattern | undefined, port: number | undefined, options: WaitOptions, ended: boolean, finish: (outcome: WaitOutcome, found: WaitFound) => void): void {
		// Looking at new output only, the wait needs just the line in progress, not a megabyte of decoded tail.
		const existing = options.includeExistingOutput === false && this._output ? this._output.tail(MAX_LINE_CHARS * 4) : this.text();
		this._waits.add(pattern, port, options, existing, ended, finish);
	}

	/** The task ended (`aborted`: only this window stopped following it): no more events, and every wait is answered. */
	end(aborted: boolean): void {
		this._events.cancel();
		this._waits.onEnd(aborted);
	}

	/** Keeps at most the newest `maxBytes` of a finished task's output in memory. */
	shrink(maxBytes: number): void {
		this._output?.shrink(maxBytes);
	}

	/** Removed from the list: its output needs no memory any more. */
	drop(): void {
		this._output = undefined;
	}
}
