/**
 * The concurrency limit and the queue in front of it: items wait in FIFO order and hold a slot from
 * the moment they are started until they are released, so no more than the limit are ever started
 * and not yet released (the list never shows more running than allowed).
 */
export class Slots<T> {
	private readonly _queue: T[] = [];
	private readonly _holders = new Set<T>();
	private _starting = false;

	/** `limit` is read again before every start, so a changed setting applies at once; below 1 counts as 1. */
	constructor(private readonly _limit: () => number) {}

	/** Items that hold a slot. */
	get active(): number {
		return this._holders.size;
	}

	/** Items waiting for a slot. */
	get queued(): number {
		return this._queue.length;
	}

	enqueue(item: T): void {
		this._queue.push(item);
	}

	/** A slot for an item that runs already (one adopted from an earlier window): it counts, even beyond the limit. */
	hold(item: T): void {
		this._holders.add(item);
	}

	/** Frees the item's slot, or takes it out of the queue; nothing if it has neither. */
	release(item: T): void {
		if (this._holders.delete(item)) {
			return;
		}
		const index = this._queue.indexOf(item);
		if (index !== -1) {
			this._queue.splice(index, 1);
		}
	}

	/**
	 * Starts queued items, oldest first, while there is room. Starting can release the item at once (it
	 * failed to start), which makes room again: the loop covers that, and a call from within `start`
	 * returns at once.
	 */
	pump(start: (item: T) => void): void {
		if (this._starting) {
			return;
		}
		this._starting = true;
		try {
			while (this._queue.length > 0 && this._holders.size < this.limit()) {
				const item = this._queue.shift() as T;
				this._holders.add(item);
				start(item);
			}
		} finally {
			this._starting = false;
		}
	}

	/** Forgets the queue: its items will not start. */
	clearQueue(): void {
		this._queue.length = 0;
	}

	private limit(): number {
		const value = Math.floor(this._limit());
		return Number.isFinite(value) && value >= 1 ? value : 1;
	}
}
