/**
 * The transcript: a scrolling `role="log"` of messages, tool cards, notices and errors, one entry per
 * item, in the conversation's order.
 *
 * - A `state` is drawn in time slices, newest items first ({@link SlicedDrawing}); old replies show
 *   plain text until they come near the viewport ({@link NearbyFormatter}).
 * - Streamed text is appended to its block's model at once but rendered at most once per animation
 *   frame, and only the top-level Markdown blocks that changed are replaced ({@link StreamFlush}).
 * - The view sticks to the bottom while content grows unless the user scrolled up ({@link ScrollFollower}).
 * - Clicks and keys are handled by {@link TranscriptActions}.
 */

import type { TaskView } from '../src/shared/protocol';
import { ApprovalNotices } from './approvalNotices';
import { AssistantMessage } from './assistantMessage';
import { h } from './dom';
import { toItem, toTask, type ItemModel, type StateModel, type TextBlockModel } from './model';
import { NearbyFormatter } from './nearbyFormatter';
import { patchElement } from './patchElement';
import { renderSimpleItem } from './render';
import { taskYielder } from './schedule';
import { ScrollFollower } from './scrollFollower';
import { SlicedDrawing } from './slicedDrawing';
import { StreamFlush } from './streamFlush';
import { updateTaskRow, type RenderContext } from './toolCard';
import { TranscriptActions } from './transcriptActions';
import type { Post } from './vscode';
import { Welcome } from './welcome';

type Entry = { kind: 'assistant'; view: AssistantMessage } | { kind: 'simple'; item: ItemModel; el: HTMLElement };

/** The newest items are always fully drawn; older ones are drawn only near the viewport (`.lazy`). */
const EAGER_TAIL = 40;

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
	private readonly tasks = new Map<string, TaskView>();
	private readonly notices: ApprovalNotices;
	private readonly follower: ScrollFollower;
	private readonly actions: TranscriptActions;
	/** Draws a state; holds its items not drawn yet. */
	private readonly drawing: SlicedDrawing<ItemModel, HTMLElement>;
	private readonly formatter: NearbyFormatter;
	private readonly streamed: StreamFlush;
	private readonly ctx: RenderContext;
	private hasApiKey = true;
	private conversationId: string | undefined;

	constructor(post: Post, options: TranscriptOptions = { canTakeFocus: () => false }) {
		this.log = h('div', { className: 'log', attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', 'aria-relevant': 'additions text' } });
		this.notices = new ApprovalNotices(() => options.canTakeFocus());
		this.el = h('main', { className: 'transcript' }, this.welcome.el, this.log, this.notices.el);
		this.follower = new ScrollFollower(this.el, this.log, window, (scrollTop) => post({ type: 'scrolled', scrollTop }));
		this.actions = new TranscriptActions(this.el, post, this.follower);
		this.ctx = {
			task: (id) => this.tasks.get(id),
			isExpanded: (id) => this.actions.isExpanded(id),
			approvalSent: (id) => this.actions.approvalSent(id),
			undoSent: (id) => this.actions.undoSent(id),
		};
		// Yields between slices of work without the ≥ 4 ms clamp of nested `setTimeout(0)`; one for both
		// kinds of slices, so they take turns in order.
		const yieldTask = taskYielder();
		this.drawing = new SlicedDrawing<ItemModel, HTMLElement>(
			{
				draw: (item, drawnBefore) => this.drawOld(item, drawnBefore),
				commit: (elements) => this.prependSlice(elements),
				finish: () => this.stateDrawn(),
			},
			yieldTask,
		);
		this.formatter = new NearbyFormatter(
			this.el,
			(itemId) => {
				const entry = this.entries.get(itemId);
				return entry?.kind === 'assistant' ? entry.view : undefined;
			},
			yieldTask,
			() => this.follower.keepRestoredPosition(),
		);
		this.streamed = new StreamFlush(() => this.afterChange());
		this.updateWelcome();
	}

	// -----------------------------------------------------------------------------------------------
	// Host messages
	// -----------------------------------------------------------------------------------------------

	setState(state: StateModel): void {
		this.streamed.clear();
		this.entries.clear();
		this.formatter.reset();
		this.log.replaceChildren();
		if (state.conversationId !== this.conversationId) {
			this.actions.forget();
			this.notices.forget();
		}
		for (const item of state.items) {
			this.actions.settle(item);
		}
		this.conversationId = state.conversationId;
		this.hasApiKey = state.hasApiKey;
		this.tasks.clear();
		for (const task of state.tasks) {
			this.tasks.set(task.id, task);
		}
		this.follower.reset(state.scrollTop);
		this.el.classList.add('restoring');
		this.drawing.start(state.items);
		this.updateWelcome();
	}

	/** A new item goes at the end; one the view already has (drawn or waiting to be) takes the new version. */
	addItem(raw: unknown): void {
		const item = toItem(raw);
		if (item) {
			this.put(item);
		}
	}

	/** The same as {@link addItem}: an update of an item the view does not have yet adds it. */
	updateItem(raw: unknown): void {
		this.addItem(raw);
	}

	textDelta(itemId: string, blockIndex: number, delta: string): void {
		if (!Number.isInteger(blockIndex) || blockIndex < 0 || delta.length === 0) {
			return;
		}
		const entry = this.entries.get(itemId);
		if (entry?.kind === 'assistant') {
			const block = entry.view.appendDelta(blockIndex, delta);
			if (block) {
				this.streamed.add(block);
			}
			return;
		}
		// Not drawn yet: add the text to the waiting item.
		const item = this.drawing.find(itemId);
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
		this.streamed.flushNow();
	}

	// -----------------------------------------------------------------------------------------------
	// Entries
	// -----------------------------------------------------------------------------------------------

	private put(item: ItemModel): void {
		if (this.entries.has(item.id) || this.drawing.find(item.id)) {
			this.replaceItem(item);
			return;
		}
		this.actions.settle(item);
		const entry = this.createEntry(item);
		if (entry) {
			this.entries.set(item.id, entry);
			this.log.append(entryElement(entry));
			this.log.children[this.log.children.length - 1 - EAGER_TAIL]?.classList.add('lazy');
			this.notices.notice(entryElement(entry));
		}
		this.updateWelcome();
		this.afterChange();
	}

	/** `lazy`: an old item; its Markdown is formatted only once it comes near the viewport. */
	private createEntry(item: ItemModel, lazy = false): Entry | undefined {
		try {
			if (item.kind === 'assistant') {
				const view = new AssistantMessage(item, this.ctx, lazy && this.formatter.available);
				this.formatter.watch(view);
				return { kind: 'assistant', view };
			}
			return { kind: 'simple', item, el: renderSimpleItem(item) };
		} catch {
			return undefined;
		}
	}

	private replaceItem(item: ItemModel): void {
		this.actions.settle(item);
		if (this.drawing.replace(item)) {
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
			this.notices.notice(entryElement(current));
		}
		this.afterChange();
	}

	// -----------------------------------------------------------------------------------------------
	// Drawing a state (see SlicedDrawing)
	// -----------------------------------------------------------------------------------------------

	/** An item of the state, drawn above those of later slices; undefined when there is nothing to add. */
	private drawOld(item: ItemModel, drawnBefore: number): HTMLElement | undefined {
		if (this.entries.has(item.id)) {
			return undefined;
		}
		const lazy = this.log.childElementCount + drawnBefore >= EAGER_TAIL;
		const entry = this.createEntry(item, lazy);
		if (!entry) {
			return undefined;
		}
		this.entries.set(item.id, entry);
		const el = entryElement(entry);
		if (lazy) {
			el.classList.add('lazy');
		}
		return el;
	}

	private prependSlice(elements: HTMLElement[]): void {
		const fragment = document.createDocumentFragment();
		fragment.append(...elements);
		this.follower.insertAbove(() => this.log.prepend(fragment));
	}

	private stateDrawn(): void {
		this.el.classList.remove('restoring');
		this.updateWelcome();
		this.notices.notice(this.log);
		this.follower.settle();
	}

	private updateWelcome(): void {
		this.welcome.update(this.entries.size === 0 && this.drawing.waiting === 0, this.hasApiKey);
	}

	private afterChange(): void {
		this.updateWelcome();
		this.follower.contentChanged();
	}
}

function entryElement(entry: Entry): HTMLElement {
	return entry.kind === 'assistant' ? entry.view.el : entry.el;
}
