/**
 * A text block of a reply, drawn from its Markdown: all at once, as plain text until it comes near
 * the viewport, or incrementally while it streams (only the top-level blocks that changed are replaced).
 */

import { h } from './dom';
import { StreamingMarkdown, renderMarkdownBlocks } from './markdown';
import type { TextBlockModel } from './model';

/** A text block of a reply: Markdown that may still be streaming in. */
export class MarkdownBlock {
	readonly el: HTMLElement = h('div', { className: 'markdown' });
	private renderedText: string | undefined;
	private parts: string[] = [];
	/** The nodes of each top-level part, once the block has streamed (for partial updates). */
	private partNodes: Node[][] | undefined;
	private stream: StreamingMarkdown | undefined;

	/** Whether the block shows its text unformatted until {@link renderFull} (see {@link renderPlain}). */
	private plain = false;

	constructor(readonly model: TextBlockModel) {}

	get dirty(): boolean {
		return this.renderedText !== this.model.text;
	}

	/** Whether the block still shows its plain text, waiting for {@link renderFull}. */
	get pending(): boolean {
		return this.plain;
	}

	/**
	 * Shows the text unformatted, as a cheap stand-in until the block comes near the viewport: it reads,
	 * finds and copies the same as the formatted text, without parsing or highlighting.
	 */
	renderPlain(): void {
		this.el.classList.add('markdown-plain');
		this.el.textContent = this.model.text;
		this.plain = true;
		this.parts = [];
		this.partNodes = undefined;
		this.stream = undefined;
		this.renderedText = undefined;
	}

	/** Renders the whole block at once (a finished reply). */
	renderFull(): void {
		if (this.plain) {
			this.plain = false;
			this.el.classList.remove('markdown-plain');
		}
		const parts = renderMarkdownBlocks(this.model.text);
		this.el.innerHTML = parts.join('');
		this.parts = parts;
		this.partNodes = undefined;
		this.stream = undefined;
		this.renderedText = this.model.text;
	}

	/**
	 * Renders what changed since the last render: usually only the last paragraph or code block.
	 * While streaming, only the last blocks are parsed again; `final` parses the whole text once more
	 * (the reply is complete) and still only replaces the blocks that differ.
	 */
	renderIncremental(final = false): void {
		if (!this.dirty && !(final && this.stream)) {
			return;
		}
		if (this.plain) {
			this.plain = false;
			this.el.classList.remove('markdown-plain');
		}
		let parts: string[];
		if (final) {
			parts = renderMarkdownBlocks(this.model.text);
			this.stream = undefined;
		} else {
			this.stream ??= new StreamingMarkdown();
			parts = this.stream.render(this.model.text);
		}
		if (!this.partNodes) {
			this.el.replaceChildren();
			this.partNodes = [];
			this.parts = [];
		}
		let same = 0;
		while (same < parts.length && same < this.parts.length && parts[same] === this.parts[same]) {
			same++;
		}
		for (let i = this.partNodes.length - 1; i >= same; i--) {
			for (const node of this.partNodes[i]) {
				node.parentNode?.removeChild(node);
			}
		}
		this.partNodes.length = same;
		if (same < parts.length) {
			const fragment = document.createDocumentFragment();
			const template = document.createElement('template');
			for (let i = same; i < parts.length; i++) {
				template.innerHTML = parts[i];
				const nodes = Array.from(template.content.childNodes);
				this.partNodes.push(nodes);
				fragment.append(...nodes);
			}
			this.el.append(fragment);
		}
		this.parts = parts;
		this.renderedText = this.model.text;
	}

	/** The reply is complete: settle what streaming rendered. */
	finish(): void {
		if (this.stream) {
			this.renderIncremental(true);
		}
	}
}
