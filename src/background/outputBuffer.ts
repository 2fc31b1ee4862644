import { TextDecoder, TextEncoder } from 'node:util';
import { utf8RemnantLength } from './utf8';

const encoder = new TextEncoder();
// Not streaming: each read decodes a complete slice, so one decoder serves every buffer.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Where text is encoded before it is copied in: one for all buffers, grown to the largest chunk seen. */
let scratch = new Uint8Array(0);
/** A buffer starts this small and doubles up to its capacity: most tasks print little. */
const initialBytes = 4096;

/**
 * The newest part of a task's output, held in memory for the UI and the model: a ring of UTF-8 bytes
 * of fixed capacity, so memory stays bounded however much a task prints, and appending costs one copy
 * and no allocation (a task printing a gigabyte must not churn the garbage collector).
 *
 * Output comes in as the bytes the task wrote, in whole characters; invalid bytes are left as they are
 * until a read decodes them (to U+FFFD): most of a flood is overwritten before anyone reads it. The
 * oldest character may have been cut in half by the ring: reads skip that remnant. Positions
 * ("cursors") count bytes since the task began.
 */
export class OutputBuffer {
	private _capacity: number;
	private _bytes: Uint8Array;
	/** Where the oldest byte held is, in `_bytes`. */
	private _start = 0;
	private _length = 0;
	private _total = 0;

	constructor(capacity: number) {
		this._capacity = Math.max(1, Math.floor(capacity));
		this._bytes = new Uint8Array(Math.min(this._capacity, initialBytes));
	}

	get capacity(): number {
		return this._capacity;
	}

	/** Bytes held now (at most the capacity). */
	get length(): number {
		return this._length;
	}

	/** Bytes ever appended: the position after the newest byte, which readers use as a cursor. */
	get totalLength(): number {
		return this._total;
	}

	/** Bytes dropped from the front so far. */
	get droppedLength(): number {
		return this._total - this._length;
	}

	append(text: string): void {
		if (text.length === 0) {
			return;
		}
		// Three bytes per UTF-16 unit is the most UTF-8 can need.
		if (scratch.length < text.length * 3) {
			scratch = new Uint8Array(text.length * 3);
		}
		const { written } = encoder.encodeInto(text, scratch);
		this.appendBytes(scratch.subarray(0, written));
	}

	/**
	 * Counts output that was never held, so positions keep counting the whole output: for a buffer that
	 * starts in the middle of a task (one adopted from an earlier window reads only the tail of its log).
	 * Only before anything is appended; a gap between held bytes would make positions lie.
	 */
	skip(count: number): void {
		if (this._length > 0) {
			throw new Error('OutputBuffer.skip is only for a buffer that holds nothing yet.');
		}
		this._total += Math.max(0, Math.floor(count));
	}

	/** All the text held, oldest first. */
	text(): string {
		return this.decodeFrom(this._total - this._length).text;
	}

	/** The text of the newest `maxBytes` bytes at most, without decoding the whole buffer. */
	tail(maxBytes: number): string {
		return this.decodeFrom(this._total - Math.min(this._length, Math.max(0, Math.floor(maxBytes)))).text;
	}

	/**
	 * What was appended after position `cursor` (a {@link totalLength} seen earlier) and is still held,
	 * and how many bytes after the cursor were already dropped.
	 */
	since(cursor: number): { text: string; skipped: number } {
		const start = Math.max(0, Math.floor(cursor));
		if (start >= this._total) {
			return { text: '', skipped: 0 };
		}
		const oldest = this._total - this._length;
		const { text, remnant } = this.decodeFrom(Math.max(start, oldest));
		return { text, skipped: Math.max(0, oldest - start) + remnant };
	}

	/** Keeps at most the newest `capacity` bytes from now on, in memory of just that size: for a task that has ended. */
	shrink(capacity: number): void {
		this._capacity = Math.max(1, Math.floor(Math.min(capacity, this._capacity)));
		const kept = Math.min(this._length, this._capacity);
		const bytes = this.copyOut(this._total - kept, kept);
		this._bytes = bytes;
		this._start = 0;
		this._length = kept;
	}

	/** Appends output bytes as they are, ending on a character boundary (no decoding on the hot path). */
	appendBytes(bytes: Uint8Array): void {
		if (bytes.length >= this._capacity) {
			if (this._bytes.length < this._capacity) {
				this._bytes = new Uint8Array(this._capacity);
			}
			this._bytes.set(bytes.subarray(bytes.length - this._capacity));
			this._start = 0;
			this._length = this._capacity;
			this._total += bytes.length;
			return;
		}
		const needed = this._length + bytes.length;
		if (needed > this._bytes.length && this._bytes.length < this._capacity) {
			const grown = Math.min(this._capacity, Math.max(needed, this._bytes.length * 2));
			const replacement = new Uint8Array(grown);
			replacement.set(this.copyOut(this._total - this._length, this._length));
			this._bytes = replacement;
			this._start = 0;
		}
		const size = this._bytes.length;
		const end = (this._start + this._length) % size;
		const first = Math.min(bytes.length, size - end);
		this._bytes.set(bytes.subarray(0, first), end);
		if (first < bytes.length) {
			this._bytes.set(bytes.subarray(first), 0);
		}
		if (needed > size) {
			// Overwrote the oldest bytes.
			this._start = (this._start + needed - size) % size;
			this._length = size;
		} else {
			this._length = needed;
		}
		this._total += bytes.length;
	}

	/** The bytes from absolute position `from` on, `count` of them, as one contiguous copy. */
	private copyOut(from: number, count: number): Uint8Array {
		const size = this._bytes.length;
		const offset = from - (this._total - this._length);
		const physical = (this._start + offset) % size;
		const result = new Uint8Array(count);
		const first = Math.min(count, size - physical);
		result.set(this._bytes.subarray(physical, physical + first));
		if (first < count) {
			result.set(this._bytes.subarray(0, count - first), first);
		}
		return result;
	}

	/** Decodes from absolute position `from` to the end; `remnant` counts bytes of a cut character skipped at the start. */
	private decodeFrom(from: number): { text: string; remnant: number } {
		const count = this._total - from;
		if (count <= 0) {
			return { text: '', remnant: 0 };
		}
		const bytes = this.copyOut(from, count);
		const remnant = utf8RemnantLength(bytes);
		return { text: decoder.decode(bytes.subarray(remnant)), remnant };
	}
}
