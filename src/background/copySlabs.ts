/** One slab: chunks are carved from its start on; it is reused once every write of them is done. */
interface Slab {
	readonly bytes: Buffer;
	used: number;
	/** Copies carved from it whose writes are not done yet. */
	pending: number;
}

const SLAB_BYTES = 1024 * 1024;
/** Slabs kept for reuse; more than this are left to the garbage collector. */
const SPARE_SLABS = 4;

/**
 * Copies of chunks that must outlive the call that lent them (output waiting for the disk), carved
 * out of a few slabs of memory that are reused once their writes are done. A fresh buffer per chunk
 * costs little in a benchmark and a lot in the extension host: every one is new memory to fault in
 * and, later, garbage to collect, tens of megabytes of it for a flood's log.
 */
export class CopySlabs {
	private _current: Slab | undefined;
	private readonly _spare: Slab[] = [];

	/** A copy of `chunk`; `release` must be called once, when whoever holds the copy is done with it. */
	copy(chunk: Uint8Array): { bytes: Buffer; release: () => void } {
		if (chunk.length > SLAB_BYTES / 4) {
			// Rare (reads are smaller): its own memory.
			return { bytes: copyOf(chunk), release: () => undefined };
		}
		let slab = this._current;
		if (!slab || slab.used + chunk.length > SLAB_BYTES) {
			if (slab) {
				this.retire(slab);
			}
			slab = this._spare.pop() ?? { bytes: Buffer.allocUnsafeSlow(SLAB_BYTES), used: 0, pending: 0 };
			this._current = slab;
		}
		const bytes = slab.bytes.subarray(slab.used, slab.used + chunk.length);
		bytes.set(chunk);
		slab.used += chunk.length;
		slab.pending++;
		const owner = slab;
		let released = false;
		return {
			bytes,
			release: () => {
				if (released) {
					return;
				}
				released = true;
				owner.pending--;
				if (owner !== this._current && owner.pending === 0) {
					this.recycle(owner);
				}
			},
		};
	}

	/** The current slab is full: it is reused once its last write is done. */
	private retire(slab: Slab): void {
		this._current = undefined;
		if (slab.pending === 0) {
			this.recycle(slab);
		}
	}

	private recycle(slab: Slab): void {
		slab.used = 0;
		if (this._spare.length < SPARE_SLABS) {
			this._spare.push(slab);
		}
	}
}

function copyOf(chunk: Uint8Array): Buffer {
	const bytes = Buffer.allocUnsafeSlow(chunk.length);
	bytes.set(chunk);
	return bytes;
}
