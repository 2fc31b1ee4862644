/**
 * Fires at most once per interval: at once when the interval has passed since it last fired, else
 * once when it has. Output can arrive thousands of times a second; listeners hear of it a few times
 * a second at most.
 */
export class Throttle {
	private _timer: NodeJS.Timeout | undefined;
	/** `performance.now()` when it last fired. */
	private _lastFiredAt = 0;

	constructor(
		private readonly _intervalMilliseconds: number,
		private readonly _fire: () => void,
	) {}

	/** Something happened: fire now, or once the interval is over (once, however often this is called meanwhile). */
	trigger(): void {
		if (this._timer !== undefined) {
			return;
		}
		const wait = this._lastFiredAt + this._intervalMilliseconds - performance.now();
		if (wait <= 0) {
			this.fire();
			return;
		}
		this._timer = setTimeout(() => {
			this._timer = undefined;
			this.fire();
		}, wait);
	}

	/** Drops a pending fire. */
	cancel(): void {
		clearTimeout(this._timer);
		this._timer = undefined;
	}

	private fire(): void {
		this._lastFiredAt = performance.now();
		this._fire();
	}
}
