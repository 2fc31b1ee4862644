/**
 * The transcript: a scrolling `role="log"` of messages, tool cards, notices and errors.
 *
 * - A `state` is drawn in time slices, newest items first, so a long conversation never blocks the
 *   main thread for long.
 * - Streamed text is appended to its block's model at once but rendered at most once per animation
 *   frame, and only the top-level Markdown blocks that changed are replaced.
 * - The view sticks to the bottom while content grows unless the user scrolled up.
 */

import { MAX_DENY_REASON, type ApprovalDecision, type TaskView } from '../src/shared/protocol';
import { h } from './dom';
import { shortCommand } from './format';
import { linkMessage } from './markdown';
import { toItem, toTask, type ItemModel, type StateModel, type TextBlockModel } from './model';
import { AssistantMessage } from './assistantMessage';
import type { MarkdownBlock } from './markdownBlock';
import { patchElement } from './patchElement';
import { renderSimpleItem } from './render';
import { fillToolBody, markApprovalSent, showDenyForm, toolForCard, updateTaskRow, type RenderContext } from './toolCard';
import { taskYielder, throttle } from './schedule';
import type { Post } from './vscode';
import { Welcome } from './welcome';

type Entry = { kind: 'assistant'; view: AssistantMessage } | { kind: 'simple'; item: ItemModel; el: HTMLElement };

/** How close to the bottom still counts as "at the bottom" (px). */
const BOTTOM_SLACK = 24;
/** Time budget of one slice of drawing a state (ms). */
const SLICE_BUDGET = 10;
/** How long after a wheel, key or pointer event a scroll counts as the user's (ms). */
const USER_INTENT_MS = 1000;
/** The newest items are always fully drawn; older ones are drawn only near the viewport (`.lazy`). */
const EAGER_TAIL = 40;
/**
 * How far beyond the viewport an old reply's Markdown is formatted (px): well past what
 * `content-visibility: auto` draws, so a reply is formatted before it is first laid out.
 */
const FORMAT_MARGIN = '1500px 0px';
/** Time budget of one slice of formatting old replies that came near the viewport (ms). */
const FORMAT_BUDGET = 8;

export interface TranscriptOptions {
	/** Whether a new approval card may take the focus (the user is not typing somewhere). */
	canTakeFocus(): boolean;
}

export class Transcript {
	/** The scrolling element. */
	readonly el: HTMLElement;
	private readonly log: HTMLElement;
	private readonly welcome = new Welcome();
	private readonly entries = new Map<string, Entry>();
	/** Items of a state not yet drawn (drawn from the end backwards). */
	private pending: ItemModel[] = [];
	private readonly tasks = new Map<string, TaskView>();
	private readonly expanded = new Set<string>();
	/** Approvals answered here that the host has not moved on from yet: tool use id → decision sent. */
	private readonly approvals = new Map<string, { decision: ApprovalDecision; key: string }>();
	/** Undos sent that the host has not answered yet: tool use id → the file change they undo. */
	private readonly undos = new Map<string, string>();
	/** Approval cards already announced (and perhaps focused), so a redraw does not do it again. */
	private readonly announced = new Set<string>();
	/** A polite status region outside the log, for short announcements. */
	private readonly status: HTMLElement;
	private announceTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly dirty = new Set<MarkdownBlock>();
	private readonly ctx: RenderContext;
	private hasApiKey = true;
	private conversationId: string | undefined;
	private generation = 0;
	private restoreTop: number | undefined;
	private stick = true;
	private lastUserIntent = -Infinity;
	private flushFrame: number | undefined;
	private flushTimer: ReturnType<typeof setTimeout> | undefined;
	private nextFlushAt = 0;
	private readonly postScroll: ReturnType<typeof throttle<[number]>>;
	/** Whether a ResizeObserver keeps the view at the bottom as content grows (no forced layouts then). */
	private observesSize = false;
	/** Yields between slices of work without the ≥ 4 ms clamp of nested `setTimeout(0)`. */
	private readonly yieldTask = taskYielder();
	/** Watches old replies shown as plain text, to format them as they come near the viewport. */
	private readonly nearby: IntersectionObserver | undefined;
	/** Old replies near the viewport, waiting to be formatted. */
	private formatQueue: AssistantMessage[] = [];
	private formatScheduled = false;
	/** Where a restored state should stay scrolled while items around it are being formatted. */
	private restoreAnchor: { top: number; generation: number; intent: number } | undefined;
	private scrollCheckFrame: number | undefined;

	constructor(
		private readonly post: Post,
		private readonly options: TranscriptOptions = { canTakeFocus: () => false },
	) {
		this.log = h('div', { className: 'log', attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', 'aria-relevant': 'additions text' } });
		this.status = h('div', { className: 'visually-hidden', attrs: { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' } });
		this.el = h('main', { className: 'transcript' }, this.welcome.el, this.log, this.status);
		this.ctx = {
			task: (id) => this.tasks.get(id),
			isExpanded: (id) => this.expanded.has(id),
			approvalSent: (id) => this.approvals.get(id)?.decision,
			undoSent: (id) => this.undos.has(id),
		};
		this.postScroll = throttle((scrollTop: number) => this.post({ type: 'scrolled', scrollTop }), 250);
		this.updateWelcome();

		this.el.addEventListener('click', (event) => this.onClick(event));
		this.el.addEventListener('auxclick', (event) => {
			if ((event.target as Element | null)?.closest?.('a')) {
				event.preventDefault();
			}
		});
		this.el.addEventListener('scroll', () => this.onScroll(), { passive: true });
		const intent = () => {
			this.lastUserIntent = performance.now();
		};
		this.el.addEventListener('wheel', (event) => {
			intent();
			if (event.deltaY < 0 && this.canScroll()) {
				this.stick = false;
			}
		}, { passive: true });
		this.el.addEventListener('touchstart', intent, { passive: true });
		this.el.addEventListener('pointerdown', intent, { passive: true });
		this.el.addEventListener('keydown', intent);
		this.el.addEventListener('keydown', (event) => this.onKeyDown(event));
		if (typeof ResizeObserver !== 'undefined') {
			this.observesSize = true;
			const observer = new ResizeObserver(() => {
				if (this.stick) {
					this.scrollToBottom();
				}
			});
			observer.observe(this.el);
			observer.observe(this.log);
		}
		if (typeof IntersectionObserver !== 'undefined') {
			this.nearby = new IntersectionObserver((records) => this.onNearby(records), { root: this.el, rootMargin: FORMAT_MARGIN });
		}
	}

	// -----------------------------------------------------------------------------------------------
	// Host messages
	// -----------------------------------------------------------------------------------------------

	setState(state: StateModel): void {
		const generation = ++this.generation;
		this.cancelFlush();
		this.dirty.clear();
		this.entries.clear();
		this.nearby?.disconnect();
		this.formatQueue = [];
		this.restoreAnchor = undefined;
		this.log.replaceChildren();
		if (state.conversationId !== this.conversationId) {
			this.expanded.clear();
			this.approvals.clear();
			this.undos.clear();
			this.announced.clear();
		}
		for (const item of state.items) {
			this.settleMarks(item);
		}
		this.conversationId = state.conversationId;
		this.hasApiKey = state.hasApiKey;
		this.tasks.clear();
		for (const task of state.tasks) {
			this.tasks.set(task.id, task);
		}
		this.pending = state.items.slice();
		this.restoreTop = state.scrollTop;
		this.stick = true;
		this.lastUserIntent = -Infinity;
		this.el.classList.add('restoring');
		this.updateWelcome();
		this.drawSlice(generation);
	}

	addItem(raw: unknown): void {
		const item = toItem(raw);
		if (!item) {
			return;
		}
		if (this.entries.has(item.id) || this.pendingIndex(item.id) >= 0) {
			this.replaceItem(item);
			return;
		}
		this.settleMarks(item);
		const entry = this.createEntry(item);
		if (entry) {
			this.entries.set(item.id, entry);
			this.log.append(entryElement(entry));
			this.log.children[this.log.children.length - 1 - EAGER_TAIL]?.classList.add('lazy');
			this.noticeApprovals(entryElement(entry));
		}
		this.updateWelcome();
		this.afterChange();
	}

	updateItem(raw: unknown): void {
		const item = toItem(raw);
		if (!item) {
			return;
		}
		if (!this.entries.has(item.id) && this.pendingIndex(item.id) < 0) {
			this.addItem(raw);
			return;
		}
		this.replaceItem(item);
	}

	textDelta(itemId: string, blockIndex: number, delta: string): void {
		if (!Number.isInteger(blockIndex) || blockIndex < 0 || delta.length === 0) {
			return;
		}
		const entry = this.entries.get(itemId);
		if (entry?.kind === 'assistant') {
			const block = entry.view.appendDelta(blockIndex, delta);
			if (block) {
				this.dirty.add(block);
				this.scheduleFlush();
			}
			return;
		}
		// Not drawn yet: add the text to the pending item.
		const index = this.pendingIndex(itemId);
		const item = index >= 0 ? this.pending[index] : undefined;
		if (item?.kind === 'assistant') {
			const block = item.blocks[blockIndex];
			if (block?.kind === 'text') {
				block.text += delta;
			} else if (!block) {
				const model: TextBlockModel = { kind: 'text', text: delta };
				item.blocks.push(model);
			}
		}
	}

	taskUpdated(raw: unknown): void {
		const task = toTask(raw);
		if (!task) {
			return;
		}
		this.tasks.set(task.id, task);
		for (const row of this.log.querySelectorAll<HTMLElement>('.tool-task')) {
			if (row.dataset.taskId === task.id) {
				updateTaskRow(row, task);
			}
		}
	}

	setHasApiKey(hasApiKey: boolean): void {
		this.hasApiKey = hasApiKey;
		this.updateWelcome();
	}

	/** The turn ended: draw what is still waiting for a frame. */
	flushNow(): void {
		this.cancelFlush();
		this.flush();
	}

	// -----------------------------------------------------------------------------------------------
	// Drawing
	// -----------------------------------------------------------------------------------------------

	/** `lazy`: an old item; its Markdown is formatted only once it comes near the viewport. */
	private createEntry(item: ItemModel, lazy = false): Entry | undefined {
		try {
			if (item.kind === 'assistant') {
				const view = new AssistantMessage(item, this.ctx, lazy && this.nearby !== undefined);
				if (view.pending) {
					this.nearby?.observe(view.el);
				}
				return { kind: 'assistant', view };
			}
			return { kind: 'simple', item, el: renderSimpleItem(item) };
		} catch {
			return undefined;
		}
	}

	private replaceItem(item: ItemModel): void {
		this.settleMarks(item);
		const index = this.pendingIndex(item.id);
		if (index >= 0) {
			this.pending[index] = item;
			return;
		}
		const entry = this.entries.get(item.id);
		if (!entry) {
			return;
		}
		if (entry.kind === 'assistant' && item.kind === 'assistant') {
			try {
				entry.view.update(item);
			} catch {
				// Keep what is shown.
			}
		} else {
			const lazy = entryElement(entry).classList.contains('lazy');
			const next = this.createEntry(item, lazy);
			if (next?.kind === 'simple' && entry.kind === 'simple' && next.el.tagName === entry.el.tagName) {
				patchElement(entry.el, next.el);
				entry.item = next.item;
			} else if (next) {
				entryElement(entry).replaceWith(entryElement(next));
				this.entries.set(item.id, next);
			}
			if (lazy) {
				entryElement(this.entries.get(item.id)!).classList.add('lazy');
			}
		}
		const current = this.entries.get(item.id);
		if (current) {
			this.noticeApprovals(entryElement(current));
		}
		this.afterChange();
	}

	/** Forgets what was sent for a call once the host moved on (another state, another file change). */
	private settleMarks(item: ItemModel): void {
		if (item.kind !== 'assistant' || (this.approvals.size === 0 && this.undos.size === 0)) {
			return;
		}
		for (const block of item.blocks) {
			if (block.kind !== 'tool') {
				continue;
			}
			const approval = this.approvals.get(block.toolUseId);
			if (approval && (block.state !== 'awaitingApproval' || JSON.stringify(block.approval) !== approval.key)) {
				this.approvals.delete(block.toolUseId);
			}
			const undo = this.undos.get(block.toolUseId);
			if (undo !== undefined && JSON.stringify(block.fileChange) !== undo) {
				this.undos.delete(block.toolUseId);
			}
		}
	}

	/**
	 * Announces approval cards that just appeared in `scope`, and gives the first one's Run the focus
	 * when the user is not typing (see {@link TranscriptOptions.canTakeFocus}).
	 */
	private noticeApprovals(scope: HTMLElement): void {
		let focused = false;
		for (const card of scope.querySelectorAll<HTMLElement>('.approval-card')) {
			const id = card.dataset.toolId;
			if (!id || this.announced.has(id)) {
				continue;
			}
			this.announced.add(id);
			const tool = toolForCard(card);
			const command = tool?.approval?.command.trim() ? tool.approval.command : (tool?.summary ?? '');
			this.announce(`Approval needed: ${shortCommand(command, 200)}`);
			if (!focused && !card.classList.contains('approval-pending') && this.options.canTakeFocus()) {
				const run = card.querySelector<HTMLElement>('[data-decision="run"]');
				if (run) {
					run.focus();
					focused = true;
				}
			}
		}
	}

	/** Says something once through the status region (cleared first so the same words are said again). */
	private announce(text: string): void {
		this.status.textContent = '';
		if (this.announceTimer !== undefined) {
			clearTimeout(this.announceTimer);
		}
		this.announceTimer = setTimeout(() => {
			this.announceTimer = undefined;
			this.status.textContent = text;
		}, 100);
	}

	private pendingIndex(id: string): number {
		if (this.pending.length === 0) {
			return -1;
		}
		return this.pending.findIndex((item) => item.id === id);
	}

	/** Draws the newest pending items within the slice budget, then yields. */
	private drawSlice(generation: number): void {
		if (generation !== this.generation) {
			return;
		}
		const start = performance.now();
		const elements: HTMLElement[] = [];
		while (this.pending.length > 0 && (elements.length === 0 || performance.now() - start < SLICE_BUDGET)) {
			const item = this.pending.pop()!;
			if (this.entries.has(item.id)) {
				continue;
			}
			const lazy = this.log.childElementCount + elements.length >= EAGER_TAIL;
			const entry = this.createEntry(item, lazy);
			if (entry) {
				this.entries.set(item.id, entry);
				const el = entryElement(entry);
				if (lazy) {
					el.classList.add('lazy');
				}
				elements.push(el);
			}
		}
		if (elements.length > 0) {
			elements.reverse();
			const fragment = document.createDocumentFragment();
			fragment.append(...elements);
			if (this.stick) {
				this.log.prepend(fragment);
				if (!this.observesSize) {
					this.scrollToBottom();
				}
			} else {
				// The user scrolled while the state was being drawn: keep what they see in place.
				const before = this.el.scrollHeight;
				this.log.prepend(fragment);
				this.el.scrollTop += this.el.scrollHeight - before;
			}
		}
		if (this.pending.length > 0) {
			this.yieldTask(() => this.drawSlice(generation));
			return;
		}
		this.el.classList.remove('restoring');
		this.updateWelcome();
		this.noticeApprovals(this.log);
		if (this.restoreTop !== undefined && this.stick) {
			const top = this.restoreTop;
			this.el.scrollTop = top;
			this.stick = this.isAtBottom();
			// Items out of view are drawn at an estimated height until they come near the viewport;
			// once those around the target are drawn, set the position again so it lands where it was.
			// Old replies around the target are formatted as they come near it: set it again after each.
			const intent = this.lastUserIntent;
			this.restoreAnchor = { top, generation, intent };
			requestAnimationFrame(() =>
				requestAnimationFrame(() => {
					this.keepRestoredPosition();
					setTimeout(() => {
						if (this.restoreAnchor?.generation === generation) {
							this.restoreAnchor = undefined;
						}
					}, 500);
				}),
			);
		} else if (this.stick) {
			this.scrollToBottom();
		}
		this.restoreTop = undefined;
	}

	/** While a restored state settles, puts the view back where it was unless the user moved it. */
	private keepRestoredPosition(): void {
		const anchor = this.restoreAnchor;
		if (!anchor) {
			return;
		}
		if (anchor.generation !== this.generation || anchor.intent !== this.lastUserIntent || this.stick) {
			this.restoreAnchor = undefined;
			return;
		}
		this.el.scrollTop = anchor.top;
		this.stick = this.isAtBottom();
	}

	/** Old replies came near the viewport: format them, in slices. */
	private onNearby(records: IntersectionObserverEntry[]): void {
		for (const record of records) {
			if (!record.isIntersecting) {
				continue;
			}
			const target = record.target as HTMLElement;
			this.nearby?.unobserve(target);
			const entry = this.entries.get(target.dataset.itemId ?? '');
			if (entry?.kind === 'assistant' && entry.view.el === target && entry.view.pending) {
				this.formatQueue.push(entry.view);
			}
		}
		this.scheduleFormat();
	}

	private scheduleFormat(): void {
		if (this.formatScheduled || this.formatQueue.length === 0) {
			return;
		}
		this.formatScheduled = true;
		const generation = this.generation;
		this.yieldTask(() => {
			this.formatScheduled = false;
			if (generation !== this.generation) {
				return;
			}
			const start = performance.now();
			while (this.formatQueue.length > 0 && performance.now() - start < FORMAT_BUDGET) {
				const view = this.formatQueue.shift()!;
				try {
					view.hydrate();
				} catch {
					// Keep the plain text.
				}
			}
			this.keepRestoredPosition();
			this.scheduleFormat();
		});
	}

	private scheduleFlush(): void {
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

	private cancelFlush(): void {
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
		this.afterChange();
	}

	private updateWelcome(): void {
		this.welcome.update(this.entries.size === 0 && this.pending.length === 0, this.hasApiKey);
	}

	// -----------------------------------------------------------------------------------------------
	// Scrolling
	// -----------------------------------------------------------------------------------------------

	private afterChange(): void {
		this.updateWelcome();
		// With a ResizeObserver, growth is followed after layout, before paint (no forced layout here).
		if (this.stick && !this.observesSize) {
			this.scrollToBottom();
		}
	}

	private canScroll(): boolean {
		return this.el.scrollHeight > this.el.clientHeight;
	}

	private isAtBottom(): boolean {
		return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight <= BOTTOM_SLACK;
	}

	private scrollToBottom(): void {
		const target = this.el.scrollHeight - this.el.clientHeight;
		if (this.el.scrollTop < target) {
			this.el.scrollTop = target;
		}
	}

	/**
	 * Scroll positions are read in the next animation frame (still before it is drawn), where the
	 * layout is due anyway, rather than forcing one from the scroll event.
	 */
	private onScroll(): void {
		if (this.scrollCheckFrame !== undefined) {
			return;
		}
		// The user's intent is judged by when they scrolled, not by when the frame came.
		const scrolledAt = performance.now();
		this.scrollCheckFrame = requestAnimationFrame(() => {
			this.scrollCheckFrame = undefined;
			this.checkScroll(scrolledAt);
		});
	}

	private checkScroll(scrolledAt: number): void {
		if (this.isAtBottom()) {
			this.stick = true;
		} else if (scrolledAt - this.lastUserIntent < USER_INTENT_MS) {
			this.stick = false;
		}
		if (this.restoreTop === undefined && this.pending.length === 0) {
			this.postScroll(Math.max(0, Math.round(this.el.scrollTop)));
		}
	}

	// -----------------------------------------------------------------------------------------------
	// Clicks
	// -----------------------------------------------------------------------------------------------

	private onClick(event: MouseEvent): void {
		const target = event.target as Element | null;
		if (!target || typeof target.closest !== 'function') {
			return;
		}
		const link = target.closest('a');
		if (link) {
			event.preventDefault();
			const message = linkMessage(link.getAttribute('href'));
			if (message) {
				this.post(message);
			}
			return;
		}
		const copy = target.closest<HTMLButtonElement>('button.code-copy');
		if (copy) {
			this.copyCode(copy);
			return;
		}
		const button = target.closest<HTMLElement>('[data-action]');
		if (!button) {
			return;
		}
		const action = button.dataset.action;
		const taskId = button.dataset.taskId;
		if (button.getAttribute('aria-disabled') === 'true') {
			return;
		}
		switch (action) {
			case 'retry':
			case 'setApiKey':
			case 'openSettings':
				this.post({ type: action });
				break;
			case 'showTaskOutput':
			case 'revealTask':
				if (taskId) {
					this.post({ type: action, taskId });
				}
				break;
			case 'toggleTool':
				this.toggleTool(button);
				break;
			case 'approve': {
				const decision = button.dataset.decision;
				if (decision === 'run' || decision === 'always') {
					this.sendApproval(button, decision);
				}
				break;
			}
			case 'denyStart':
			case 'denyCancel': {
				const card = button.closest<HTMLElement>('.approval-card');
				if (card) {
					showDenyForm(card, action === 'denyStart');
				}
				break;
			}
			case 'denySubmit':
				this.sendApproval(button, 'deny');
				break;
			case 'openDiff':
			case 'undoFileChange': {
				const card = button.closest<HTMLElement>('.tool-card');
				const tool = card ? toolForCard(card) : undefined;
				if (!tool?.toolUseId) {
					break;
				}
				this.post({ type: action, toolUseId: tool.toolUseId });
				if (action === 'undoFileChange') {
					this.undos.set(tool.toolUseId, JSON.stringify(tool.fileChange));
					button.setAttribute('aria-disabled', 'true');
					button.title = 'Undoing…';
				}
				break;
			}
		}
	}

	/** Enter in a deny reason sends the denial; Escape goes back to the choices (and does not stop the turn). */
	private onKeyDown(event: KeyboardEvent): void {
		const target = event.target as Element | null;
		if (!(target instanceof HTMLInputElement) || !target.classList.contains('approval-reason') || event.isComposing) {
			return;
		}
		const card = target.closest<HTMLElement>('.approval-card');
		if (!card) {
			return;
		}
		if (event.key === 'Enter') {
			event.preventDefault();
			if (!target.readOnly) {
				this.sendApproval(target, 'deny');
			}
		} else if (event.key === 'Escape') {
			event.preventDefault();
			event.stopPropagation();
			if (!target.readOnly) {
				showDenyForm(card, false);
			}
		}
	}

	/** Posts a decision for the card `control` is in, once: its controls stay disabled until the host answers. */
	private sendApproval(control: HTMLElement, decision: ApprovalDecision): void {
		const card = control.closest<HTMLElement>('.approval-card');
		const tool = card ? toolForCard(card) : undefined;
		if (!card || !tool?.toolUseId || tool.state !== 'awaitingApproval' || this.approvals.has(tool.toolUseId)) {
			return;
		}
		const reason = decision === 'deny' ? (card.querySelector<HTMLInputElement>('.approval-reason')?.value.trim() ?? '') : '';
		this.post(
			reason
				? { type: 'approval', toolUseId: tool.toolUseId, decision, reason: reason.slice(0, MAX_DENY_REASON) }
				: { type: 'approval', toolUseId: tool.toolUseId, decision },
		);
		this.approvals.set(tool.toolUseId, { decision, key: JSON.stringify(tool.approval) });
		markApprovalSent(card, decision);
	}

	private toggleTool(header: HTMLElement): void {
		const card = header.closest<HTMLElement>('.tool-card');
		const body = card?.querySelector<HTMLElement>(':scope > .tool-body');
		const tool = card ? toolForCard(card) : undefined;
		if (!card || !body || !tool) {
			return;
		}
		const expanded = header.getAttribute('aria-expanded') !== 'true';
		header.setAttribute('aria-expanded', String(expanded));
		if (expanded) {
			fillToolBody(body, tool);
		}
		body.hidden = !expanded;
		if (tool.toolUseId) {
			if (expanded) {
				this.expanded.add(tool.toolUseId);
			} else {
				this.expanded.delete(tool.toolUseId);
			}
		}
		// Opening a card is reading: do not pull the view down under the reader.
		this.stick = this.isAtBottom();
	}

	private copyCode(button: HTMLButtonElement): void {
		const code = button.closest('.code-block')?.querySelector('pre code');
		if (!code) {
			return;
		}
		this.post({ type: 'copy', text: code.textContent ?? '' });
		const iconEl = button.querySelector('.codicon');
		const text = button.querySelector('.code-copy-text');
		button.classList.add('copied');
		iconEl?.classList.replace('codicon-copy', 'codicon-check');
		if (text) {
			text.textContent = 'Copied';
		}
		const previous = copyTimers.get(button);
		if (previous !== undefined) {
			clearTimeout(previous);
		}
		copyTimers.set(
			button,
			setTimeout(() => {
				button.classList.remove('copied');
				iconEl?.classList.replace('codicon-check', 'codicon-copy');
				if (text) {
					text.textContent = '';
				}
				copyTimers.delete(button);
			}, 1500),
		);
	}
}

const copyTimers = new WeakMap<HTMLButtonElement, ReturnType<typeof setTimeout>>();

function entryElement(entry: Entry): HTMLElement {
	return entry.kind === 'assistant' ? entry.view.el : entry.el;
}
