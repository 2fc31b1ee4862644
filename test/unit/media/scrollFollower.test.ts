import assert from 'node:assert/strict';
import { ScrollFollower, type FollowerScope, type ScrollElement } from '../../../media/scrollFollower';

type Listener = (event: { readonly deltaY: number }) => void;

/** The scrolling element as plain numbers; its events are dispatched by hand. */
class FakeBox implements ScrollElement {
	scrollTop = 0;
	private readonly listeners = new Map<string, Listener[]>();

	constructor(
		public scrollHeight: number,
		readonly clientHeight = 500,
	) {}

	get bottom(): number {
		return this.scrollHeight - this.clientHeight;
	}

	addEventListener(type: string, listener: Listener): void {
		this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
	}

	dispatch(type: 'scroll' | 'wheel' | 'touchstart' | 'pointerdown' | 'keydown', deltaY = 0): void {
		for (const listener of this.listeners.get(type) ?? []) {
			listener({ deltaY });
		}
	}
}

/** The page: a clock set by hand, animation frames run by hand, a ResizeObserver only when asked for. */
class FakePage implements FollowerScope {
	time = 0;
	readonly performance = { now: () => this.time };
	readonly ResizeObserver?: FollowerScope['ResizeObserver'];
	/** The ResizeObserver's callback, as if the observed elements changed size. */
	resized: () => void = () => undefined;
	private frames: (() => void)[] = [];

	constructor(withResizeObserver = false) {
		if (withResizeObserver) {
			const observe = (callback: () => void) => {
				this.resized = callback;
			};
			this.ResizeObserver = class {
				constructor(callback: () => void) {
					observe(callback);
				}
				observe(): void {}
			};
		}
	}

	requestAnimationFrame(callback: () => void): number {
		this.frames.push(callback);
		return this.frames.length;
	}

	/** Runs the frames requested so far (not those they request). */
	runFrames(): void {
		const frames = this.frames;
		this.frames = [];
		for (const frame of frames) {
			frame();
		}
	}
}

function follower(box: FakeBox, page = new FakePage(), reported: number[] = []): ScrollFollower {
	return new ScrollFollower(box, {}, page, (scrollTop) => reported.push(scrollTop));
}

describe('media/scrollFollower', () => {
	it('follows the bottom after each change, or (with a ResizeObserver) only when sizes change', () => {
		const box = new FakeBox(1000);
		const plain = follower(box);
		plain.contentChanged();
		assert.equal(box.scrollTop, 500);
		box.scrollHeight = 1500;
		plain.contentChanged();
		assert.equal(box.scrollTop, 1000);

		const observed = new FakeBox(1000);
		const page = new FakePage(true);
		const withObserver = follower(observed, page);
		withObserver.contentChanged();
		assert.equal(observed.scrollTop, 0, 'no forced layout: the ResizeObserver follows the growth');
		page.resized();
		assert.equal(observed.scrollTop, 500);
	});

	it('stops following when the user wheels up, unless the view cannot scroll', () => {
		const short = new FakeBox(300);
		const shortFollower = follower(short);
		short.dispatch('wheel', -40);
		assert.equal(shortFollower.following, true);

		const box = new FakeBox(1000);
		const tall = follower(box);
		box.dispatch('wheel', 40);
		assert.equal(tall.following, true);
		box.dispatch('wheel', -40);
		assert.equal(tall.following, false);
	});

	it('judges a scroll away from the bottom by the user intent just before it, in the next frame', () => {
		const page = new FakePage();
		const box = new FakeBox(1000);
		const scroll = follower(box, page);
		box.scrollTop = 500;
		// The content moved the view (no wheel, key or pointer before it): still following.
		page.time = 5000;
		box.scrollHeight = 1500;
		box.dispatch('scroll');
		page.runFrames();
		assert.equal(scroll.following, true);

		page.time = 6000;
		box.dispatch('pointerdown');
		page.time = 6900;
		box.dispatch('scroll');
		assert.equal(scroll.following, true, 'read in the next frame, not in the scroll event');
		page.time = 8000;
		page.runFrames();
		assert.equal(scroll.following, false, 'judged by when the user scrolled, not when the frame came');

		// Back within 24 px of the bottom: following again, with or without intent.
		box.scrollTop = box.bottom - 20;
		box.dispatch('scroll');
		page.runFrames();
		assert.equal(scroll.following, true);
	});

	it('reports where the user scrolled to, rounded, but not while a state is being drawn', () => {
		const page = new FakePage();
		const box = new FakeBox(2000);
		const reported: number[] = [];
		const scroll = follower(box, page, reported);
		scroll.reset(undefined);
		box.scrollTop = 700;
		box.dispatch('scroll');
		page.runFrames();
		assert.deepEqual(reported, []);
		scroll.settle();
		box.scrollTop = 123.4;
		box.dispatch('scroll');
		page.runFrames();
		assert.deepEqual(reported, [123]);
	});

	it('adds older items above without moving what the user sees, or stays at the bottom', () => {
		const box = new FakeBox(1000);
		const scroll = follower(box);
		scroll.insertAbove(() => {
			box.scrollHeight = 1400;
		});
		assert.equal(box.scrollTop, 900);

		box.dispatch('wheel', -40);
		box.scrollTop = 200;
		scroll.insertAbove(() => {
			box.scrollHeight = 1700;
		});
		assert.equal(box.scrollTop, 500);
	});

	it('returns a restored state to its saved position and holds it there until the user moves', () => {
		const page = new FakePage();
		const box = new FakeBox(500);
		const scroll = follower(box, page);
		scroll.reset(300);
		scroll.insertAbove(() => {
			box.scrollHeight = 3000;
		});
		scroll.settle();
		assert.equal(box.scrollTop, 300);
		assert.equal(scroll.following, false);

		// Replies around it were formatted and the view drifted: it is put back, after two frames too.
		box.scrollTop = 360;
		scroll.keepRestoredPosition();
		assert.equal(box.scrollTop, 300);
		box.scrollTop = 340;
		page.runFrames();
		assert.equal(box.scrollTop, 340, 'the first frame only asks for a second one');
		page.runFrames();
		assert.equal(box.scrollTop, 300);

		// The user moved it: it stays where they put it, from then on.
		box.dispatch('keydown');
		box.scrollTop = 900;
		scroll.keepRestoredPosition();
		assert.equal(box.scrollTop, 900);
		box.scrollTop = 950;
		scroll.keepRestoredPosition();
		assert.equal(box.scrollTop, 950);
	});

	it('goes to the bottom when a state has no saved position, and follows when the saved one is the bottom', () => {
		const box = new FakeBox(2000);
		const scroll = follower(box);
		scroll.reset(undefined);
		scroll.settle();
		assert.equal(box.scrollTop, 1500);
		assert.equal(scroll.following, true);

		scroll.reset(1490);
		box.scrollTop = 0;
		scroll.settle();
		assert.equal(box.scrollTop, 1490);
		assert.equal(scroll.following, true, 'within 24 px of the bottom');
	});

	it('follows only at the bottom once the user reads (opens a card)', () => {
		const box = new FakeBox(2000);
		const scroll = follower(box);
		box.scrollTop = 1000;
		scroll.followOnlyAtBottom();
		assert.equal(scroll.following, false);
		box.scrollTop = 1500;
		scroll.followOnlyAtBottom();
		assert.equal(scroll.following, true);
	});
});
