/**
 * One conversation with the agent: the loop (drain task notices → request → run tools → again), the
 * transcript the chat shows, and what it emits for the webview.
 *
 * Everything the chat needs goes out through {@link AgentSession.onDidEmit} as {@link HostToWebview}
 * messages the host forwards unchanged; {@link AgentSession.snapshot} gives the whole state to redraw from.
 */
import { randomUUID } from 'node:crypto';
import type { TaskInfo, TaskNotice, TaskService } from '../background/types';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { nullLogger } from '../common/logger';
import { CHAT_ITEM_KINDS, isOneOf } from '../shared/protocol';
import type {
	AssistantBlockView,
	AttachmentView,
	ChatErrorAction,
	ChatItem,
	HostToWebview,
	ToolCallState,
	ToolCallView,
	UsageView,
} from '../shared/protocol';
import { contextBudget, contextWindowFor, parsePromptTooLong, shortenToFit, TokenEstimator } from './contextWindow';
import { Conversation } from './conversation';
import type { AssistantBlock, BrokenToolInput, Message, TokenUsage, ToolDefinition, ToolUseBlock, UserBlock } from './messages';
import { addUsage, ZERO_USAGE } from './messages';
import type { ModelClient, ModelResponse, StreamedBlockStart } from './modelClient';
import { ModelError, toModelError } from './modelClient';
import { escapeAttribute, noticeBlock, toTaskView } from './taskNotice';
import { DEFAULT_TOOLS } from './tools/index';
import { capOutput } from './tools/output';
import type { AgentTool, ToolContext, ToolResult } from './tools/types';
import { allowAll, firstLine, type ApproveCommand } from './tools/types';
import type { WorkspaceFiles } from './workspace';
import { errorMessage } from '../common/errors';
import { isRecord } from '../common/guards';

export interface AgentSettings {
	readonly model: string;
	readonly maxTokens: number;
	/** How long `bash` waits before leaving a command running in the background (`bash.timeoutSeconds`). */
	readonly bashTimeoutSeconds: number;
	/** Take a turn on its own when a task the agent started finishes while idle. */
	readonly autoContinue: boolean;
	/** At most this many such turns in a row before the user speaks again. */
	readonly autoContinueMaxTurns: number;
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

/** A file or selection attached to a message: the chip, and the text the model gets. */
export interface MessageAttachment extends AttachmentView {
	readonly content: string;
}

export interface AgentSessionOptions {
	/** The client for the next request; undefined when no API key is set (the chat then asks for one). */
	readonly model: () => ModelClient | undefined | Promise<ModelClient | undefined>;
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly getSettings: () => AgentSettings;
	/** The system prompt, or what builds it (called before every request, so it follows workspace changes). */
	readonly systemPrompt: string | (() => string);
	readonly logger?: Logger;
	/** Asked before `bash` and `background_run` run a command; allows everything when absent. */
	readonly approve?: ApproveCommand;
	/** The tools the model may call; {@link DEFAULT_TOOLS} when absent. */
	readonly tools?: readonly AgentTool[];
	/** Where commands run; the task engine's default when absent or undefined. */
	readonly cwd?: () => string | undefined;
	/** How often streamed text is sent to the chat, in milliseconds (30 by default). */
	readonly textFlushMs?: number;
	/** The conversation's id; a new one when absent. */
	readonly id?: string;
}

export interface AgentSnapshot {
	readonly id: string;
	readonly title: string;
	readonly items: readonly ChatItem[];
	readonly busy: boolean;
	readonly usage: UsageView;
}

/** A saved conversation ({@link AgentSession.toJSON}); plain JSON. */
export interface SerializedSession {
	readonly version: 1;
	readonly id: string;
	readonly title: string;
	readonly messages: readonly Message[];
	readonly items: readonly ChatItem[];
	readonly usage: UsageView;
}

type TurnKind = 'user' | 'auto' | 'retry';

const STOPPED_RESULT = 'Stopped by the user before this tool call finished.';
const TITLE_MAX = 60;
/** Requests sent again on their own after the API refused one as too long, each after shortening harder. */
const MAX_TOO_LONG_RETRIES = 2;
/** How many times the budget may be halved after refusals (down to 1/16 of the window's). */
const MAX_SQUEEZE = 4;

interface ToolCard {
	readonly itemId: string;
	readonly blockIndex: number;
}

interface PendingDelta {
	readonly itemId: string;
	readonly blockIndex: number;
	delta: string;
}

export class AgentSession extends Disposable {
	private readonly _onDidEmit = this._register(new Emitter<HostToWebview>((error) => this._logger.error(`A chat listener failed: ${String(error)}`)));
	/** Messages for the webview, in order: forward them unchanged. */
	readonly onDidEmit = this._onDidEmit.event;

	readonly id: string;
	private readonly _logger: Logger;
	private readonly _tasks: TaskService;
	private readonly _tools: ReadonlyMap<string, AgentTool>;
	private readonly _textFlushMs: number;

	private _conversation = new Conversation();
	private _items: ChatItem[] = [];
	private _title = '';
	private _usage: TokenUsage = ZERO_USAGE;
	private _turnUsage: TokenUsage = ZERO_USAGE;

	private _busy = false;
	private _abort: AbortController | undefined;
	private _turn: Promise<void> | undefined;
	/** What the user sent while a turn ran: delivered with the next request. */
	private _queuedInput: UserBlock[] = [];

	/** Tasks whose result a tool already returned: their notices are dropped when drained. */
	private readonly _delivered = new Set<string>();
	/** Tasks the agent started that finished and are not delivered yet: what wakes an idle session. */
	private readonly _agentFinished = new Set<string>();
	/** Tasks the transcript shows (cards, notices): their status changes are forwarded. */
	private readonly _mentionedTasks = new Set<string>();
	private _autoTurnsInRow = 0;
	/** Set by a stop or an error: no turn of its own until the user acts. */
	private _autoBlocked = false;
	private _autoTimer: ReturnType<typeof setTimeout> | undefined;
	private _retryItemId: string | undefined;

	private readonly _toolCards = new Map<string, ToolCard>();
	/** Tool call id → the task it started or concerns: where its full output is when it must be shortened. */
	private readonly _toolTasks = new Map<string, string>();
	/** Where `background_output` last stopped reading each task (bytes of output). */
	private readonly _outputCursors = new Map<string, number>();
	private readonly _estimator = new TokenEstimator();
	/** Times the API refused a request as too long: each halves the budget and makes shortening harder. */
	private _squeeze = 0;
	/** The window the API said the model has, when it said so in a refusal. */
	private _apiWindow: { readonly model: string; readonly tokens: number } | undefined;
	private _pendingDeltas: PendingDelta[] = [];
	private _flushTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly _options: AgentSessionOptions) {
		super();
		this.id = _options.id ?? randomUUID();
		this._logger = _options.logger ?? nullLogger;
		this._tasks = _options.tasks;
		this._tools = new Map((_options.tools ?? DEFAULT_TOOLS).map((tool) => [tool.definition.name, tool]));
		this._textFlushMs = _options.textFlushMs ?? 30;

		this._register(this._tasks.onDidFinish((task) => this._taskFinished(task)));
		this._register(
			this._tasks.onDidChange((change) => {
				if ((change.kind === 'status' || change.kind === 'added') && this._mentionedTasks.has(change.task.id)) {
					this._emit({ type: 'taskUpdated', task: toTaskView(change.task) });
				}
			}),
		);
		this._register(
			toDisposable(() => {
				this._abort?.abort();
				clearTimeout(this._flushTimer);
				clearTimeout(this._autoTimer);
			}),
		);
	}

	// -----------------------------------------------------------------------------------------------
	// Public API
	// -----------------------------------------------------------------------------------------------

	get busy(): boolean {
		return this._busy;
	}

	get title(): string {
		return this._title;
	}

	/** Tokens of the whole conversation. */
	get usage(): UsageView {
		return this._usage;
	}

	/** Tokens of the last turn (all its requests). */
	get lastTurnUsage(): UsageView {
		return this._turnUsage;
	}

	/** The messages as the next request would send them (a copy). */
	get messages(): readonly Message[] {
		return this._conversation.toJSON();
	}

	/**
	 * Sends the user's message. Starts a turn and resolves when it ends; while a turn runs, the message
	 * joins the next request of that turn instead (and resolves when that turn ends).
	 */
	send(text: string, attachments: readonly MessageAttachment[] = []): Promise<void> {
		if (this.isDisposed) {
			return Promise.resolve();
		}
		const views: AttachmentView[] = attachments.map(({ id, label, description }) => ({ id, label, description }));
		this._addItem({ kind: 'user', id: this._newId('user'), text, attachments: views });
		if (this._title === '') {
			this._title = makeTitle(text);
		}
		const blocks: UserBlock[] = [
			...attachments.map((attachment): UserBlock => ({
				type: 'text',
				text: `<attachment label="${escapeAttribute(attachment.label)}" path="${escapeAttribute(attachment.description)}">\n${attachment.content}\n</attachment>`,
			})),
			{ type: 'text', text },
		];
		// The user spoke: the agent may again take turns on its own, and a pending error is moot.
		this._autoTurnsInRow = 0;
		this._autoBlocked = false;
		this._clearRetry();
		if (this._busy) {
			this._queuedInput.push(...blocks);
			return this._turn ?? Promise.resolve();
		}
		// Text queued during a turn that then failed goes first: it was written first.
		this._conversation.appendUser([...this._queuedInput.splice(0), ...blocks]);
		return this._startTurn('user');
	}

	/** Aborts the streaming reply and any tool that blocks; the partial reply stays and the conversation stays valid. */
	stop(): void {
		if (this._busy) {
			this._autoBlocked = true;
			this._abort?.abort();
		}
	}

	/** Sends the last request again after an error. Resolves when that turn ends. */
	retry(): Promise<void> {
		if (this._busy || this.isDisposed) {
			return this._turn ?? Promise.resolve();
		}
		if (!this._conversation.canRequest && !this._tasks.hasPendingNotices() && this._queuedInput.length === 0) {
			return Promise.resolve();
		}
		this._autoBlocked = false;
		this._clearRetry();
		return this._startTurn('retry');
	}

	/** Resolves when no turn runs (at once if none does). */
	async whenIdle(): Promise<void> {
		while (this._turn) {
			await this._turn;
		}
	}

	/** The whole state, for a webview drawing itself from nothing. Pending text is flushed first. */
	snapshot(): AgentSnapshot {
		this._flushDeltas();
		return { id: this.id, title: this._title, items: [...this._items], busy: this._busy, usage: this._usage };
	}

	toJSON(): SerializedSession {
		this._flushDeltas();
		return {
			version: 1,
			id: this.id,
			title: this._title,
			messages: this._conversation.toJSON(),
			items: structuredClone(this._items),
			usage: this._usage,
		};
	}

	/** A session from saved data; what was in flight when it was saved is marked interrupted. */
	static restore(data: unknown, options: Omit<AgentSessionOptions, 'id'>): AgentSession {
		const record = isRecord(data) ? data : {};
		const session = new AgentSession({ ...options, id: typeof record.id === 'string' ? record.id : undefined });
		session._conversation = Conversation.fromJSON(record.messages);
		session._conversation.answerUnanswered('The editor was closed or reloaded before this tool call finished.');
		session._title = typeof record.title === 'string' ? record.title : '';
		session._usage = parseUsage(record.usage);
		session._items = Array.isArray(record.items) ? record.items.filter(isChatItem).map(settleItem) : [];
		for (const item of session._items) {
			if (item.kind === 'notice') {
				session._mentionedTasks.add(item.task.id);
			} else if (item.kind === 'assistant') {
				for (const block of item.blocks) {
					if (block.kind === 'tool' && block.taskId) {
						session._mentionedTasks.add(block.taskId);
					}
				}
			}
		}
		return session;
	}

	// -----------------------------------------------------------------------------------------------
	// The loop
	// -----------------------------------------------------------------------------------------------

	private _startTurn(kind: TurnKind): Promise<void> {
		this._busy = true;
		this._turnUsage = ZERO_USAGE;
		const abort = new AbortController();
		this._abort = abort;
		this._emit({ type: 'busy', busy: true });
		const turn = this._runTurn(kind, abort.signal)
			.catch((error: unknown) => {
				// A bug, not an API error: say so in the chat rather than leave it hanging.
				this._logger.error(error instanceof Error ? error : String(error));
				this._addError(`Something went wrong: ${errorMessage(error)}`, ['retry']);
			})
			.finally(() => {
				this._busy = false;
				this._abort = undefined;
				this._turn = undefined;
				this._flushDeltas();
				this._emit({ type: 'busy', busy: false });
				this._afterTurn();
			});
		this._turn = turn;
		return turn;
	}

	private _afterTurn(): void {
		if (this.isDisposed) {
			return;
		}
		if (this._queuedInput.length > 0 && !this._autoBlocked) {
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
				this._autoTurnsInRow += 1;
			}
			requests += 1;
			const client = await this._options.model();
			if (!client) {
				this._autoBlocked = true;
				this._addError('No Anthropic API key is set. Set one to start.', ['setApiKey', 'retry']);
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
			const truncated = reply.stopReason === 'max_tokens' && reply.content[reply.content.length - 1]?.type === 'tool_use'
				? toolUses[toolUses.length - 1].id
				: undefined;
			await this._runTools(toolUses, settings, signal, reply.broken, truncated);
			if (signal.aborted) {
				this._settleStopped();
				return;
			}
		}
	}

	/** Queued user text, then task notices, into the next user turn (after any tool results). */
	private _deliverInput(): void {
		const blocks: UserBlock[] = this._queuedInput.splice(0);
		for (const notice of this._drainNotices()) {
			this._mentionedTasks.add(notice.task.id);
			this._addItem({ kind: 'notice', id: this._newId('notice'), task: toTaskView(notice.task) });
			blocks.push(noticeBlock(notice));
		}
		this._conversation.appendUser(blocks);
	}

	private _drainNotices(): TaskNotice[] {
		const kept: TaskNotice[] = [];
		for (const notice of this._tasks.drain()) {
			this._agentFinished.delete(notice.task.id);
			if (this._delivered.delete(notice.task.id)) {
				continue;
			}
			kept.push(notice);
		}
		return kept;
	}

	private async _request(
		client: ModelClient,
		settings: AgentSettings,
		signal: AbortSignal,
	): Promise<{ kind: 'ok'; content: readonly AssistantBlock[]; stopReason: string | null; broken?: BrokenToolInput } | { kind: 'failed' }> {
		let itemId: string | undefined;
		const ensureItem = (): string => {
			if (itemId === undefined) {
				itemId = this._newId('assistant');
				this._addItem({ kind: 'assistant', id: itemId, blocks: [], streaming: true });
			}
			return itemId;
		};
		const system = typeof this._options.systemPrompt === 'string' ? this._options.systemPrompt : this._options.systemPrompt();
		const tools = [...this._tools.values()].map((tool) => tool.definition);
		let response: ModelResponse | undefined;
		for (let attempt = 0; response === undefined; attempt++) {
			this._fitContext(settings, system, tools, 'before');
			const messages = this._conversation.forRequest();
			const chars = this._estimator.chars(system, tools, messages);
			try {
				response = await client.stream(
					{ model: settings.model, maxTokens: settings.maxTokens, system, tools, messages },
					{
						signal,
						onBlockStart: (block, index) => this._blockStarted(ensureItem(), block, index),
						onText: (delta, index) => this._textArrived(ensureItem(), delta, index),
						onBlockStop: (block, index) => this._blockStopped(ensureItem(), block, index),
					},
				);
			} catch (thrown) {
				const error = thrown instanceof ModelError ? thrown : toModelError(thrown, undefined);
				if (error.usage) {
					this._countUsage(error.usage);
				}
				if (error.kind === 'promptTooLong' && itemId === undefined && !signal.aborted) {
					// Our estimate was off: learn from what the API counted, then shorten harder and send again.
					const counted = parsePromptTooLong(error.message);
					if (counted) {
						this._estimator.calibrate(chars, counted.tokens);
						this._apiWindow = { model: settings.model, tokens: counted.maximum };
					}
					this._logger.warn(`The API refused the request as too long (${error.message}); shortening harder (attempt ${attempt + 1}).`);
					const retrying = attempt < MAX_TOO_LONG_RETRIES;
					// Halve the budget until something gets shorter (or nothing more can be).
					let shortened = 0;
					while (shortened === 0 && this._squeeze < MAX_SQUEEZE) {
						this._squeeze += 1;
						shortened = this._fitContext(settings, system, tools, retrying ? 'retrying' : 'refused');
					}
					if (shortened > 0 && retrying) {
						continue;
					}
					return this._requestFailed(error, itemId, shortened > 0);
				}
				return this._requestFailed(error, itemId);
			}
			// What the API counted for this request tunes the next estimates.
			this._estimator.calibrate(chars, response.usage.inputTokens + response.usage.cacheReadTokens + response.usage.cacheWriteTokens);
		}
		this._countUsage(response.usage);
		if (response.content.length > 0) {
			this._finishAssistantItem(ensureItem(), response.content);
		}
		this._conversation.appendAssistant(response.content);
		return { kind: 'ok', content: response.content, stopReason: response.stopReason };
	}

	/**
	 * Shortens the oldest bulky blocks when the next request would not fit the context window, and says
	 * so in the chat. `when`: before a request, or after the API refused one as too long (and it is sent
	 * again at once, or not). Returns how many blocks were shortened.
	 */
	private _fitContext(settings: AgentSettings, system: string, tools: readonly ToolDefinition[], when: 'before' | 'retrying' | 'refused'): number {
		if (!this._conversation.canRequest) {
			return 0;
		}
		const known = settings.contextWindowTokens ?? contextWindowFor(settings.model);
		const window = this._apiWindow?.model === settings.model ? Math.min(known, this._apiWindow.tokens) : known;
		const budget = Math.floor(contextBudget(window, settings.maxTokens) / 2 ** this._squeeze);
		const result = shortenToFit(this._conversation.messages, {
			budgetTokens: budget,
			estimator: this._estimator,
			fixedChars: system.length + JSON.stringify(tools).length,
			hard: this._squeeze > 0,
			logPathOf: (toolUseId) => {
				const taskId = this._toolTasks.get(toolUseId);
				return taskId === undefined ? undefined : this._tasks.get(taskId)?.logPath;
			},
		});
		const count = this._conversation.replaceBlocks(result.replacements);
		if (count > 0) {
			const what = `${count} earlier tool output${count === 1 ? '' : 's'}`;
			this._logger.info(`Shortened ${what} to fit the context window: about ${result.tokensBefore} → ${result.tokensAfter} tokens (budget ${budget}).`);
			const text =
				when === 'retrying'
					? `Shortened ${what} to fit the context window: the API refused the conversation as too long, so it was sent again shorter.`
					: `Shortened ${what} to fit the context window.`;
			this._addItem({ kind: 'info', id: this._newId('info'), text });
		}
		return count;
	}

	private _requestFailed(
		error: ModelError,
		itemId: string | undefined,
		/** For a prompt too long: whether it was shortened further, so a retry may pass. */
		shortenedFurther = false,
	): { kind: 'ok'; content: readonly AssistantBlock[]; stopReason: string | null; broken?: BrokenToolInput } | { kind: 'failed' } {
		const partial = error.partial ?? [];
		if (error.kind === 'invalidToolInput' && error.brokenToolInput) {
			// Keep what arrived; the broken call gets an error result quoting its input, and the loop goes on.
			if (itemId !== undefined) {
				this._finishAssistantItem(itemId, partial);
			}
			this._conversation.appendAssistant(partial);
			return { kind: 'ok', content: partial, stopReason: 'tool_use', broken: error.brokenToolInput };
		}
		if (error.kind === 'aborted') {
			if (itemId !== undefined) {
				this._finishAssistantItem(itemId, partial);
			}
			// The partial reply is real output: keep it, and answer its calls so the conversation stays valid.
			if (this._conversation.appendAssistant(partial)) {
				for (const block of this._conversation.answerUnanswered(STOPPED_RESULT)) {
					this._updateToolCard(block.id, { state: 'error', resultSummary: 'stopped', result: STOPPED_RESULT });
				}
			}
			this._settleStopped();
			return { kind: 'failed' };
		}
		// Anything else: the partial text stays visible but is not recorded, so a retry asks again.
		if (itemId !== undefined) {
			this._finishAssistantItem(itemId, partial);
			for (const block of partial) {
				if (block.type === 'tool_use') {
					this._updateToolCard(block.id, { state: 'error', resultSummary: 'not run: the reply was cut off' });
				}
			}
		}
		this._autoBlocked = true;
		this._logger.warn(`Request failed (${error.kind}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
		const [message, actions] = describeError(error, shortenedFurther);
		this._addError(message, actions);
		return { kind: 'failed' };
	}

	private async _runTools(
		toolUses: readonly ToolUseBlock[],
		settings: AgentSettings,
		signal: AbortSignal,
		broken: BrokenToolInput | undefined,
		truncatedId: string | undefined,
	): Promise<void> {
		for (const toolUse of toolUses) {
			if (signal.aborted) {
				return;
			}
			let result: ToolResult;
			const tool = this._tools.get(toolUse.name);
			if (broken && toolUse.id === broken.toolUseId) {
				result = {
					content:
						`The input of this ${toolUse.name} call was not valid JSON, so the tool did not run. The input received was:\n` +
						`${broken.raw}\nSend the call again with the input as one JSON object.`,
					isError: true,
					summary: 'input was not valid JSON',
				};
			} else if (toolUse.id === truncatedId) {
				result = {
					content:
						'Your reply reached the max_tokens limit while writing this tool call, so its input is incomplete and it did not run. ' +
						'Send it again in smaller parts (for example several edits instead of one large file).',
					isError: true,
					summary: 'input cut off by max_tokens',
				};
			} else if (!tool) {
				result = {
					content: `There is no tool named ${toolUse.name}. The tools are: ${[...this._tools.keys()].join(', ')}.`,
					isError: true,
					summary: 'unknown tool',
				};
			} else {
				this._updateToolCard(toolUse.id, { state: 'running' });
				result = await tool.run(toolUse.input, this._toolContext(toolUse, settings, signal));
			}
			// Tools cap their own output with a pointer to a log; this bounds any other tool too.
			result = { ...result, content: capOutput(result.content) };
			this._conversation.addToolResult(toolUse.id, result.content, result.isError === true);
			const state: ToolCallState = result.denied ? 'denied' : result.isError ? 'error' : 'done';
			this._updateToolCard(toolUse.id, {
				state,
				result: result.content,
				resultSummary: result.summary ?? firstLine(result.content),
			});
		}
	}

	private _toolContext(toolUse: ToolUseBlock, settings: AgentSettings, signal: AbortSignal): ToolContext {
		return {
			toolUseId: toolUse.id,
			tasks: this._tasks,
			files: this._options.files,
			signal,
			bashTimeoutSeconds: settings.bashTimeoutSeconds,
			cwd: this._options.cwd?.(),
			logger: this._logger,
			approve: this._options.approve ?? allowAll,
			markDelivered: (taskId) => {
				this._delivered.add(taskId);
				this._agentFinished.delete(taskId);
			},
			linkTask: (taskId) => {
				this._mentionedTasks.add(taskId);
				this._toolTasks.set(toolUse.id, taskId);
				this._updateToolCard(toolUse.id, { taskId });
				const task = this._tasks.get(taskId);
				if (task) {
					this._emit({ type: 'taskUpdated', task: toTaskView(task) });
				}
			},
			reportState: (state) => this._updateToolCard(toolUse.id, { state }),
			outputCursor: (taskId) => this._outputCursors.get(taskId),
			setOutputCursor: (taskId, cursor) => {
				this._outputCursors.set(taskId, cursor);
			},
		};
	}

	/** After a stop: every call still unanswered says so, and what the user queued stays in the record. */
	private _settleStopped(): void {
		for (const block of this._conversation.answerUnanswered(STOPPED_RESULT)) {
			this._updateToolCard(block.id, { state: 'error', resultSummary: 'stopped', result: STOPPED_RESULT });
		}
		if (this._queuedInput.length > 0) {
			this._conversation.appendUser(this._queuedInput.splice(0));
		}
		for (const item of this._items) {
			if (item.kind === 'assistant') {
				for (const block of item.blocks) {
					if (block.kind === 'tool' && (block.state === 'pending' || block.state === 'running' || block.state === 'awaitingApproval')) {
						this._updateToolCard(block.toolUseId, { state: 'error', resultSummary: 'stopped' });
					}
				}
			}
		}
	}

	// -----------------------------------------------------------------------------------------------
	// Turns of its own
	// -----------------------------------------------------------------------------------------------

	private _taskFinished(task: TaskInfo): void {
		if (task.origin !== 'agent' || this._delivered.has(task.id)) {
			return;
		}
		this._agentFinished.add(task.id);
		this._scheduleAutoContinue();
	}

	private _scheduleAutoContinue(): void {
		if (this._autoTimer !== undefined || this.isDisposed) {
			return;
		}
		// Next tick: a finish event can arrive in the middle of a turn's bookkeeping.
		this._autoTimer = setTimeout(() => {
			this._autoTimer = undefined;
			this._maybeAutoContinue();
		}, 0);
	}

	private _maybeAutoContinue(): void {
		if (this._busy || this.isDisposed || this._autoBlocked || this._agentFinished.size === 0) {
			return;
		}
		const settings = this._options.getSettings();
		if (!settings.autoContinue || this._autoTurnsInRow >= settings.autoContinueMaxTurns) {
			return;
		}
		void this._startTurn('auto');
	}

	// -----------------------------------------------------------------------------------------------
	// The transcript
	// -----------------------------------------------------------------------------------------------

	private _blockStarted(itemId: string, block: StreamedBlockStart, index: number): void {
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

	private _textArrived(itemId: string, delta: string, index: number): void {
		// The item is kept current at once (a snapshot must be whole); the chat gets the text in batches.
		const item = this._findItem(itemId);
		if (item?.kind !== 'assistant') {
			return;
		}
		const blocks = [...item.blocks];
		const block = blocks[index];
		blocks[index] = { kind: 'text', text: (block?.kind === 'text' ? block.text : '') + delta };
		this._replaceItem({ ...item, blocks });
		const last = this._pendingDeltas[this._pendingDeltas.length - 1];
		if (last && last.itemId === itemId && last.blockIndex === index) {
			last.delta += delta;
		} else {
			this._pendingDeltas.push({ itemId, blockIndex: index, delta });
		}
		this._flushTimer ??= setTimeout(() => {
			this._flushTimer = undefined;
			this._flushDeltas();
		}, this._textFlushMs);
	}

	private _blockStopped(itemId: string, block: AssistantBlock, index: number): void {
		if (block.type !== 'tool_use') {
			return;
		}
		const tool = this._tools.get(block.name);
		this._updateAssistant(itemId, (blocks) => {
			const current = blocks[index];
			if (current?.kind === 'tool') {
				blocks[index] = { ...current, input: prettyInput(block.input), summary: tool?.summarize(block.input) ?? '' };
			}
		});
	}

	/** The item as the reply ended: its blocks as received, streaming over. */
	private _finishAssistantItem(itemId: string, content: readonly AssistantBlock[]): void {
		this._updateAssistant(
			itemId,
			(blocks) => {
				content.forEach((block, index) => {
					if (block.type === 'text') {
						blocks[index] = { kind: 'text', text: block.text };
					} else {
						const current = blocks[index];
						const tool = this._tools.get(block.name);
						const card: ToolCallView = current?.kind === 'tool' && current.toolUseId === block.id
							? current
							: { kind: 'tool', toolUseId: block.id, name: block.name, summary: '', input: '', state: 'pending' };
						this._toolCards.set(block.id, { itemId, blockIndex: index });
						blocks[index] = { ...card, input: prettyInput(block.input), summary: tool?.summarize(block.input) ?? '' };
					}
				});
			},
			false,
		);
	}

	private _updateToolCard(toolUseId: string, change: Partial<Omit<ToolCallView, 'kind' | 'toolUseId'>>): void {
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

	private _updateAssistant(itemId: string, mutate: (blocks: AssistantBlockView[]) => void, streaming?: boolean): void {
		const item = this._findItem(itemId);
		if (item?.kind !== 'assistant') {
			return;
		}
		const blocks = [...item.blocks];
		mutate(blocks);
		// Holes would break the webview's block indices; fill them with empty text.
		for (let index = 0; index < blocks.length; index++) {
			blocks[index] ??= { kind: 'text', text: '' };
		}
		const updated: ChatItem = { ...item, blocks, streaming: streaming ?? item.streaming };
		this._replaceItem(updated);
		this._emit({ type: 'itemUpdated', item: updated });
	}

	private _addItem(item: ChatItem): void {
		this._items.push(item);
		this._emit({ type: 'itemAdded', item });
	}

	private _addError(message: string, actions: readonly ChatErrorAction[]): void {
		const id = this._newId('error');
		this._addItem({ kind: 'error', id, message, actions });
		this._retryItemId = actions.includes('retry') ? id : undefined;
	}

	/** The Retry button of the last error goes away once it is used (or moot). */
	private _clearRetry(): void {
		const id = this._retryItemId;
		this._retryItemId = undefined;
		const item = id === undefined ? undefined : this._findItem(id);
		if (item?.kind === 'error') {
			const updated: ChatItem = { ...item, actions: item.actions.filter((action) => action !== 'retry') };
			this._replaceItem(updated);
			this._emit({ type: 'itemUpdated', item: updated });
		}
	}

	private _findItem(id: string): ChatItem | undefined {
		for (let index = this._items.length - 1; index >= 0; index--) {
			if (this._items[index].id === id) {
				return this._items[index];
			}
		}
		return undefined;
	}

	private _replaceItem(item: ChatItem): void {
		for (let index = this._items.length - 1; index >= 0; index--) {
			if (this._items[index].id === item.id) {
				this._items[index] = item;
				return;
			}
		}
	}

	private _countUsage(usage: TokenUsage): void {
		this._usage = addUsage(this._usage, usage);
		this._turnUsage = addUsage(this._turnUsage, usage);
		this._emit({ type: 'usage', usage: this._usage });
	}

	private _newId(kind: string): string {
		return `${kind}-${randomUUID()}`;
	}

	/** Every message goes out here: pending text first, so the chat never sees an update before the text it follows. */
	private _emit(message: HostToWebview): void {
		if (message.type !== 'textDelta') {
			this._flushDeltas();
		}
		this._onDidEmit.fire(message);
	}

	private _flushDeltas(): void {
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
}

function describeError(error: ModelError, shortenedFurther: boolean): [string, ChatErrorAction[]] {
	const status = error.status !== undefined ? ` (${error.status})` : '';
	switch (error.kind) {
		case 'auth':
			return [`The API key was refused${status}: ${error.message}`, ['setApiKey', 'retry']];
		case 'rateLimit':
			return [`Rate limited${status}: ${error.message} Retried a few times without success; try again in a moment.`, ['retry']];
		case 'overloaded':
			return [`The API is overloaded${status}: ${error.message} Try again in a moment.`, ['retry']];
		case 'server':
			return [`The API failed${status}: ${error.message}`, ['retry']];
		case 'network':
			return [`The connection failed: ${error.message}`, ['retry']];
		case 'promptTooLong':
			// Retry stays offered: the user may also pick a model with a larger window.
			return shortenedFurther
				? [
						`The conversation is too long for the model${status}: ${error.message} Earlier tool outputs were shortened and the request sent again, ` +
							'still too long; they are now shortened further. Retry to send it again, or start a new chat.',
						['retry'],
					]
				: [
						`The conversation is too long for the model${status}: ${error.message} Nothing more can be shortened (what you and the model wrote ` +
							'is never cut). Start a new chat, or pick a model with a larger context window and retry.',
						['retry'],
					];
		case 'badRequest':
			return [`The API refused the request${status}: ${error.message}`, error.status === 404 ? ['openSettings'] : ['retry']];
		default:
			return [`The request failed${status}: ${error.message}`, ['retry']];
	}
}

function prettyInput(input: Readonly<Record<string, unknown>>): string {
	try {
		return JSON.stringify(input, null, 2);
	} catch {
		return String(input);
	}
}

function makeTitle(text: string): string {
	const line = text.trim().split('\n', 1)[0].replace(/\s+/g, ' ');
	return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line;
}


function isChatItem(value: unknown): value is ChatItem {
	return isRecord(value) && typeof value.id === 'string' && isOneOf(CHAT_ITEM_KINDS, value.kind);
}

/** A saved item as it should look after a reload: nothing streams or runs any more. */
function settleItem(item: ChatItem): ChatItem {
	if (item.kind !== 'assistant') {
		return item;
	}
	return {
		...item,
		streaming: false,
		blocks: item.blocks.map((block) =>
			block.kind === 'tool' && (block.state === 'pending' || block.state === 'running' || block.state === 'awaitingApproval')
				? { ...block, state: 'error', resultSummary: 'interrupted' }
				: block,
		),
	};
}

function parseUsage(value: unknown): TokenUsage {
	const record = isRecord(value) ? value : {};
	const count = (key: string) => (typeof record[key] === 'number' && Number.isFinite(record[key]) ? record[key] : 0);
	return {
		inputTokens: count('inputTokens'),
		outputTokens: count('outputTokens'),
		cacheReadTokens: count('cacheReadTokens'),
		cacheWriteTokens: count('cacheWriteTokens'),
	};
}
