/** Timing helpers (no DOM): a trailing debounce and a throttle that always delivers the last call. */

export interface Scheduled<A extends unknown[]> {
	(...args: A): void;
	/** Runs a pending call now. */
	flush(): void;
	/** Drops a pending call. */
	cancel(): void;
}

/** Calls `fn` once `waitMs` have passed without another call, with the last arguments. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Scheduled<A> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let pending: A | undefined;
	const run = () => {
		timer = undefined;
		const args = pending;
		pending = undefined;
		if (args) {
			fn(...args);
		}
	};
	const debounced = (...args: A) => {
		pending = args;
		if (timer !== undefined) {
			clearTimeout(timer);
		}
		timer = setTimeout(run, waitMs);
	};
	debounced.flush = () => {
		if (timer !== undefined) {
			clearTimeout(timer);
			run();
		}
	};
	debounced.cancel = () => {
		if (timer !== undefined) {
			clearTimeout(timer);
		}
		timer = undefined;
		pending = undefined;
	};
	return debounced;
}

/**
 * Calls `fn` at most once per `intervalMs`: the first call at once, later ones at the end of the
 * interval with the latest arguments (so the last value is never lost).
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, intervalMs: number, now: () => number = Date.now): Scheduled<A> {
	let last = -Infinity;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let pending: A | undefined;
	const run = () => {
		timer = undefined;
		const args = pending;
		pending = undefined;
		if (args) {
			last = now();
			fn(...args);
		}
	};
	const throttled = (...args: A) => {
		pending = args;
		const wait = last + intervalMs - now();
		if (wait <= 0 && timer === undefined) {
			run();
		} else if (timer === undefined) {
			timer = setTimeout(run, Math.max(0, wait));
		}
	};
	throttled.flush = () => {
		if (timer !== undefined) {
			clearTimeout(timer);
			run();
		}
	};
	throttled.cancel = () => {
		if (timer !== undefined) {
			clearTimeout(timer);
		}
		timer = undefined;
		pending = undefined;
	};
	return throttled;
}
