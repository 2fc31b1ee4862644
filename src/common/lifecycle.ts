export interface IDisposable {
	dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
	let done = false;
	return {
		dispose() {
			if (!done) {
				done = true;
				fn();
			}
		},
	};
}

/** Disposes its members together; disposing twice is harmless, adding after disposal disposes at once. */
export class DisposableStore implements IDisposable {
	private readonly _items = new Set<IDisposable>();
	private _disposed = false;

	get isDisposed(): boolean {
		return this._disposed;
	}

	add<T extends IDisposable>(item: T): T {
		if (this._disposed) {
			item.dispose();
		} else {
			this._items.add(item);
		}
		return item;
	}

	delete(item: IDisposable): void {
		this._items.delete(item);
	}

	clear(): void {
		const errors: unknown[] = [];
		// Dispose in reverse order of registration: later objects may depend on earlier ones.
		for (const item of [...this._items].reverse()) {
			try {
				item.dispose();
			} catch (error) {
				errors.push(error);
			}
		}
		this._items.clear();
		if (errors.length === 1) {
			throw errors[0];
		}
		if (errors.length > 1) {
			throw new AggregateError(errors, 'Several disposables failed to dispose');
		}
	}

	dispose(): void {
		if (!this._disposed) {
			this._disposed = true;
			this.clear();
		}
	}
}

export abstract class Disposable implements IDisposable {
	private readonly _store = new DisposableStore();

	protected get isDisposed(): boolean {
		return this._store.isDisposed;
	}

	protected _register<T extends IDisposable>(item: T): T {
		return this._store.add(item);
	}

	dispose(): void {
		this._store.dispose();
	}
}
