/**
 * One conversation with the agent, as the chat uses it: the loop ({@link AgentLoop}: drain task notices →
 * request → run tools → again), the transcript the chat shows ({@link Transcript}), and their saving and
 * restoring ({@link parseSessionState}).
 *
 * Everything the chat needs goes out through {@link AgentSession.onDidEmit} as {@link HostToWebview}
 * messages the host forwards unchanged (tool cards already decorated); {@link AgentSession.snapshot}
 * gives the whole state to redraw from.
 */
import { randomUUID } from 'node:crypto';
import type { TaskService } from '../background/types';
import type { Event } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { nullLogger } from '../common/logger';
import { ellipsize } from '../common/text';
import type { AttachmentView, ChatItem, HostToWebview, TaskView, UsageView } from '../shared/protocol';
import { AgentLoop, type LoopEnvironment } from './loop';
import type { Message, UserBlock } from './messages';
import { parseSessionState, type SerializedSession } from './sessionState';
import { escapeAttribute, toTaskView } from './taskNotice';
import { DEFAULT_TOOLS } from './tools/index';
import type { AgentTool, ApproveCommand } from './tools/types';
import { allowAll } from './tools/types';
import { Transcript, type ToolCardDecorator } from './transcript';

export { DEFAULT_AGENT_SETTINGS } from './loop';
export type { AgentSettings } from './loop';
export type { SerializedSession } from './sessionState';
export type { ToolCardDecorator } from './transcript';

/** A file or selection attached to a message: the chip, and the text the model gets. */
export interface MessageAttachment extends AttachmentView {
	readonly content: string;
}

export interface AgentSessionOptions extends LoopEnvironment {
	readonly logger?: Logger;
	/** Asked before `bash` and `background_run` run a command; allows everything when absent. */
	readonly approve?: ApproveCommand;
	/** The tools the model may call; {@link DEFAULT_TOOLS} when absent. */
	readonly tools?: readonly AgentTool[];
	/** How often streamed text is sent to the chat, in milliseconds (30 by default). */
	readonly textFlushMs?: number;
	/** Adds what the host knows to the tool cards the chat gets (approval requests, file changes); none when absent. */
	readonly decorator?: ToolCardDecorator;
	/** The conversation's id; a new one when absent. */
	readonly id?: string;
}

export interface AgentSnapshot {
	readonly id: string;
	readonly title: string;
	readonly items: readonly ChatItem[];
	readonly busy: boolean;
	readonly usage: UsageView;
	/** The tasks the transcript shows (cards, notices), as they are now. */
	readonly tasks: readonly TaskView[];
}

const TITLE_MAX = 60;

export class AgentSession extends Disposable {
	/** Messages for the webview, in order: forward them unchanged. */
	readonly onDidEmit: Event<HostToWebview>;
	/**
	 * What the conversation holds changed between a turn's start and end (task notices told, input queued):
	 * save it now, then {@link acknowledgeSaved} what the save covered.
	 */
	readonly onDidChangeRecord: Event<void>;

	readonly id: string;
	private readonly _tasks: TaskService;
	private readonly _transcript: Transcript;
	private readonly _loop: AgentLoop;
	private _title = '';

	constructor(options: AgentSessionOptions) {
		super();
		this.id = options.id ?? randomUUID();
		const logger = options.logger ?? nullLogger;
		const tools = new Map((options.tools ?? DEFAULT_TOOLS).map((tool) => [tool.definition.name, tool]));
		this._tasks = options.tasks;
		this._transcript = this._register(
			new Transcript({
				textFlushMs: options.textFlushMs ?? 30,
				// The loop knows the editor's tools the last request offered too.
				summarize: (name, input) => this._loop.toolNamed(name)?.summarize(input) ?? '',
				logger,
				decorator: options.decorator,
			}),
		);
		this.onDidEmit = this._transcript.onDidEmit;
		this._loop = this._register(
			new AgentLoop({
				model: options.model,
				tasks: options.tasks,
				files: options.files,
				getSettings: options.getSettings,
				systemPrompt: options.systemPrompt,
				logger,
				approve: options.approve ?? allowAll,
				tools,
				transcript: this._transcript,
				cwd: options.cwd,
				hostTools: options.hostTools,
				conversationId: this.id,
			}),
		);
		this.onDidChangeRecord = this._loop.onDidChangeRecord;
		this._register(
			this._tasks.onDidChange((change) => {
				if ((change.kind === 'status' || change.kind === 'added') && this._transcript.mentions(change.task.id)) {
					this._transcript.emit({ type: 'taskUpdated', task: toTaskView(change.task) });
				}
			}),
		);
	}

	get busy(): boolean {
		return this._loop.busy;
	}

	get title(): string {
		return this._title;
	}

	/** Tokens of the whole conversation. */
	get usage(): UsageView {
		return this._loop.usage;
	}

	/** Tokens of the last turn (all its requests). */
	get lastTurnUsage(): UsageView {
		return this._loop.turnUsage;
	}

	/** The messages as the next request would send them (a copy). */
	get messages(): readonly Message[] {
		return this._loop.conversation.toJSON();
	}

	/**
	 * Sends the user's message. Starts a turn and resolves when it ends; while a turn runs, the message
	 * joins the next request of that turn instead (and resolves when that turn ends).
	 */
	send(text: string, attachments: readonly MessageAttachment[] = []): Promise<void> {
		return this.sendAndTrack(text, attachments).answered;
	}

	/** As {@link send}, also giving the id of the message's item in the transcript (its replies follow it). */
	sendAndTrack(text: string, attachments: readonly MessageAttachment[] = []): { itemId: string | undefined; answered: Promise<void> } {
		if (this.isDisposed) {
			return { itemId: undefined, answered: Promise.resolve() };
		}
		const itemId = this._transcript.addUser(text, attachments.map(({ id, label, description }) => ({ id, label, description })));
		if (this._title === '') {
			this._title = makeTitle(text);
		}
		const blocks: UserBlock[] = [
			...attachments.map((attachment): UserBlock => ({
				type: 'text',
				text: `<attachment label="${escapeAttribute(attachment.label)}" path="${escapeAttribute(attachment.description)}">\n${attachment.content}\n</attachment>`,
				source: 'attachment',
			})),
			{ type: 'text', text },
		];
		return { itemId, answered: this._loop.send(blocks) };
	}

	/** Aborts the streaming reply and any tool that blocks; the partial reply stays and the conversation stays valid. */
	stop(): void {
		this._loop.stop();
	}

	/** Sends the last request again after an error. Resolves when that turn ends. */
	retry(): Promise<void> {
		return this._loop.retry();
	}

	/** Resolves when no turn runs (at once if none does). */
	whenIdle(): Promise<void> {
		return this._loop.whenIdle();
	}

	/** Sends the item holding a tool card again, as it is decorated now. */
	refreshToolCard(toolUseId: string): void {
		this._transcript.refreshToolCard(toolUseId);
	}

	/** The whole state, for a webview drawing itself from nothing. Pending text is flushed first. */
	snapshot(): AgentSnapshot {
		const items = this._transcript.snapshot();
		const tasks = this._transcript.mentionedTaskIds().flatMap((id) => {
			const task = this._tasks.get(id);
			return task ? [toTaskView(task)] : [];
		});
		return { id: this.id, title: this._title, items, busy: this.busy, usage: this.usage, tasks };
	}

	toJSON(): SerializedSession {
		const items = this._transcript.toJSON();
		return {
			version: 1,
			id: this.id,
			title: this._title,
			messages: this._loop.conversation.toJSON(),
			items,
			usage: this.usage,
			queued: this._loop.queuedInput,
			heardTasks: this._loop.inbox.heard,
		};
	}

	/**
	 * The snapshot to save and the task notices it covers, taken together: once it is on disk, pass
	 * `covered` to {@link acknowledgeSaved} and the task engine forgets them.
	 */
	toSave(): { data: SerializedSession; covered: string[] } {
		return { data: this.toJSON(), covered: this._loop.inbox.coveredBySave() };
	}

	/** A save holding these tasks' notices (or their ends in tool results) is on disk. */
	acknowledgeSaved(covered: readonly string[]): void {
		this._loop.inbox.acknowledge(covered);
	}

	/** Whether task notices wait for this conversation. */
	get hasWaitingNotices(): boolean {
		return this._loop.inbox.hasWaiting();
	}

	/** The conversation is shown (opened or restored): its tasks that ended meanwhile wake it, as if it had been shown all along. */
	wake(): void {
		this._loop.wakeForWaitingNotices();
	}

	/** A session from saved data; what was in flight when it was saved is marked interrupted. */
	static restore(data: unknown, options: Omit<AgentSessionOptions, 'id'>): AgentSession {
		const state = parseSessionState(data);
		const session = new AgentSession({ ...options, id: state.id });
		session._title = state.title;
		session._loop.load(state.conversation, state.usage, state.queued, state.heardTasks);
		session._transcript.load(state.items);
		return session;
	}
}

function makeTitle(text: string): string {
	const line = text.trim().split('\n', 1)[0].replace(/\s+/g, ' ');
	return ellipsize(line, TITLE_MAX);
}
