/**
 * Drawing a conversation in time slices, newest items first, so a long one never blocks the main
 * thread for long: a slice draws until its time budget is spent, then yields to input and rendering.
 * Items not drawn yet wait here, where updates and streamed text still reach them. No DOM: what a
 * drawn item becomes and where it goes is the {@link SliceDrawer}'s business.
 */

/** Time budget of one slice of drawing a state (ms). */
const SLICE_BUDGET = 10;

export interface SliceDrawer<T, E> {
	/**
	 * Draws one item, after `drawnBefore` others of the same slice (not in the page yet); undefined when
	 * nothing came of it (it does not count toward the slice).
	 */
	draw(item: T, drawnBefore: number): E | undefined;
	/** Puts what one slice drew in the page, in the items' order (called only when it drew something). */
	commit(drawn: E[]): void;
	/** The last slice is in. */
	finish(): void;
}

export class SlicedDrawing<T extends { readonly id: string }, E> {
	/** Items not drawn yet (drawn from the end backwards). */
	private pending: T[] = [];
	private generation = 0;

	/** `yieldTask` runs the next slice in a new task (see `taskYielder`). */
	constructor(
		private readonly drawer: SliceDrawer<T, E>,
		private readonly yieldTask: (callback: () => void) => void,
		private readonly now: () => number = () => performance.now(),
	) {}

	/** How many items wait to be drawn. */
	get waiting(): number {
		return this.pending.length;
	}

	/** The waiting item with this id. */
	find(id: string): T | undefined {
		return this.pending.length === 0 ? undefined : this.pending.find((item) => item.id === id);
	}

	/** Puts a new version of a waiting item in its place; false when no item with its id waits. */
	replace(item: T): boolean {
		const index = this.pending.length === 0 ? -1 : this.pending.findIndex((waiting) => waiting.id === item.id);
		if (index < 0) {
			return false;
		}
		this.pending[index] = item;
		return true;
	}

	/** Draws `items`, the first slice now and the others after yielding; what was being drawn before is dropped. */
	start(items: readonly T[]): void {
		const generation = ++this.generation;
		this.pending = items.slice();
		this.drawSlice(generation);
	}

	/** Draws the newest waiting items within the slice budget (at least one), then yields. */
	private drawSlice(generation: number): void {
		if (generation !== this.generation) {
			return;
		}
		const start = this.now();
		const drawn: E[] = [];
		while (this.pending.length > 0 && (drawn.length === 0 || this.now() - start < SLICE_BUDGET)) {
			const result = this.drawer.draw(this.pending.pop()!, drawn.length);
			if (result !== undefined) {
				drawn.push(result);
			}
		}
		if (drawn.length > 0) {
			this.drawer.commit(drawn.reverse());
		}
		if (this.pending.length > 0) {
			this.yieldTask(() => this.drawSlice(generation));
			return;
		}
		this.drawer.finish();
	}
}
