/**
 * Builds the transcript's elements from items. Buttons carry `data-action` and are handled by one
 * delegated listener in the transcript (cheap for long conversations).
 */

import type { AttachmentView, ChatErrorAction, TaskView, ToolCallView } from '../src/shared/protocol';
import { h, icon, statusIcon, uniqueId } from './dom';
import { formatTaskLine, formatTaskStatus, oneLine, taskStatusIcon, toolIcon, toolStateIndicator } from './format';
import { highlightCode } from './highlight';
import { StreamingMarkdown, renderMarkdownBlocks } from './markdown';
import type { BlockModel, ItemModel, TextBlockModel } from './model';

export interface RenderContext {
	task(id: string): TaskView | undefined;
	isExpanded(toolUseId: string): boolean;
}

const ACTION_LABELS: Record<ChatErrorAction, string> = {
	retry: 'Retry',
	setApiKey: 'Set API Key',
	openSettings: 'Open Settings',
};

/** The element of a tool card → the call it shows (to build its details on demand). */
const toolOf = new WeakMap<HTMLElement, ToolCallView>();

export function toolForCard(card: HTMLElement): ToolCallView | undefined {
	return toolOf.get(card);
}

export function actionButton(label: string, action: string, className = 'text-button', data: Record<string, string> = {}): HTMLButtonElement {
	const el = h('button', { className, text: label, attrs: { type: 'button', 'data-action': action } });
	for (const [key, value] of Object.entries(data)) {
		el.dataset[key] = value;
	}
	return el;
}

function messageHeader(name: string, iconName: string): HTMLElement {
	return h('div', { className: 'message-header', attrs: { 'aria-hidden': 'true' } }, icon(iconName), h('span', { className: 'message-author', text: name }));
}

export function attachmentChip(attachment: AttachmentView, removable: boolean): HTMLElement {
	const chip = h(
		'span',
		{ className: 'chip', attrs: { title: attachment.description || attachment.label, role: 'listitem' } },
		icon('file'),
		h('span', { className: 'chip-label', text: attachment.label }),
	);
	if (removable) {
		const remove = actionButton('', 'removeAttachment', 'chip-remove icon-button', { attachmentId: attachment.id });
		remove.setAttribute('aria-label', `Remove ${attachment.label}`);
		remove.title = `Remove ${attachment.label}`;
		remove.append(icon('close'));
		chip.append(remove);
	}
	return chip;
}

export function renderUser(item: Extract<ItemModel, { kind: 'user' }>): HTMLElement {
	const article = h('article', { className: 'message user', attrs: { 'aria-label': 'You', 'data-item-id': item.id } }, messageHeader('You', 'account'));
	if (item.attachments.length > 0) {
		article.append(
			h('div', { className: 'chips message-attachments', attrs: { role: 'list', 'aria-label': 'Attachments' } }, ...item.attachments.map((a) => attachmentChip(a, false))),
		);
	}
	article.append(h('div', { className: 'user-text', text: item.text }));
	return article;
}

export function renderNotice(item: Extract<ItemModel, { kind: 'notice' }>): HTMLElement {
	const task = item.task;
	const { icon: iconName, spin } = taskStatusIcon(task.status);
	const line = formatTaskLine(task);
	const command = oneLine(task.command);
	const text = h('span', { className: 'notice-text' }, h('span', { className: 'task-id', text: task.id }));
	if (command) {
		// The backticks stay in the text (the line reads the same to a screen reader or a copy) but are
		// not drawn: the command is set as code instead.
		text.append(
			' ',
			h('code', { className: 'notice-command' }, h('span', { className: 'visually-hidden', text: '`' }), command, h('span', { className: 'visually-hidden', text: '`' })),
		);
	}
	text.append(' ', h('span', { className: 'notice-status', text: formatTaskStatus(task) }));
	const el = h(
		'div',
		{ className: `notice task-${task.status.replace(/\s+/g, '-')}`, attrs: { 'data-item-id': item.id, title: line } },
		icon(iconName, spin, 'notice-icon'),
		text,
	);
	return el;
}

export function renderError(item: Extract<ItemModel, { kind: 'error' }>): HTMLElement {
	const el = h(
		'div',
		{ className: 'error-item', attrs: { 'data-item-id': item.id } },
		icon('error', false, 'error-icon'),
		h('div', { className: 'error-body' }, h('div', { className: 'error-message', text: item.message })),
	);
	if (item.actions.length > 0) {
		const actions = h('div', { className: 'error-actions' });
		for (const action of item.actions) {
			actions.append(actionButton(ACTION_LABELS[action], action, 'secondary-button'));
		}
		el.lastElementChild!.append(actions);
	}
	return el;
}

export function renderInfo(item: Extract<ItemModel, { kind: 'info' }>): HTMLElement {
	return h('div', { className: 'info-item', attrs: { 'data-item-id': item.id } }, icon('info'), h('span', { text: item.text }));
}

// ---------------------------------------------------------------------------------------------------
// Tool cards
// ---------------------------------------------------------------------------------------------------

/** What of a tool call the card shows: when it changes, the card is rebuilt. */
export function toolKey(tool: ToolCallView): string {
	return JSON.stringify([tool.toolUseId, tool.name, tool.summary, tool.state, tool.resultSummary, tool.taskId, tool.input.length, tool.result?.length, tool.input, tool.result]);
}

export function renderToolCard(tool: ToolCallView, ctx: RenderContext): HTMLElement {
	const indicator = toolStateIndicator(tool.state);
	const bodyId = uniqueId('tool-body');
	const expanded = tool.toolUseId !== '' && ctx.isExpanded(tool.toolUseId);
	const header = h(
		'button',
		{ className: 'tool-header', attrs: { type: 'button', 'data-action': 'toggleTool', 'aria-expanded': String(expanded), 'aria-controls': bodyId } },
		icon('chevron-right', false, 'tool-chevron'),
		icon(toolIcon(tool.name), false, 'tool-icon'),
		h('span', { className: 'tool-name', text: tool.name }),
		h('span', { className: 'tool-summary', text: oneLine(tool.summary) }),
		tool.resultSummary ? h('span', { className: 'tool-result-summary', text: oneLine(tool.resultSummary) }) : null,
		statusIcon(indicator.icon, indicator.label, indicator.spin, 'tool-state'),
	);
	header.title = [tool.name, tool.summary, tool.resultSummary].filter(Boolean).join('\n');
	const card = h(
		'div',
		{ className: `tool-card state-${tool.state}`, attrs: { role: 'group', 'aria-label': `Tool: ${tool.name}`, 'data-tool-id': tool.toolUseId } },
		header,
	);
	if (tool.taskId) {
		card.append(renderTaskRow(tool.taskId, ctx.task(tool.taskId)));
	}
	const body = h('div', { className: 'tool-body', attrs: { id: bodyId } });
	body.hidden = !expanded;
	card.append(body);
	toolOf.set(card, tool);
	if (expanded) {
		fillToolBody(body, tool);
	}
	return card;
}

function renderTaskRow(taskId: string, task: TaskView | undefined): HTMLElement {
	const row = h('div', { className: 'tool-task', attrs: { 'data-task-id': taskId } });
	row.append(
		h('span', { className: 'task-state' }),
		h('span', { className: 'task-id', text: taskId }),
		h('span', { className: 'task-status' }),
		h(
			'span',
			{ className: 'task-actions' },
			actionButton('Show Output', 'showTaskOutput', 'text-button', { taskId }),
			actionButton('Reveal in Background Tasks', 'revealTask', 'text-button', { taskId }),
		),
	);
	updateTaskRow(row, task);
	return row;
}

/** Shows a task's live status on a card's task row. */
export function updateTaskRow(row: HTMLElement, task: TaskView | undefined): void {
	const state = row.querySelector<HTMLElement>('.task-state');
	const status = row.querySelector<HTMLElement>('.task-status');
	if (!state || !status) {
		return;
	}
	if (!task) {
		state.replaceChildren(icon('circle-large-outline'));
		status.textContent = '';
		row.className = 'tool-task';
		return;
	}
	const { icon: name, spin } = taskStatusIcon(task.status);
	state.replaceChildren(icon(name, spin));
	status.textContent = formatTaskStatus(task);
	row.className = `tool-task task-${task.status.replace(/\s+/g, '-')}`;
}

/** Builds a card's details (input and result) when it is first expanded. */
export function fillToolBody(body: HTMLElement, tool: ToolCallView): void {
	if (body.dataset.filled === 'true') {
		return;
	}
	body.dataset.filled = 'true';
	const input = tool.input.trim();
	if (input) {
		const code = h('code', { className: 'hljs language-json' });
		code.innerHTML = highlightCode(input, input.length < 20_000 ? 'json' : undefined);
		body.append(h('div', { className: 'tool-section-label', text: 'Input' }), h('pre', { className: 'tool-pre' }, code));
	}
	if (tool.result !== undefined) {
		body.append(h('div', { className: 'tool-section-label', text: 'Result' }), h('pre', { className: 'tool-pre tool-result', text: tool.result || '(empty)' }));
	} else if (!input) {
		body.append(h('div', { className: 'tool-section-label', text: 'No details yet.' }));
	}
}

// ---------------------------------------------------------------------------------------------------
// Markdown blocks and assistant messages
// ---------------------------------------------------------------------------------------------------

/** A text block of a reply: Markdown that may still be streaming in. */
export class MarkdownBlock {
	readonly el: HTMLElement = h('div', { className: 'markdown' });
	private renderedText: string | undefined;
	private parts: string[] = [];
	/** The nodes of each top-level part, once the block has streamed (for partial updates). */
	private partNodes: Node[][] | undefined;
	private stream: StreamingMarkdown | undefined;

	constructor(readonly model: TextBlockModel) {}

	get dirty(): boolean {
		return this.renderedText !== this.model.text;
	}

	/** Renders the whole block at once (a finished reply). */
	renderFull(): void {
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

	constructor(
		public item: Extract<ItemModel, { kind: 'assistant' }>,
		private readonly ctx: RenderContext,
	) {
		this.el = h('article', { className: 'message assistant', attrs: { 'aria-label': 'Meanwhile', 'data-item-id': item.id } });
		const header = messageHeader('Meanwhile', 'sparkle');
		header.append(icon('loading', true, 'message-progress'));
		this.body = h('div', { className: 'message-body' });
		this.el.append(header, this.body);
		this.update(item, false);
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
					existing.block.renderIncremental(!this.item.streaming);
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
			} else {
				markdownBlock.renderFull();
			}
			return { kind: 'text', block: markdownBlock };
		}
		const key = toolKey(block);
		if (existing?.kind === 'tool' && existing.key === key) {
			return existing;
		}
		const fresh = renderToolCard(block, this.ctx);
		if (existing?.kind === 'tool' && existing.el.dataset.toolId === block.toolUseId) {
			// The same call changed state: update the card in place (keeps focus and position).
			patchElement(existing.el, fresh);
			toolOf.set(existing.el, block);
			existing.key = key;
			return existing;
		}
		return { kind: 'tool', key, el: fresh };
	}
}

/**
 * Gives `target` the attributes and children of `source`, and puts the focus back on the matching
 * control if it was inside `target`.
 */
export function patchElement(target: HTMLElement, source: HTMLElement): void {
	const active = document.activeElement;
	let focusKey: string | undefined;
	if (active instanceof HTMLElement && active !== target && target.contains(active)) {
		focusKey = controlKey(active);
	}
	for (const name of target.getAttributeNames()) {
		if (!source.hasAttribute(name)) {
			target.removeAttribute(name);
		}
	}
	for (const name of source.getAttributeNames()) {
		target.setAttribute(name, source.getAttribute(name)!);
	}
	target.replaceChildren(...Array.from(source.childNodes));
	if (focusKey !== undefined) {
		for (const candidate of target.querySelectorAll<HTMLElement>('button, a[href]')) {
			if (controlKey(candidate) === focusKey) {
				candidate.focus();
				break;
			}
		}
	}
}

function controlKey(el: HTMLElement): string {
	return el.dataset.action
		? [el.tagName, el.dataset.action, el.dataset.taskId ?? ''].join('|')
		: [el.tagName, el.className, el.textContent ?? ''].join('|');
}

/** The element for a non-assistant item. */
export function renderSimpleItem(item: Exclude<ItemModel, { kind: 'assistant' }>): HTMLElement {
	switch (item.kind) {
		case 'user':
			return renderUser(item);
		case 'notice':
			return renderNotice(item);
		case 'error':
			return renderError(item);
		case 'info':
			return renderInfo(item);
	}
}
