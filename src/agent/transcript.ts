/**
 * The chat's view model: the items it shows (messages, tool cards, notices, errors), kept current as a
 * reply streams, and everything the webview hears about them, in order.
 *
 * Streamed text reaches the webview in batches (every `textFlushMs`), but always before any other
 * message, so the chat never sees an update before the text it follows. Items go out decorated with what
 * only the host knows (an open approval request, a file change) through an injected
 * {@link ToolCardDecorator}; the items kept and saved are never decorated.
 */
import { randomUUID } from 'node:crypto';
import type { Event } from '../common/event';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { AssistantBlockView, ChatErrorAction, ChatItem, HostToWebview, TaskView, ToolCallView } from '../shared/protocol';
import type { AssistantBlock } from './messages';
import type { StreamedBlockStart } from './modelClient';

/** Adds to a tool card what the agent does not know: whoever shows the chat implements it. */
export interface ToolCardDecorator {
	/** The card with the host's additions, or the same card when there are none. */
	decorate(card: ToolCallView): ToolCallView;
	/** Fires with a tool-use id when what {@link decorate} adds to that card changed. */
	readonly onDidChange: Event<string>;
}

export interface TranscriptOptions {
	/** How often streamed text is sent to the chat, in milliseconds. */
	readonly textFlushMs: number;
	/** The one-line summary of a tool call's input, for its card. */
	readonly summarize: (toolName: string, input: Readonly<Record<string, unknown>>) => string;
	readonly logger: Logger;
	readonly decorator?: ToolCardDecorator;
}

type ToolCardChange = Partial<Omit<ToolCallView, 'kind' | 'toolUseId'>>;

interface ToolCardPlace {
	readonly itemId: string;
	readonly blockIndex: number;
}

interface PendingDelta {
	readonly itemId: string;
	readonly blockIndex: number;
	delta: string;
}

/** A card whose call has not ended: after a stop or a reload it can never end. */
export function isUnfinished(block: AssistantBlockView): block is ToolCallView {
	return block.kind === 'tool' && (block.state === 'pending' || block.state === 'running' || block.state === 'awaitingApproval');
}

/** The tasks an item shows: a notice's task, the tasks its tool cards started or concern. */
function taskIdsOf(item: ChatItem): string[] {
	if (item.kind === 'notice') {
		return [item.task.id];
	}
	if (item.kind !== 'assistant') {
		return [];
	}
	return item.blocks.flatMap((block) => (block.kind === 'tool' && block.taskId ? [block.taskId] : []));
}

function newItemId(kind: string): string {
	return `${kind}-${randomUUID()}`;
}

function prettyInput(input: Readonly<Record<string, unknown>>): string {
	try {
		return JSON.stringify(input, null, 2);
	} catch {
		return String(input);
	}
}

export class Transcript extends Disposable {
	private readonly _onDidEmit = this._register(new Emitter<HostToWebview>((error) => this._options.logger.error(`A chat listener failed: ${String(error)}`)));
	/** Messages for the webview, in order: forward them unchanged. */
	readonly onDidEmit = this._onDidEmit.event;

	private _items: ChatItem[] = [];
	private readonly _toolCards = new Map<string, ToolCardPlace>();
	/** Tasks the transcript shows (cards, notices): their status changes are forwarded. */
	private readonly _mentionedTasks = new Set<string>();
	private _retryItemId: string | undefined;
	private _pendingDeltas: PendingDelta[] = [];
	private _flushTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly _options: TranscriptOptions) {
		super();
		this._register(toDisposable(() => clearTimeout(this._flushTimer)));
		if (_options.decorator) {
			this._register(_options.decorator.onDidChange((toolUseId) => this.refreshToolCard(toolUseId)));
		}
	}

	/** The items of a restored conversation (before anything is emitted). */
	load(items: readonly ChatItem[]): void {
		this._items = [...items];
		for (const item of this._items) {
			this._noteTasks(item);
		}
	}

	/** The items as the chat should show them (decorated); pending text is flushed first. */
	snapshot(): ChatItem[] {
		this.flush();
		return this._items.map((item) => this._decorate(item));
	}

	/** The items to save: undecorated, a deep copy; pending text is flushed first. */
	toJSON(): ChatItem[] {
		this.flush();
		return structuredClone(this._items);
	}

	/** Whether the transcript shows this task (its status changes then matter to the chat). */
	mentions(taskId: string): boolean {
		return this._mentionedTasks.has(taskId);
	}

	/** The tasks the transcript shows, in the order they appeared. */
	mentionedTaskIds(): string[] {
		return [...this._mentionedTasks];
	}

	/** Adds the user's message; returns its item's id. */
	addUser(text: string, attachments: Extract<ChatItem, { kind: 'user' }>['attachments']): string {
		const id = newItemId('user');
		this._add({ kind: 'user', id, text, attachments });
		return id;
	}

	addNotice(task: TaskView): void {
		this._add({ kind: 'notice', id: newItemId('notice'), task });
	}

	addInfo(text: string): void {
		this._add({ kind: 'info', id: newItemId('info'), text });
	}

	/** An error item; its Retry button (if any) goes away once retried or moot ({@link clearRetry}). */
	addError(message: string, actions: readonly ChatErrorAction[]): void {
		const id = newItemId('error');
		this._add({ kind: 'error', id, message, actions });
		this._retryItemId = actions.includes('retry') ? id : undefined;
	}

	/** The Retry button of the last error goes away once it is used (or moot). */
	clearRetry(): void {
		const id = this._retryItemId;
		this._retryItemId = undefined;
		const item = id === undefined ? undefined : this._find(id);
		if (item?.kind === 'error') {
			this._replaceAndEmit({ ...item, actions: item.actions.filter((action) => action !== 'retry') });
		}
	}

	/** A new, streaming reply; returns its item's id. */
	startAssistant(): string {
		const id = newItemId('assistant');
		this._add({ kind: 'assistant', id, blocks: [], streaming: true });
		return id;
	}

	blockStarted(itemId: string, block: StreamedBlockStart, index: number): void {
		const view: AssistantBlockView =
			block.type === 'text'
				? { kind: 'text', text: '' }
				: { kind: 'tool', toolUseId: block.id, name: block.name, summary: '', input: '', state: 'pending' };
		if (block.type === 'tool_use') {
			this._toolCards.set(block.id, { itemId, blockIndex: index });
		}
		this._updateAssistant(itemId, (blocks) => {
			blocks[index] = view;
		});
	}

	textArrived(itemId: string, delta: string, index: number): void {
		// The item is kept current at once (a snapshot must be whole); the chat gets the text in batches.
		const item = this._find(itemId);
		if (item?.kind !== 'assistant') {
			return;
		}
		const blocks = [...item.blocks];
		const block = blocks[index];
		blocks[index] = { kind: 'text', text: (block?.kind === 'text' ? block.text : '') + delta };
		this._replace({ ...item, blocks });
		const last = this._pendingDeltas[this._pendingDeltas.length - 1];
		if (last && last.itemId === itemId && last.blockIndex === index) {
			last.delta += delta;
		} else {
			this._pendingDeltas.push({ itemId, blockIndex: index, delta });
		}
		this._flushTimer ??= setTimeout(() => {
			this._flushTimer = undefined;
			this.flush();
		}, this._options.textFlushMs);
	}

	blockStopped(itemId: string, block: AssistantBlock, index: number): void {
		if (block.type !== 'tool_use') {
			return;
		}
		this._updateAssistant(itemId, (blocks) => {
			const current = blocks[index];
			if (current?.kind === 'tool') {
				blocks[index] = { ...current, input: prettyInput(block.input), summary: this._options.summarize(block.name, block.input) };
			}
		});
	}

	/** The item as the reply ended: its blocks as received, streaming over. */
	finishAssistant(itemId: string, content: readonly AssistantBlock[]): void {
		this._updateAssistant(
			itemId,
			(blocks) => {
				content.forEach((block, index) => {
					if (block.type === 'text') {
						blocks[index] = { kind: 'text', text: block.text };
					} else {
						const current = blocks[index];
						const card: ToolCallView = current?.kind === 'tool' && current.toolUseId === block.id
							? current
							: { kind: 'tool', toolUseId: block.id, name: block.name, summary: '', input: '', state: 'pending' };
						this._toolCards.set(block.id, { itemId, blockIndex: index });
						blocks[index] = { ...card, input: prettyInput(block.input), summary: this._options.summarize(block.name, block.input) };
					}
				});
			},
			false,
		);
	}

	updateToolCard(toolUseId: string, change: ToolCardChange): void {
		const card = this._toolCards.get(toolUseId);
		if (!card) {
			return;
		}
		this._updateAssistant(card.itemId, (blocks) => {
			const current = blocks[card.blockIndex];
			if (current?.kind === 'tool') {
				blocks[card.blockIndex] = { ...current, ...change };
			}
		});
	}

	/** After a stop: every card whose call had not ended says it was stopped. */
	settleUnfinishedCards(): void {
		for (const item of this._items) {
			if (item.kind === 'assistant') {
				for (const block of item.blocks) {
					if (isUnfinished(block)) {
						this.updateToolCard(block.toolUseId, { state: 'error', resultSummary: 'stopped' });
					}
				}
			}
		}
	}

	/** Sends the item holding a tool card again (what the decorator adds to it changed). */
	refreshToolCard(toolUseId: string): void {
		this.flush();
		const item = this._items.find((candidate) => candidate.kind === 'assistant' && candidate.blocks.some((block) => block.kind === 'tool' && block.toolUseId === toolUseId));
		if (item) {
			this._onDidEmit.fire({ type: 'itemUpdated', item: this._decorate(item) });
		}
	}

	/** Every message goes out here: pending text first, items decorated. */
	emit(message: HostToWebview): void {
		if (message.type !== 'textDelta') {
			this.flush();
		}
		this._onDidEmit.fire(message.type === 'itemAdded' || message.type === 'itemUpdated' ? { ...message, item: this._decorate(message.item) } : message);
	}

	/** Sends the text that is waiting for its batch. */
	flush(): void {
		if (this._flushTimer !== undefined) {
			clearTimeout(this._flushTimer);
			this._flushTimer = undefined;
		}
		const pending = this._pendingDeltas;
		if (pending.length === 0) {
			return;
		}
		this._pendingDeltas = [];
		for (const { itemId, blockIndex, delta } of pending) {
			this._onDidEmit.fire({ type: 'textDelta', itemId, blockIndex, delta });
		}
	}

	private _add(item: ChatItem): void {
		this._items.push(item);
		this._noteTasks(item);
		this.emit({ type: 'itemAdded', item });
	}

	private _updateAssistant(itemId: string, mutate: (blocks: AssistantBlockView[]) => void, streaming?: boolean): void {
		const item = this._find(itemId);
		if (item?.kind !== 'assistant') {
			return;
		}
		const blocks = [...item.blocks];
		mutate(blocks);
		// Holes would break the webview's block indices; fill them with empty text.
		for (let index = 0; index < blocks.length; index++) {
			blocks[index] ??= { kind: 'text', text: '' };
		}
		this._replaceAndEmit({ ...item, blocks, streaming: streaming ?? item.streaming });
	}

	private _replaceAndEmit(item: ChatItem): void {
		this._replace(item);
		this.emit({ type: 'itemUpdated', item });
	}

	private _find(id: string): ChatItem | undefined {
		for (let index = this._items.length - 1; index >= 0; index--) {
			if (this._items[index].id === id) {
				return this._items[index];
			}
		}
		return undefined;
	}

	private _replace(item: ChatItem): void {
		for (let index = this._items.length - 1; index >= 0; index--) {
			if (this._items[index].id === item.id) {
				this._items[index] = item;
				this._noteTasks(item);
				return;
			}
		}
	}

	private _noteTasks(item: ChatItem): void {
		for (const id of taskIdsOf(item)) {
			this._mentionedTasks.add(id);
		}
	}

	/** Adds what only the host knows to tool cards: the open approval request, the file change. */
	private _decorate(item: ChatItem): ChatItem {
		const decorator = this._options.decorator;
		if (!decorator || item.kind !== 'assistant' || !item.blocks.some((block) => block.kind === 'tool')) {
			return item;
		}
		return { ...item, blocks: item.blocks.map((block) => (block.kind === 'tool' ? decorator.decorate(block) : block)) };
	}
}
