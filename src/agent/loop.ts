/**
 * The agent loop of one conversation: a turn drains finished tasks' notices and what the user queued
 * into the next user message, sends the request (shortened to fit, sent again shorter when refused as too
 * long), runs the tools the reply calls, and goes again until a reply calls none. Also the turns the
 * agent takes on its own when a task it started finishes while it is idle.
 */
import type { TaskInfo, TaskService } from '../background/types';
import { errorMessage } from '../common/errors';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { AutoTurns, type AutoTurnSettings } from './autoTurns';
import { ContextFitter, type RequestFrame } from './contextFit';
import { Conversation } from './conversation';
import { describeError } from './errorText';
import { addUsage, ZERO_USAGE, type AssistantBlock, type BrokenToolInput, type TokenUsage, type ToolUseBlock, type UserBlock } from './messages';
import { ModelError, toModelError, type ModelClient, type ModelResponse } from './modelClient';
import { NoticeInbox } from './noticeInbox';
import { QueuedInput } from './queuedInput';
import { noticeBlock, toTaskView } from './taskNotice';
import { ToolRunner } from './toolRunner';
import { HostToolOffers, type HostTools } from './tools/hostTools';
import type { AgentTool, ApproveCommand } from './tools/types';
import type { Transcript } from './transcript';
import type { WorkspaceFiles } from './workspace';

export interface AgentSettings extends AutoTurnSettings {
	readonly model: string;
	readonly maxTokens: number;
	/** How long `bash` waits before leaving a command running in the background (`bash.timeoutSeconds`). */
	readonly bashTimeoutSeconds: number;
	/** The model's context window in tokens; from a table by model id when absent. */
	readonly contextWindowTokens?: number;
}

export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
	model: 'claude-sonnet-4-5',
	maxTokens: 8192,
	bashTimeoutSeconds: 120,
	autoContinue: true,
	autoContinueMaxTurns: 3,
};

type TurnKind = 'user' | 'auto' | 'retry';

/** What a conversation's loop works with, as the host gives it (the session adds defaults to the rest). */
export interface LoopEnvironment {
	/** The client for the next request; undefined when no API key is set (the chat then asks for one). */
	readonly model: () => ModelClient | undefined | Promise<ModelClient | undefined>;
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly getSettings: () => AgentSettings;
	/** The system prompt, or what builds it (called before every request, so it follows workspace changes). */
	readonly systemPrompt: string | (() => string);
	/** Where commands run; the task engine's default when absent or undefined. */
	readonly cwd?: () => string | undefined;
	/** The editor's tools the user chose to offer beside Meanwhile's own (read before every request); none when absent. */
	readonly hostTools?: HostTools;
}

export interface AgentLoopOptions extends LoopEnvironment {
	/** The conversation's id: the tasks it starts carry it, and only their notices reach it. */
	readonly conversationId: string;
	readonly logger: Logger;
	readonly approve: ApproveCommand;
	readonly tools: ReadonlyMap<string, AgentTool>;
	readonly transcript: Transcript;
}

type RequestOutcome = { kind: 'ok'; content: readonly AssistantBlock[]; stopReason: string | null; broken?: BrokenToolInput } | { kind: 'failed' };

const STOPPED_RESULT = 'Stopped by the user before this tool call finished.';
/** Requests sent again on their own after the API refused one as too long, each after shortening harder. */
const MAX_TOO_LONG_RETRIES = 2;

export class AgentLoop extends Disposable {
	private _conversation = new Conversation();
	private _usage: TokenUsage = ZERO_USAGE;
	private _turnUsage: TokenUsage = ZERO_USAGE;
	private _busy = false;
	private _abort: AbortController | undefined;
	private _turn: Promise<void> | undefined;
	/** What the user sent while a turn ran: delivered with the next request. */
	private readonly _queued = new QueuedInput();
	/** The finished tasks this conversation hears of, each once. */
	readonly inbox: NoticeInbox;
	private readonly _onDidChangeRecord = this._register(new Emitter<void>());
	/** The record changed between a turn's start and end (notices taken, input queued): save it now. */
	readonly onDidChangeRecord = this._onDidChangeRecord.event;
	private readonly _auto = new AutoTurns();
	private _autoTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly _transcript: Transcript;
	private readonly _tools: ToolRunner;
	private readonly _fitter: ContextFitter;
	private readonly _hostOffers: HostToolOffers | undefined;
	/** The tools the last request offered: the reply's calls run with these. */
	private _offered: ReadonlyMap<string, AgentTool>;

	constructor(private readonly _options: AgentLoopOptions) {
		super();
		this._transcript = _options.transcript;
		this.inbox = new NoticeInbox(_options.tasks, _options.conversationId);
		this._tools = new ToolRunner({ ..._options, markDelivered: (taskId) => this._markDelivered(taskId) });
		this._fitter = new ContextFitter(this._transcript, _options.tasks, _options.logger, (toolUseId) => this._tools.taskOf(toolUseId));
		this._hostOffers = _options.hostTools ? new HostToolOffers(_options.hostTools, (line) => _options.logger.warn(line)) : undefined;
		this._offered = _options.tools;
		this._register(_options.tasks.onDidFinish((task) => this._taskFinished(task)));
		this._register(
			toDisposable(() => {
				this._abort?.abort();
				clearTimeout(this._autoTimer);
			}),
		);
	}

	get busy(): boolean {
		return this._busy;
	}

	get conversation(): Conversation {
		return this._conversation;
	}

	get usage(): TokenUsage {
		return this._usage;
	}

	get turnUsage(): TokenUsage {
		return this._turnUsage;
	}

	/** What the user sent that no request carried yet (saved with the conversation). */
	get queuedInput(): UserBlock[] {
		return this._queued.blocks;
	}

	/** A tool the last request offered (Meanwhile's own, or the editor's), by the name the model calls it. */
	toolNamed(name: string): AgentTool | undefined {
		return this._offered.get(name);
	}

	/** The state of a restored conversation (before any turn). */
	load(conversation: Conversation, usage: TokenUsage, queued: readonly UserBlock[], heardTasks: readonly string[]): void {
		this._conversation = conversation;
		this._usage = usage;
		this._queued.load(queued);
		this.inbox.load(heardTasks);
	}

	/** The conversation is shown again: tasks it started that ended meanwhile wake it, as they would have. */
	wakeForWaitingNotices(): void {
		for (const task of this.inbox.waitingAgentTasks()) {
			this._auto.taskFinished(task.id);
		}
		this._scheduleAutoContinue();
	}

	/**
	 * The user's message: starts a turn and resolves when it ends; while a turn runs, it joins the next
	 * request of that turn instead (and resolves when that turn ends).
	 */
	send(blocks: readonly UserBlock[]): Promise<void> {
		// The user spoke: the agent may again take turns on its own, and a pending error is moot.
		this._auto.userSpoke();
		this._transcript.clearRetry();
		if (this._busy) {
			const answered = this._queued.push(blocks);
			this._onDidChangeRecord.fire();
			return answered;
		}
		// Text queued during a turn that then failed goes first: it was written first.
		this._conversation.appendUser([...this._queued.take(), ...blocks]);
		return this._startTurn('user');
	}

	/** Aborts the streaming reply and any tool that blocks; the partial reply stays and the conversation stays valid. */
	stop(): void {
		if (this._busy) {
			this._auto.block();
			this._abort?.abort();
		}
	}

	/** Sends the last request again after an error. Resolves when that turn ends. */
	retry(): Promise<void> {
		if (this._busy || this.isDisposed) {
			return this._turn ?? Promise.resolve();
		}
		if (!this._conversation.canRequest && !this.inbox.hasWaiting() && this._queued.isEmpty) {
			return Promise.resolve();
		}
		this._auto.unblock();
		this._transcript.clearRetry();
		return this._startTurn('retry');
	}

	/** Resolves when no turn runs (at once if none does). */
	async whenIdle(): Promise<void> {
		while (this._turn) {
			await this._turn;
		}
	}

	private _startTurn(kind: TurnKind): Promise<void> {
		this._busy = true;
		this._turnUsage = ZERO_USAGE;
		const abort = new AbortController();
		this._abort = abort;
		this._transcript.emit({ type: 'busy', busy: true });
		const turn = this._runTurn(kind, abort.signal)
			.catch((error: unknown) => {
				// A bug, not an API error: say so in the chat rather than leave it hanging.
				this._options.logger.error(error instanceof Error ? error : String(error));
				this._transcript.addError(`Something went wrong: ${errorMessage(error)}`, ['retry']);
			})
			.finally(() => {
				this._busy = false;
				this._abort = undefined;
				this._turn = undefined;
				this._transcript.flush();
				this._transcript.emit({ type: 'busy', busy: false });
				this._afterTurn();
			});
		this._turn = turn;
		return turn;
	}

	private _afterTurn(): void {
		const continues = !this.isDisposed && !this._queued.isEmpty && !this._auto.blocked;
		this._queued.turnEnded(continues);
		if (this.isDisposed) {
			return;
		}
		if (continues) {
			// The user wrote while the model was finishing: answer that now.
			void this._startTurn('user');
			return;
		}
		this._scheduleAutoContinue();
	}

	private async _runTurn(kind: TurnKind, signal: AbortSignal): Promise<void> {
		let requests = 0;
		for (;;) {
			if (signal.aborted) {
				this._settleStopped();
				return;
			}
			this._deliverInput();
			if (!this._conversation.canRequest) {
				// Nothing to say (a turn of its own whose notices were already delivered by a tool).
				return;
			}
			if (kind === 'auto' && requests === 0) {
				this._auto.countTurn();
			}
			requests += 1;
			const client = await this._options.model();
			if (!client) {
				this._auto.block();
				this._transcript.addError('No Anthropic API key is set. Set one to start.', ['setApiKey', 'retry']);
				return;
			}
			if (signal.aborted) {
				this._settleStopped();
				return;
			}
			const settings = this._options.getSettings();
			const reply = await this._request(client, settings, signal);
			if (reply.kind === 'failed') {
				return;
			}
			const toolUses = reply.content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
			if (toolUses.length === 0) {
				return;
			}
			// A reply cut by max_tokens may end in a tool call whose input is cut too: never run that one.
			const truncatedId = reply.stopReason === 'max_tokens' && reply.content[reply.content.length - 1]?.type === 'tool_use'
				? toolUses[toolUses.length - 1].id
				: undefined;
			const run = { tools: this._offered, conversation: this._conversation, bashTimeoutSeconds: settings.bashTimeoutSeconds, signal, broken: reply.broken, truncatedId };
			await this._tools.run(toolUses, run);
			if (signal.aborted) {
				this._settleStopped();
				return;
			}
		}
	}

	/** Queued user text, then task notices, into the next user turn (after any tool results). */
	private _deliverInput(): void {
		const queued = !this._queued.isEmpty;
		const blocks: UserBlock[] = this._queued.take();
		const notices = this.inbox.take();
		for (const notice of notices) {
			this._auto.delivered(notice.task.id);
			this._transcript.addNotice(toTaskView(notice.task));
			blocks.push(noticeBlock(notice));
		}
		this._conversation.appendUser(blocks);
		if (queued || notices.length > 0) {
			// Saved before the request goes: a window that dies mid-reply keeps what was told.
			this._onDidChangeRecord.fire();
		}
	}

	private _markDelivered(taskId: string): void {
		this.inbox.markHeard(taskId);
		this._auto.delivered(taskId);
	}

	private async _request(client: ModelClient, settings: AgentSettings, signal: AbortSignal): Promise<RequestOutcome> {
		const transcript = this._transcript;
		let itemId: string | undefined;
		const ensureItem = (): string => (itemId ??= transcript.startAssistant());
		// Meanwhile's tools and the editor's chosen ones as they are now; the reply's calls run with these.
		this._offered = this._hostOffers?.withBuiltIn(this._options.tools) ?? this._options.tools;
		const frame: RequestFrame = {
			system: typeof this._options.systemPrompt === 'string' ? this._options.systemPrompt : this._options.systemPrompt(),
			tools: [...this._offered.values()].map((tool) => tool.definition),
		};
		let response: ModelResponse | undefined;
		for (let attempt = 0; response === undefined; attempt++) {
			this._fitter.fit(this._conversation, settings, frame, 'before');
			const messages = this._conversation.forRequest();
			const chars = this._fitter.measure(frame, messages);
			try {
				response = await client.stream(
					{ model: settings.model, maxTokens: settings.maxTokens, system: frame.system, tools: frame.tools, messages },
					{
						signal,
						onBlockStart: (block, index) => transcript.blockStarted(ensureItem(), block, index),
						onText: (delta, index) => transcript.textArrived(ensureItem(), delta, index),
						onBlockStop: (block, index) => transcript.blockStopped(ensureItem(), block, index),
					},
				);
			} catch (thrown) {
				const error = thrown instanceof ModelError ? thrown : toModelError(thrown, undefined);
				if (error.usage) {
					this._countUsage(error.usage);
				}
				if (error.kind === 'promptTooLong' && itemId === undefined && !signal.aborted) {
					const retrying = attempt < MAX_TOO_LONG_RETRIES;
					const shortened = this._fitter.refused(this._conversation, settings, frame, chars, error, attempt, retrying);
					if (shortened > 0 && retrying) {
						continue;
					}
					return this._requestFailed(error, itemId, shortened > 0);
				}
				return this._requestFailed(error, itemId);
			}
			// What the API counted for this request tunes the next estimates.
			this._fitter.accepted(chars, response.usage.inputTokens + response.usage.cacheReadTokens + response.usage.cacheWriteTokens);
		}
		this._countUsage(response.usage);
		if (response.content.length > 0) {
			transcript.finishAssistant(ensureItem(), response.content);
		}
		this._conversation.appendAssistant(response.content);
		return { kind: 'ok', content: response.content, stopReason: response.stopReason };
	}

	private _requestFailed(
		error: ModelError,
		itemId: string | undefined,
		/** For a prompt too long: whether it was shortened further, so a retry may pass. */
		shortenedFurther = false,
	): RequestOutcome {
		const transcript = this._transcript;
		const partial = error.partial ?? [];
		if (error.kind === 'invalidToolInput' && error.brokenToolInput) {
			// Keep what arrived; the broken call gets an error result quoting its input, and the loop goes on.
			if (itemId !== undefined) {
				transcript.finishAssistant(itemId, partial);
			}
			this._conversation.appendAssistant(partial);
			return { kind: 'ok', content: partial, stopReason: 'tool_use', broken: error.brokenToolInput };
		}
		if (error.kind === 'aborted') {
			if (itemId !== undefined) {
				transcript.finishAssistant(itemId, partial);
			}
			// The partial reply is real output: keep it, and answer its calls so the conversation stays valid.
			if (this._conversation.appendAssistant(partial)) {
				this._answerStopped();
			}
			this._settleStopped();
			return { kind: 'failed' };
		}
		// Anything else: the partial text stays visible but is not recorded, so a retry asks again.
		if (itemId !== undefined) {
			transcript.finishAssistant(itemId, partial);
			for (const block of partial) {
				if (block.type === 'tool_use') {
					transcript.updateToolCard(block.id, { state: 'error', resultSummary: 'not run: the reply was cut off' });
				}
			}
		}
		this._auto.block();
		this._options.logger.warn(`Request failed (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
		const [message, actions] = describeError(error, shortenedFurther);
		transcript.addError(message, actions);
		return { kind: 'failed' };
	}

	/** Every call still unanswered gets the stopped result, and its card says so. */
	private _answerStopped(): void {
		for (const block of this._conversation.answerUnanswered(STOPPED_RESULT)) {
			this._transcript.updateToolCard(block.id, { state: 'error', resultSummary: 'stopped', result: STOPPED_RESULT });
		}
	}

	/** After a stop: every call still unanswered says so, and what the user queued stays in the record. */
	private _settleStopped(): void {
		this._answerStopped();
		if (!this._queued.isEmpty) {
			this._conversation.appendUser(this._queued.take());
		}
		this._transcript.settleUnfinishedCards();
	}

	private _countUsage(usage: TokenUsage): void {
		this._usage = addUsage(this._usage, usage);
		this._turnUsage = addUsage(this._turnUsage, usage);
		this._transcript.emit({ type: 'usage', usage: this._usage });
	}

	/** A task ended: its own conversation may take a turn of its own for it. */
	private _taskFinished(task: TaskInfo): void {
		// Only this conversation's own tasks wake it; another's notice waits for that one.
		if (task.origin !== 'agent' || task.conversationId !== this._options.conversationId || this.inbox.hasHeard(task.id)) {
			return;
		}
		this._auto.taskFinished(task.id);
		this._scheduleAutoContinue();
	}

	private _scheduleAutoContinue(): void {
		if (this._autoTimer !== undefined || this.isDisposed) {
			return;
		}
		// Next tick: a finish event can arrive in the middle of a turn's bookkeeping.
		this._autoTimer = setTimeout(() => {
			this._autoTimer = undefined;
			if (!this._busy && !this.isDisposed && this._auto.shouldStart(this._options.getSettings())) {
				void this._startTurn('auto');
			}
		}, 0);
	}
}
