/**
 * Streamed text is appended to its block's model at once but drawn at most once per animation frame
 * (less often when drawing gets expensive), and only the blocks it changed.
 */

import type { MarkdownBlock } from './markdownBlock';

export class StreamFlush {
	private readonly dirty = new Set<MarkdownBlock>();
	private flushFrame: number | undefined;
	private flushTimer: ReturnType<typeof setTimeout> | undefined;
	private nextFlushAt = 0;

	/** `drawn`: called after streamed text was drawn. */
	constructor(private readonly drawn: () => void) {}

	/** `block` took streamed text: draw it with the next flush. */
	add(block: MarkdownBlock): void {
		this.dirty.add(block);
		this.schedule();
	}

	/** Draws what is waiting now. */
	flushNow(): void {
		this.cancel();
		this.flush();
	}

	/** Drops what is waiting (its blocks are gone). */
	clear(): void {
		this.cancel();
		this.dirty.clear();
	}

	private schedule(): void {
		if (this.flushFrame !== undefined || this.flushTimer !== undefined) {
			return;
		}
		const delay = Math.max(0, this.nextFlushAt - performance.now());
		const requestFrame = () => {
			// Whichever comes first draws and cancels the other. Animation frames do not run while the view
			// is hidden: the timer draws anyway, less often.
			this.flushFrame = requestAnimationFrame(() => this.flushNow());
			this.flushTimer = setTimeout(() => this.flushNow(), 250);
		};
		if (delay > 0) {
			this.flushTimer = setTimeout(() => {
				this.flushTimer = undefined;
				requestFrame();
			}, delay);
		} else {
			requestFrame();
		}
	}

	private cancel(): void {
		if (this.flushFrame !== undefined) {
			cancelAnimationFrame(this.flushFrame);
			this.flushFrame = undefined;
		}
		if (this.flushTimer !== undefined) {
			clearTimeout(this.flushTimer);
			this.flushTimer = undefined;
		}
	}

	private flush(): void {
		if (this.dirty.size === 0) {
			return;
		}
		const start = performance.now();
		const blocks = [...this.dirty];
		this.dirty.clear();
		for (const block of blocks) {
			try {
				block.renderIncremental();
			} catch {
				// A block that cannot be drawn keeps its last good state.
			}
		}
		const took = performance.now() - start;
		// When drawing gets expensive (a very long reply), draw less often to leave the thread free.
		this.nextFlushAt = took > 8 ? performance.now() + Math.min(took * 3, 250) : 0;
		this.drawn();
	}
}
