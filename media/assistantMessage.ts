/**
 * A reply from the model: an `article` labelled `Meanwhile` holding its text blocks and tool cards in
 * order. A new version of the item keeps what did not change; streamed text goes to its block.
 */

import { h, icon } from './dom';
import { MarkdownBlock } from './markdownBlock';
import type { BlockModel, ItemModel, TextBlockModel } from './model';
import { messageHeader } from './render';
import { patchToolCard, renderToolCard, toolKey, type RenderContext } from './toolCard';

interface ToolBlock {
	kind: 'tool';
	key: string;
	el: HTMLElement;
}

type BlockView = { kind: 'text'; block: MarkdownBlock } | ToolBlock;

/** A reply: text blocks and tool cards, in order. */
export class AssistantMessage {
	readonly el: HTMLElement;
	private readonly body: HTMLElement;
	private views: BlockView[] = [];
	private streaming = false;
	/** Whether new finished text blocks are shown as plain text until {@link hydrate}. */
	private deferMarkdown: boolean;

	/**
	 * `deferMarkdown`: show the text of a finished reply unformatted until {@link hydrate} (an old reply
	 * far from the viewport); the article, its name and its text are there at once.
	 */
	constructor(
		public item: Extract<ItemModel, { kind: 'assistant' }>,
		private readonly ctx: RenderContext,
		deferMarkdown = false,
	) {
		this.deferMarkdown = deferMarkdown && !item.streaming;
		this.el = h('article', { className: 'message assistant', attrs: { 'aria-label': 'Meanwhile', 'data-item-id': item.id } });
		const header = messageHeader('Meanwhile', 'sparkle');
		header.append(icon('loading', true, 'message-progress'));
		this.body = h('div', { className: 'message-body' });
		this.el.append(header, this.body);
		this.update(item, false);
	}

	/** Whether some text is still shown unformatted (see {@link hydrate}). */
	get pending(): boolean {
		return this.views.some((view) => view.kind === 'text' && view.block.pending);
	}

	/** Formats the text shown unformatted so far, and stops deferring. */
	hydrate(): void {
		this.deferMarkdown = false;
		for (const view of this.views) {
			if (view.kind === 'text' && view.block.pending) {
				view.block.renderFull();
			}
		}
	}

	/** Takes a new version of the item, keeping what did not change. */
	update(item: Extract<ItemModel, { kind: 'assistant' }>, incremental = true): void {
		this.item = item;
		const next: BlockView[] = [];
		item.blocks.forEach((block, index) => {
			next.push(this.reconcile(block, this.views[index], incremental));
		});
		for (let i = next.length; i < this.views.length; i++) {
			this.elementOf(this.views[i]).remove();
		}
		// Put the elements in order (only moves what is out of place).
		let previous: Element | null = null;
		for (const view of next) {
			const el = this.elementOf(view);
			const expected: Element | null = previous ? previous.nextElementSibling : this.body.firstElementChild;
			if (expected !== el) {
				if (previous) {
					previous.after(el);
				} else {
					this.body.prepend(el);
				}
			}
			previous = el;
		}
		this.views = next;
		this.setStreaming(item.streaming);
	}

	setStreaming(streaming: boolean): void {
		const finished = this.streaming && !streaming;
		this.streaming = streaming;
		this.item.streaming = streaming;
		if (finished) {
			for (const view of this.views) {
				if (view.kind === 'text') {
					view.block.finish();
				}
			}
		}
		this.el.classList.toggle('streaming', streaming);
		if (streaming) {
			this.el.setAttribute('aria-busy', 'true');
		} else {
			this.el.removeAttribute('aria-busy');
		}
	}

	/** Appends streamed text; returns the block to re-render, or undefined when the delta does not apply. */
	appendDelta(blockIndex: number, delta: string): MarkdownBlock | undefined {
		let view = this.views[blockIndex];
		if (!view) {
			if (blockIndex < 0) {
				return undefined;
			}
			const model: TextBlockModel = { kind: 'text', text: '' };
			this.item.blocks.push(model);
			const block = new MarkdownBlock(model);
			view = { kind: 'text', block };
			this.views.push(view);
			this.body.append(block.el);
		}
		if (view.kind !== 'text') {
			return undefined;
		}
		view.block.model.text += delta;
		return view.block;
	}

	private elementOf(view: BlockView): HTMLElement {
		return view.kind === 'text' ? view.block.el : view.el;
	}

	private reconcile(block: BlockModel, existing: BlockView | undefined, incremental: boolean): BlockView {
		if (block.kind === 'text') {
			if (existing?.kind === 'text') {
				if (existing.block.model.text !== block.text) {
					existing.block.model.text = block.text;
					if (existing.block.pending && !this.item.streaming) {
						existing.block.renderPlain();
					} else {
						existing.block.renderIncremental(!this.item.streaming);
					}
				}
				const index = this.item.blocks.indexOf(block);
				if (index >= 0) {
					this.item.blocks[index] = existing.block.model;
				}
				return existing;
			}
			const markdownBlock = new MarkdownBlock(block);
			if (incremental && this.item.streaming) {
				markdownBlock.renderIncremental();
			} else if (this.deferMarkdown && !this.item.streaming) {
				markdownBlock.renderPlain();
			} else {
				markdownBlock.renderFull();
			}
			return { kind: 'text', block: markdownBlock };
		}
		const key = toolKey(block);
		if (existing?.kind === 'tool' && existing.key === key) {
			return existing;
		}
		if (existing?.kind === 'tool' && existing.el.dataset.toolId === block.toolUseId) {
			patchToolCard(existing.el, block, this.ctx);
			existing.key = key;
			return existing;
		}
		return { kind: 'tool', key, el: renderToolCard(block, this.ctx) };
	}
}
