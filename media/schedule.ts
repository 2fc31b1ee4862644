/**
 * Timing helpers (no DOM): a trailing debounce, a throttle that always delivers the last call, and a
 * prompt yield to the event loop for time-sliced work.
 */

type Task = () => void;
interface PostTaskScheduler {
	postTask(callback: Task, options?: { priority?: 'user-blocking' | 'user-visible' | 'background' }): Promise<unknown>;
}
interface Port {
	onmessage: ((event: unknown) => void) | null;
	postMessage(message: unknown): void;
}

/**
 * Returns a function that runs a callback in a new task as soon as possible, letting input and
 * rendering in between: `scheduler.postTask` where there is one, else a MessageChannel, else
 * `setTimeout(0)` (which browsers clamp to ≥ 4 ms after a few nested calls, hence the others).
 */
export function taskYielder(scope: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): (callback: Task) => void {
	const scheduler = scope.scheduler as PostTaskScheduler | undefined;
	if (scheduler && typeof scheduler.postTask === 'function') {
		return (callback) => {
			scheduler.postTask(callback, { priority: 'user-visible' }).catch(() => undefined);
		};
	}
	const Channel = scope.MessageChannel as (new () => { port1: Port; port2: Port }) | undefined;
	if (typeof Channel === 'function') {
		const queue: Task[] = [];
		let channel: { port1: Port; port2: Port } | undefined;
		return (callback) => {
			if (!channel) {
				channel = new Channel();
				channel.port1.onmessage = () => {
					queue.shift()?.();
				};
			}
			queue.push(callback);
			channel.port2.postMessage(undefined);
		};
	}
	return (callback) => {
		setTimeout(callback, 0);
	};
}

export interface Scheduled<A extends unknown[]> {
	(...args: A): void;
	/** Runs a pending call now. */
	flush(): void;
	/** Drops a pending call. */
	cancel(): void;
}

/** The timer and the latest arguments a debounce or throttle holds, with their flush and cancel. */
class PendingCall<A extends unknown[]> {
	timer: ReturnType<typeof setTimeout> | undefined;
	args: A | undefined;

	constructor(private readonly _call: (args: A) => void) {}

	/** Makes the pending call, if there is one. */
	readonly fire = (): void => {
		this.timer = undefined;
		const args = this.args;
		this.args = undefined;
		if (args) {
			this._call(args);
		}
	};

	schedule(delayMs: number): void {
		this.timer = setTimeout(this.fire, delayMs);
	}

	readonly flush = (): void => {
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
			this.fire();
		}
	};

	readonly cancel = (): void => {
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
		}
		this.timer = undefined;
		this.args = undefined;
	};
}

/** Calls `fn` once `waitMs` have passed without another call, with the last arguments. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Scheduled<A> {
	const call = new PendingCall<A>((args) => fn(...args));
	const debounced = (...args: A) => {
		call.args = args;
		if (call.timer !== undefined) {
			clearTimeout(call.timer);
		}
		call.schedule(waitMs);
	};
	return Object.assign(debounced, { flush: call.flush, cancel: call.cancel });
}

/**
 * Calls `fn` at most once per `intervalMs`: the first call at once, later ones at the end of the
 * interval with the latest arguments (so the last value is never lost).
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, intervalMs: number, now: () => number = Date.now): Scheduled<A> {
	let last = -Infinity;
	const call = new PendingCall<A>((args) => {
		last = now();
		fn(...args);
	});
	const throttled = (...args: A) => {
		call.args = args;
		if (call.timer !== undefined) {
			return;
		}
		const wait = last + intervalMs - now();
		if (wait <= 0) {
			call.fire();
		} else {
			call.schedule(wait);
		}
	};
	return Object.assign(throttled, { flush: call.flush, cancel: call.cancel });
}
