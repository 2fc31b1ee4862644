/**
 * Builds the transcript's elements from items. Buttons carry `data-action` and are handled by one
 * delegated listener in the transcript (cheap for long conversations).
 */

import {
	MAX_DENY_REASON,
	type ApprovalDecision,
	type ApprovalRequestView,
	type AttachmentView,
	type ChatErrorAction,
	type FileChangeView,
	type TaskView,
	type ToolCallView,
} from '../src/shared/protocol';
import { h, icon, statusIcon, uniqueId } from './dom';
import {
	describeLineCounts,
	formatAllowRule,
	formatLineCounts,
	formatTaskLine,
	formatTaskStatus,
	oneLine,
	taskStatusIcon,
	toolIcon,
	toolStateIndicator,
} from './format';
import { highlightCode } from './highlight';
import { StreamingMarkdown, renderMarkdownBlocks } from './markdown';
import type { BlockModel, ItemModel, TextBlockModel } from './model';

export interface RenderContext {
	task(id: string): TaskView | undefined;
	isExpanded(toolUseId: string): boolean;
	/** The decision already sent for a call's approval (its buttons stay disabled until the host answers). */
	approvalSent(toolUseId: string): ApprovalDecision | undefined;
	/** Whether Undo was already sent for a call's file change. */
	undoSent(toolUseId: string): boolean;
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
	return JSON.stringify([
		tool.toolUseId,
		tool.name,
		tool.summary,
		tool.state,
		tool.resultSummary,
		tool.taskId,
		tool.approval,
		tool.fileChange,
		tool.input.length,
		tool.result?.length,
		tool.input,
		tool.result,
	]);
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
	const approval = tool.state === 'awaitingApproval' && tool.approval && tool.toolUseId ? tool.approval : undefined;
	const card = h(
		'div',
		{
			className: `tool-card state-${tool.state}${approval ? ' approval-card' : ''}`,
			attrs: { role: 'group', 'aria-label': `Tool: ${tool.name}`, 'data-tool-id': tool.toolUseId, tabindex: approval ? '-1' : undefined },
		},
		header,
	);
	if (approval) {
		const section = renderApproval(approval, tool.summary);
		card.append(section);
		card.setAttribute('aria-describedby', section.querySelector('.approval-title')!.id);
		const sent = ctx.approvalSent(tool.toolUseId);
		if (sent) {
			markApprovalSent(card, sent);
		}
	}
	if (tool.fileChange) {
		card.append(renderFileChange(tool.fileChange, tool.toolUseId !== '' && ctx.undoSent(tool.toolUseId)));
	}
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

// ---------------------------------------------------------------------------------------------------
// Approval cards
// ---------------------------------------------------------------------------------------------------

const SENT_TEXT: Record<ApprovalDecision, string> = {
	run: 'Allowed once. Waiting for the command to start…',
	always: 'Allowed from now on. Waiting for the command to start…',
	deny: 'Denied. Waiting for the agent…',
};

/**
 * What the user is asked to allow: the command, why it asks, and Run / Always Allow / Deny. Deny first
 * opens an optional reason (Enter or the second Deny sends, Escape or Cancel goes back).
 */
function renderApproval(approval: ApprovalRequestView, summary: string): HTMLElement {
	const titleId = uniqueId('approval-title');
	const command = approval.command.trim() ? approval.command : summary;
	const section = h(
		'div',
		{ className: 'approval' },
		h('div', { className: 'approval-title', attrs: { id: titleId } }, icon('shield'), h('span', { text: 'Approval needed: run this command?' })),
		h('pre', { className: 'approval-command' }, h('code', { text: command })),
	);
	if (approval.reasons.length > 0) {
		section.append(
			h('ul', { className: 'approval-reasons', attrs: { 'aria-label': 'Why it asks' } }, ...approval.reasons.map((reason) => h('li', { text: reason }))),
		);
	}

	const run = actionButton('Run', 'approve', 'primary-button', { decision: 'run' });
	run.title = 'Run this command once';
	const always = actionButton('Always Allow', 'approve', 'secondary-button', { decision: 'always' });
	const alwaysHelp = h('span', { className: 'visually-hidden', attrs: { id: uniqueId('approval-always') } });
	if (approval.allowRule) {
		const rule = formatAllowRule(approval.allowRule);
		always.title = `Run it, and from now on without asking: ${rule}`;
		alwaysHelp.textContent = `Adds the rule ${rule}`;
	} else {
		// Stays focusable (aria-disabled, not disabled) so the reason can be read.
		always.setAttribute('aria-disabled', 'true');
		always.dataset.unavailable = 'true';
		always.title = 'No allow rule can cover this command: it always asks';
		alwaysHelp.textContent = 'Unavailable: no allow rule can cover this command, it always asks.';
	}
	always.setAttribute('aria-describedby', alwaysHelp.id);
	const deny = actionButton('Deny', 'denyStart', 'secondary-button');
	deny.title = 'Do not run it (you can tell the agent why)';
	const choices = h('div', { className: 'approval-actions approval-choices' }, run, always, deny, alwaysHelp);

	const reason = h('input', {
		className: 'approval-reason',
		attrs: {
			type: 'text',
			'aria-label': 'Reason for denying',
			placeholder: 'optional: tell the agent why',
			maxlength: String(MAX_DENY_REASON),
			autocomplete: 'off',
			spellcheck: 'true',
		},
	});
	const confirm = actionButton('Deny', 'denySubmit', 'primary-button');
	confirm.title = 'Deny, with the reason if you wrote one (Enter)';
	const cancel = actionButton('Cancel', 'denyCancel', 'secondary-button');
	cancel.title = 'Back to the choices (Escape)';
	const denyForm = h('div', { className: 'approval-actions approval-deny' }, reason, confirm, cancel);
	denyForm.hidden = true;

	const status = h('div', { className: 'approval-sent' });
	status.hidden = true;
	section.append(choices, denyForm, status);
	return section;
}

/** Switches an approval card between its choices and the deny reason; focuses the reason or the first Deny. */
export function showDenyForm(card: HTMLElement, open: boolean): void {
	const choices = card.querySelector<HTMLElement>('.approval-choices');
	const form = card.querySelector<HTMLElement>('.approval-deny');
	if (!choices || !form) {
		return;
	}
	choices.hidden = open;
	form.hidden = !open;
	if (open) {
		card.querySelector<HTMLInputElement>('.approval-reason')?.focus();
	} else {
		card.querySelector<HTMLElement>('[data-action="denyStart"]')?.focus();
	}
}

/** After a decision is sent: every control of the card is inert until the host changes its state. */
export function markApprovalSent(card: HTMLElement, decision: ApprovalDecision): void {
	card.classList.add('approval-pending');
	for (const control of card.querySelectorAll<HTMLElement>('.approval button')) {
		control.setAttribute('aria-disabled', 'true');
	}
	const reason = card.querySelector<HTMLInputElement>('.approval-reason');
	if (reason) {
		reason.readOnly = true;
	}
	const status = card.querySelector<HTMLElement>('.approval-sent');
	if (status) {
		status.textContent = SENT_TEXT[decision];
		status.hidden = false;
	}
}

// ---------------------------------------------------------------------------------------------------
// File changes
// ---------------------------------------------------------------------------------------------------

function renderFileChange(change: FileChangeView, undoSent: boolean): HTMLElement {
	const counts = h(
		'span',
		{ className: 'file-counts', attrs: { title: describeLineCounts(change.added, change.removed) } },
		h('span', { className: 'visually-hidden', text: describeLineCounts(change.added, change.removed) }),
	);
	const [plus, minus] = formatLineCounts(change.added, change.removed).split(' ');
	counts.append(
		h('span', { className: 'file-added', text: plus, attrs: { 'aria-hidden': 'true' } }),
		h('span', { className: 'file-removed', text: minus, attrs: { 'aria-hidden': 'true' } }),
	);
	const actions = h('span', { className: 'file-actions' }, actionButton('Open Diff', 'openDiff', 'text-button'));
	if (change.undone) {
		actions.append(h('span', { className: 'file-undone' }, icon('discard'), h('span', { text: 'Undone' })));
	} else {
		const undo = actionButton('Undo', 'undoFileChange', 'text-button');
		if (!change.canUndo || undoSent) {
			undo.setAttribute('aria-disabled', 'true');
			undo.title = undoSent
				? 'Undoing…'
				: 'Cannot undo: the file changed since (or its earlier content is no longer kept)';
		} else {
			undo.title = change.created ? 'Delete the new file' : 'Restore the file as it was before this change';
		}
		actions.append(undo);
	}
	return h(
		'div',
		{ className: `tool-file${change.undone ? ' undone' : ''}` },
		icon(change.created ? 'new-file' : 'file', false, 'file-icon'),
		h('span', { className: 'file-path', text: change.path, attrs: { title: change.path } }),
		change.created ? h('span', { className: 'file-new', text: 'new file' }) : null,
		counts,
		actions,
	);
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
		let restored = false;
		for (const candidate of target.querySelectorAll<HTMLElement>('button, a[href]')) {
			if (controlKey(candidate) === focusKey) {
				candidate.focus();
				restored = true;
				break;
			}
		}
		// The control went away (an approval was answered): keep the keyboard on the card, not the page.
		if (!restored) {
			target.querySelector<HTMLElement>(':scope > .tool-header')?.focus();
		}
	}
}

function controlKey(el: HTMLElement): string {
	return el.dataset.action
		? [el.tagName, el.dataset.action, el.dataset.taskId ?? '', el.dataset.decision ?? ''].join('|')
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
