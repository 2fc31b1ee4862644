/**
 * The scroll follower: the transcript sticks to the bottom while content grows unless the user
 * scrolled up; a restored conversation comes back where it was scrolled; where the user scrolls to is
 * reported to the host. It sees the scrolling element and the page only through the small interfaces
 * below (no DOM types), so its decisions run in plain Node against plain objects.
 */

import { throttle, type Scheduled } from './schedule';

/** How close to the bottom still counts as "at the bottom" (px). */
const BOTTOM_SLACK = 24;
/** How long after a wheel, key or pointer event a scroll counts as the user's (ms). */
const USER_INTENT_MS = 1000;
/** How long a restored position is held while the items around it settle (ms). */
const RESTORE_HOLD_MS = 500;
/** How often the scroll position is reported at most (ms). */
const REPORT_INTERVAL_MS = 250;

/** The scrolling element's geometry, as the follower reads and moves it. */
interface ScrollBox {
	scrollTop: number;
	readonly scrollHeight: number;
	readonly clientHeight: number;
}

/** The scrolling element: its geometry and the events that tell the user's hand from the content's growth. */
export interface ScrollElement extends ScrollBox {
	addEventListener(type: 'wheel', listener: (event: { readonly deltaY: number }) => void, options: { passive: boolean }): void;
	addEventListener(type: 'scroll' | 'touchstart' | 'pointerdown' | 'keydown', listener: () => void, options?: { passive: boolean }): void;
}

/** What the follower uses of the page (the window in the view, fakes in tests). */
export interface FollowerScope {
	readonly performance: { now(): number };
	requestAnimationFrame(callback: () => void): unknown;
	/** Absent where there is none: then the view is moved to the bottom after each change instead. */
	readonly ResizeObserver?: new (callback: () => void) => { observe(target: object): void };
}

export class ScrollFollower {
	private stick = true;
	private lastUserIntent = -Infinity;
	/** From {@link reset} to {@link settle}: a state is being drawn (its scroll position is not the user's). */
	private restoring = false;
	private restoreTop: number | undefined;
	/** Where a restored state should stay scrolled while items around it are being formatted. */
	private restoreAnchor: { top: number; intent: number } | undefined;
	private scrollCheckScheduled = false;
	/** Whether a ResizeObserver keeps the view at the bottom as content grows (no forced layouts then). */
	private readonly observesSize: boolean;
	private readonly report: Scheduled<[number]>;

	/**
	 * `content`: the element whose growth is followed, besides `box` itself. `report`: told where the
	 * user scrolled to (at most every 250 ms), never while a state is being drawn.
	 */
	constructor(
		private readonly box: ScrollElement,
		content: object,
		private readonly scope: FollowerScope,
		report: (scrollTop: number) => void,
	) {
		this.report = throttle(report, REPORT_INTERVAL_MS);
		box.addEventListener('scroll', () => this.onScroll(), { passive: true });
		box.addEventListener('wheel', (event) => {
			this.noteIntent();
			if (event.deltaY < 0 && this.canScroll()) {
				this.stick = false;
			}
		}, { passive: true });
		box.addEventListener('touchstart', () => this.noteIntent(), { passive: true });
		box.addEventListener('pointerdown', () => this.noteIntent(), { passive: true });
		box.addEventListener('keydown', () => this.noteIntent());
		const Observer = scope.ResizeObserver;
		this.observesSize = typeof Observer === 'function';
		if (Observer) {
			const observer = new Observer(() => {
				if (this.stick) {
					this.scrollToBottom();
				}
			});
			observer.observe(box);
			observer.observe(content);
		}
	}

	/** Whether the view follows the bottom as content grows. */
	get following(): boolean {
		return this.stick;
	}

	/** A state is about to be drawn: follow the bottom again, and (if it says one) return to `scrollTop` once drawn. */
	reset(scrollTop: number | undefined): void {
		this.restoreAnchor = undefined;
		this.restoreTop = scrollTop;
		this.restoring = true;
		this.stick = true;
		this.lastUserIntent = -Infinity;
	}

	/** Adds content above what is shown: at the bottom the view stays there; otherwise what the user sees stays in place. */
	insertAbove(insert: () => void): void {
		if (this.stick) {
			insert();
			if (!this.observesSize) {
				this.scrollToBottom();
			}
		} else {
			// The user scrolled while the state was being drawn: keep what they see in place.
			const before = this.box.scrollHeight;
			insert();
			this.box.scrollTop += this.box.scrollHeight - before;
		}
	}

	/** The state is drawn: go to its saved position (and hold it while the items around it settle), or to the bottom. */
	settle(): void {
		if (this.restoreTop !== undefined && this.stick) {
			const top = this.restoreTop;
			this.box.scrollTop = top;
			this.stick = this.isAtBottom();
			// Items out of view are drawn at an estimated height until they come near the viewport;
			// once those around the target are drawn, set the position again so it lands where it was.
			// Old replies around the target are formatted as they come near it: set it again after each.
			const anchor = { top, intent: this.lastUserIntent };
			this.restoreAnchor = anchor;
			this.scope.requestAnimationFrame(() =>
				this.scope.requestAnimationFrame(() => {
					this.keepRestoredPosition();
					setTimeout(() => {
						if (this.restoreAnchor === anchor) {
							this.restoreAnchor = undefined;
						}
					}, RESTORE_HOLD_MS);
				}),
			);
		} else if (this.stick) {
			this.scrollToBottom();
		}
		this.restoreTop = undefined;
		this.restoring = false;
	}

	/** While a restored state settles, puts the view back where it was unless the user moved it. */
	keepRestoredPosition(): void {
		const anchor = this.restoreAnchor;
		if (!anchor) {
			return;
		}
		if (anchor.intent !== this.lastUserIntent || this.stick) {
			this.restoreAnchor = undefined;
			return;
		}
		this.box.scrollTop = anchor.top;
		this.stick = this.isAtBottom();
	}

	/** Content changed: follow it down (with a ResizeObserver, growth is followed after layout, before paint: no forced layout here). */
	contentChanged(): void {
		if (this.stick && !this.observesSize) {
			this.scrollToBottom();
		}
	}

	/** The user is reading (opened a card): follow only if the view is at the bottom now. */
	followOnlyAtBottom(): void {
		this.stick = this.isAtBottom();
	}

	private noteIntent(): void {
		this.lastUserIntent = this.scope.performance.now();
	}

	private canScroll(): boolean {
		return this.box.scrollHeight > this.box.clientHeight;
	}

	private isAtBottom(): boolean {
		return this.box.scrollHeight - this.box.scrollTop - this.box.clientHeight <= BOTTOM_SLACK;
	}

	private scrollToBottom(): void {
		const target = this.box.scrollHeight - this.box.clientHeight;
		if (this.box.scrollTop < target) {
			this.box.scrollTop = target;
		}
	}

	/**
	 * Scroll positions are read in the next animation frame (still before it is drawn), where the
	 * layout is due anyway, rather than forcing one from the scroll event.
	 */
	private onScroll(): void {
		if (this.scrollCheckScheduled) {
			return;
		}
		// The user's intent is judged by when they scrolled, not by when the frame came.
		const scrolledAt = this.scope.performance.now();
		this.scrollCheckScheduled = true;
		this.scope.requestAnimationFrame(() => {
			this.scrollCheckScheduled = false;
			this.checkScroll(scrolledAt);
		});
	}

	private checkScroll(scrolledAt: number): void {
		if (this.isAtBottom()) {
			this.stick = true;
		} else if (scrolledAt - this.lastUserIntent < USER_INTENT_MS) {
			this.stick = false;
		}
		if (!this.restoring) {
			this.report(Math.max(0, Math.round(this.box.scrollTop)));
		}
	}
}
