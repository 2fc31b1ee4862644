/** Raw stderr kept apart for the notice: errors must reach the model even when stdout chunks came later. */
export const STDERR_TAIL_BYTES = 4096;

/**
 * The newest bytes of a stream, at most a fixed number: appending copies only what can stay, so a
 * flood costs a small copy per chunk, not a copy of the flood.
 */
export class TailBytes {
	private _bytes: Buffer = Buffer.alloc(0);

	constructor(private readonly _capacity: number) {}

	append(chunk: Uint8Array): void {
		if (chunk.length === 0) {
			return;
		}
		const kept = chunk.subarray(Math.max(0, chunk.length - this._capacity));
		this._bytes = Buffer.concat([this._bytes, kept]);
		if (this._bytes.length > this._capacity) {
			this._bytes = this._bytes.subarray(this._bytes.length - this._capacity);
		}
	}

	get bytes(): Buffer {
		return this._bytes;
	}
}
