/**
 * Old replies are shown as plain text at first (cheap to draw); this formats their Markdown as they
 * come near the viewport, in slices between which input and rendering go on.
 */

import type { AssistantMessage } from './assistantMessage';

/**
 * How far beyond the viewport an old reply's Markdown is formatted (px): well past what
 * `content-visibility: auto` draws, so a reply is formatted before it is first laid out.
 */
const FORMAT_MARGIN = '1500px 0px';
/** Time budget of one slice of formatting old replies that came near the viewport (ms). */
const FORMAT_BUDGET = 8;

export class NearbyFormatter {
	/** Watches old replies shown as plain text, to format them as they come near the viewport. */
	private readonly nearby: IntersectionObserver | undefined;
	/** Old replies near the viewport, waiting to be formatted. */
	private queue: AssistantMessage[] = [];
	private scheduled = false;
	private generation = 0;

	/**
	 * `root`: the scrolling element. `find`: the reply now shown for an item id. `yieldTask`: runs the
	 * next slice in a new task. `formatted`: called after each slice (heights around the viewport changed).
	 */
	constructor(
		root: HTMLElement,
		private readonly find: (itemId: string) => AssistantMessage | undefined,
		private readonly yieldTask: (callback: () => void) => void,
		private readonly formatted: () => void,
	) {
		if (typeof IntersectionObserver !== 'undefined') {
			this.nearby = new IntersectionObserver((records) => this.onNearby(records), { root, rootMargin: FORMAT_MARGIN });
		}
	}

	/** Whether a reply may wait for the viewport to be formatted (the page can tell when it comes near). */
	get available(): boolean {
		return this.nearby !== undefined;
	}

	/** Formats `view` when it comes near the viewport, if it shows plain text. */
	watch(view: AssistantMessage): void {
		if (view.pending) {
			this.nearby?.observe(view.el);
		}
	}

	/** A new state: the replies watched so far are gone. */
	reset(): void {
		this.generation++;
		this.nearby?.disconnect();
		this.queue = [];
	}

	/** Old replies came near the viewport: format them, in slices. */
	private onNearby(records: IntersectionObserverEntry[]): void {
		for (const record of records) {
			if (!record.isIntersecting) {
				continue;
			}
			const target = record.target as HTMLElement;
			this.nearby?.unobserve(target);
			const view = this.find(target.dataset.itemId ?? '');
			if (view?.el === target && view.pending) {
				this.queue.push(view);
			}
		}
		this.schedule();
	}

	private schedule(): void {
		if (this.scheduled || this.queue.length === 0) {
			return;
		}
		this.scheduled = true;
		const generation = this.generation;
		this.yieldTask(() => {
			this.scheduled = false;
			if (generation !== this.generation) {
				return;
			}
			const start = performance.now();
			while (this.queue.length > 0 && performance.now() - start < FORMAT_BUDGET) {
				const view = this.queue.shift()!;
				try {
					view.hydrate();
				} catch {
					// Keep the plain text.
				}
			}
			this.formatted();
			this.schedule();
		});
	}
}
