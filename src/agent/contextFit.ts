/**
 * Keeping each request inside the model's context window: earlier bulky tool outputs are shortened
 * before a request that would not fit, and after the API refused one as too long the estimate learns
 * from what the API counted and the budget is halved until something gets shorter.
 */
import type { Logger } from '../common/logger';
import type { TaskService } from '../background/types';
import { contextBudget, contextWindowFor, parsePromptTooLong, shortenToFit, TokenEstimator } from './contextWindow';
import type { Conversation } from './conversation';
import type { Message, ToolDefinition } from './messages';
import type { ModelError } from './modelClient';
import type { Transcript } from './transcript';

/** What a fit needs of the settings. */
export interface FitSettings {
	readonly model: string;
	readonly maxTokens: number;
	readonly contextWindowTokens?: number;
}

/** The fixed part of every request: what a fit cannot shorten. */
export interface RequestFrame {
	readonly system: string;
	readonly tools: readonly ToolDefinition[];
}

/** How many times the budget may be halved after refusals (down to 1/16 of the window's). */
const MAX_SQUEEZE = 4;

export class ContextFitter {
	private readonly _estimator = new TokenEstimator();
	/** Times the API refused a request as too long: each halves the budget and makes shortening harder. */
	private _squeeze = 0;
	/** The window the API said the model has, when it said so in a refusal. */
	private _apiWindow: { readonly model: string; readonly tokens: number } | undefined;

	constructor(
		private readonly _transcript: Transcript,
		private readonly _tasks: TaskService,
		private readonly _logger: Logger,
		/** The task a tool call started or concerns: where its full output is when it must be shortened. */
		private readonly _taskOfToolCall: (toolUseId: string) => string | undefined,
	) {}

	/** The size of a request as the estimate counts it, to calibrate against what the API counted. */
	measure(frame: RequestFrame, messages: readonly Message[]): number {
		return this._estimator.chars(frame.system, frame.tools, messages);
	}

	/**
	 * A request of `chars` was accepted and the API counted `tokens`: that tunes the next estimates, and the
	 * squeeze of earlier refusals ends (the estimate has learned from them; squeezing on would trim every
	 * later request hard).
	 */
	accepted(chars: number, tokens: number): void {
		this._estimator.calibrate(chars, tokens);
		this._squeeze = 0;
	}

	/**
	 * After the API refused a request of `chars` as too long: learns from what it counted, then halves the
	 * budget until something gets shorter (or nothing more can be). `retrying`: the request is sent again
	 * at once. Returns how many blocks were shortened.
	 */
	refused(conversation: Conversation, settings: FitSettings, frame: RequestFrame, chars: number, error: ModelError, attempt: number, retrying: boolean): number {
		// Our estimate was off: learn from what the API counted, then shorten harder and send again.
		const counted = parsePromptTooLong(error.message);
		if (counted) {
			this._estimator.calibrate(chars, counted.tokens);
			this._apiWindow = { model: settings.model, tokens: counted.maximum };
		}
		this._logger.warn(`The API refused the request as too long (${error.message}); shortening harder (attempt ${attempt + 1}).`);
		let shortened = 0;
		while (shortened === 0 && this._squeeze < MAX_SQUEEZE) {
			this._squeeze += 1;
			shortened = this.fit(conversation, settings, frame, retrying ? 'retrying' : 'refused');
		}
		return shortened;
	}

	/**
	 * Shortens the oldest bulky blocks when the next request would not fit the context window, and says
	 * so in the chat. `when`: before a request, or after the API refused one as too long (and it is sent
	 * again at once, or not). Returns how many blocks were shortened.
	 */
	fit(conversation: Conversation, settings: FitSettings, frame: RequestFrame, when: 'before' | 'retrying' | 'refused'): number {
		if (!conversation.canRequest) {
			return 0;
		}
		const known = settings.contextWindowTokens ?? contextWindowFor(settings.model);
		const window = this._apiWindow?.model === settings.model ? Math.min(known, this._apiWindow.tokens) : known;
		const budget = Math.floor(contextBudget(window, settings.maxTokens) / 2 ** this._squeeze);
		const result = shortenToFit(conversation.messages, {
			budgetTokens: budget,
			estimator: this._estimator,
			fixedChars: frame.system.length + JSON.stringify(frame.tools).length,
			hard: this._squeeze > 0,
			logPathOf: (toolUseId) => {
				const taskId = this._taskOfToolCall(toolUseId);
				return taskId === undefined ? undefined : this._tasks.get(taskId)?.logPath;
			},
		});
		const count = conversation.replaceBlocks(result.replacements);
		if (count > 0) {
			const what = `${count} earlier tool output${count === 1 ? '' : 's'}`;
			this._logger.info(`Shortened ${what} to fit the context window: about ${result.tokensBefore} → ${result.tokensAfter} tokens (budget ${budget}).`);
			const text =
				when === 'retrying'
					? `Shortened ${what} to fit the context window: the API refused the conversation as too long, so it was sent again shorter.`
					: `Shortened ${what} to fit the context window.`;
			this._transcript.addInfo(text);
		}
		return count;
	}
}
