import { IDisposable, toDisposable } from './lifecycle';

/** A function to subscribe to an event; returns what unsubscribes. */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

export class Emitter<T> implements IDisposable {
	private readonly _listeners = new Set<(value: T) => void>();
	private _disposed = false;

	constructor(private readonly _onListenerError: (error: unknown) => void = () => undefined) {}

	readonly event: Event<T> = (listener) => {
		if (this._disposed) {
			return toDisposable(() => undefined);
		}
		// Wrap so the same function can subscribe twice and unsubscribe each on its own.
		const wrapped = (value: T) => listener(value);
		this._listeners.add(wrapped);
		return toDisposable(() => this._listeners.delete(wrapped));
	};

	fire(value: T): void {
		for (const listener of [...this._listeners]) {
			try {
				listener(value);
			} catch (error) {
				// One broken listener must not stop the others from hearing the event.
				this._onListenerError(error);
			}
		}
	}

	dispose(): void {
		this._disposed = true;
		this._listeners.clear();
	}
}

/** Resolves with the next value of an event. */
export function once<T>(event: Event<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
	return new Promise((resolve) => {
		const subscription = event((value) => {
			if (predicate(value)) {
				subscription.dispose();
				resolve(value);
			}
		});
	});
}
