/**
 * Keeping requests within the model's context window. Before a request, the conversation's size is
 * estimated (characters times tokens per character, calibrated by what the API counted for earlier
 * requests); when it would not fit, the oldest bulky blocks (tool outputs, task notices, attachments,
 * large tool inputs) are cut to their first and last lines, with a note saying how much was elided and
 * where the full text is. Structure never changes (ids, roles, order), so the conversation's invariants hold.
 */
import type { AssistantBlock, Message, ToolDefinition, ToolUseBlock, UserBlock } from './messages';
import { takeEnd, takeStart } from '../common/text';

/** Tokens of context when the model is not in the table (every current Claude model has 200k). */
export const DEFAULT_CONTEXT_WINDOW = 200_000;

/** Context windows by model id prefix, first match wins; the rest get {@link DEFAULT_CONTEXT_WINDOW}. */
const CONTEXT_WINDOWS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
	['claude-instant', 100_000],
	['claude-2.0', 100_000],
	['claude-2.1', 200_000],
	['claude-3', 200_000],
	['claude-', 200_000],
];

export function contextWindowFor(model: string): number {
	const id = model.toLowerCase();
	return CONTEXT_WINDOWS.find(([prefix]) => id.startsWith(prefix))?.[1] ?? DEFAULT_CONTEXT_WINDOW;
}

/**
 * Tokens the input of a request may use: the window minus the reply's `max_tokens` and a margin for
 * what the estimate misses (the API's own framing of tools and messages).
 */
export function contextBudget(windowTokens: number, maxTokens: number): number {
	const margin = Math.max(1_000, Math.round(windowTokens * 0.05));
	return Math.max(Math.round(windowTokens / 4), windowTokens - maxTokens - margin);
}

/** Tokens per character of request JSON before anything is known: about 4 characters a token. */
export const DEFAULT_TOKENS_PER_CHAR = 0.25;
const MIN_TOKENS_PER_CHAR = 1 / 6;
const MAX_TOKENS_PER_CHAR = 1;

/** Estimates request sizes in tokens; calibrated with what the API reports. */
export class TokenEstimator {
	private _tokensPerChar = DEFAULT_TOKENS_PER_CHAR;

	get tokensPerChar(): number {
		return this._tokensPerChar;
	}

	/** Characters of a request as sent (JSON), the measure tokens are estimated from. */
	chars(system: string, tools: readonly ToolDefinition[], messages: readonly Message[]): number {
		return system.length + JSON.stringify(tools).length + JSON.stringify(messages).length;
	}

	tokens(chars: number): number {
		return Math.ceil(chars * this._tokensPerChar);
	}

	/**
	 * Learns from the input tokens the API counted for a request of `chars` characters. Small requests
	 * say little (fixed overheads dominate) and are ignored; the ratio stays within plausible bounds.
	 */
	calibrate(chars: number, actualTokens: number): void {
		if (chars < 4_000 || actualTokens < 1_000) {
			return;
		}
		this._tokensPerChar = Math.min(MAX_TOKENS_PER_CHAR, Math.max(MIN_TOKENS_PER_CHAR, actualTokens / chars));
	}
}

/** The numbers in the API's `prompt is too long: 250000 tokens > 200000 maximum`, when it says them. */
export function parsePromptTooLong(message: string): { readonly tokens: number; readonly maximum: number } | undefined {
	const match = /(\d+)\s*tokens?\s*>\s*(\d+)\s*maximum/i.exec(message);
	if (!match) {
		return undefined;
	}
	return { tokens: Number(match[1]), maximum: Number(match[2]) };
}

export const ELISION_NOTE = 'elided to fit the context window';
const ELISION_PATTERN = /\n?\[… (\d+) characters elided to fit the context window(?:; ([^\n]*?))? …\]\n?/;

interface KeepSizes {
	readonly headLines: number;
	readonly headChars: number;
	readonly tailLines: number;
	readonly tailChars: number;
	/** Blocks shorter than this are left alone: cutting them gains little. */
	readonly minChars: number;
}

const NORMAL: KeepSizes = { headLines: 10, headChars: 1_000, tailLines: 20, tailChars: 1_500, minChars: 3_000 };
const HARD: KeepSizes = { headLines: 4, headChars: 400, tailLines: 8, tailChars: 600, minChars: 1_200 };

/** Shortening stops once the estimate is under this fraction of the budget: fewer, larger cuts keep the prompt cache useful. */
const TARGET_FRACTION = 0.8;

/**
 * `text` cut to its first and last lines, the middle replaced by a note of how many characters were
 * elided and where the whole text is (`where`, e.g. `full log: /path`). Text already shortened is
 * shortened further, the count adding up. Undefined when cutting would gain too little.
 */
export function elide(text: string, sizes: Pick<KeepSizes, 'headLines' | 'headChars' | 'tailLines' | 'tailChars'>, where?: string): string | undefined {
	let body = text;
	let alreadyElided = 0;
	let location = where;
	const previous = ELISION_PATTERN.exec(text);
	if (previous) {
		alreadyElided = Number(previous[1]);
		location ??= previous[2];
		body = `${text.slice(0, previous.index)}\n${text.slice(previous.index + previous[0].length)}`;
	}
	let headEnd = 0;
	for (let line = 0; line < sizes.headLines; line++) {
		const newline = body.indexOf('\n', headEnd);
		if (newline === -1) {
			headEnd = body.length;
			break;
		}
		headEnd = newline + 1;
	}
	headEnd = Math.min(headEnd, sizes.headChars);
	let tailStart = body.length;
	for (let line = 0; line < sizes.tailLines; line++) {
		const newline = body.lastIndexOf('\n', tailStart - 2);
		if (newline === -1) {
			tailStart = 0;
			break;
		}
		tailStart = newline + 1;
	}
	tailStart = Math.max(tailStart, body.length - sizes.tailChars);
	// Not worth a note (nor a change that breaks the prompt cache) for a few hundred characters.
	if (tailStart - headEnd < 300) {
		return undefined;
	}
	const elided = tailStart - headEnd + alreadyElided;
	const head = takeStart(body, headEnd).replace(/\n$/, '');
	const tail = takeEnd(body, body.length - tailStart).replace(/^\n/, '');
	return `${head}\n[… ${elided} characters ${ELISION_NOTE}${location ? `; ${location}` : ''} …]\n${tail}`;
}

export interface ShortenOptions {
	/** Tokens the whole request may use. */
	readonly budgetTokens: number;
	readonly estimator: TokenEstimator;
	/** Characters of the request outside the messages: the system prompt and the tools. */
	readonly fixedChars: number;
	/** After the API refused a request as too long: keep less of each block, cut smaller blocks, and the last message's tool outputs too. */
	readonly hard?: boolean;
	/** Where the whole output of a tool call is, when known (the log of the task it concerns). */
	readonly logPathOf?: (toolUseId: string) => string | undefined;
}

export interface BlockReplacement {
	readonly messageIndex: number;
	readonly blockIndex: number;
	readonly block: UserBlock | AssistantBlock;
}

export interface ShortenResult {
	/** The shortened blocks, oldest first; apply them with {@link Conversation.replaceBlocks}. */
	readonly replacements: readonly BlockReplacement[];
	readonly tokensBefore: number;
	readonly tokensAfter: number;
}

/**
 * What to shorten so the request fits `budgetTokens`: nothing when it already fits; else the oldest
 * bulky blocks until it is well under. The last message (the newest user turn) is left whole, except
 * its tool outputs and notices in `hard` mode; what the user typed and what the model wrote are never cut.
 */
export function shortenToFit(messages: readonly Message[], options: ShortenOptions): ShortenResult {
	const { estimator } = options;
	const tokensBefore = estimator.tokens(options.fixedChars + JSON.stringify(messages).length);
	if (tokensBefore <= options.budgetTokens) {
		return { replacements: [], tokensBefore, tokensAfter: tokensBefore };
	}
	const sizes = options.hard ? HARD : NORMAL;
	const target = options.budgetTokens * TARGET_FRACTION;
	const replacements: BlockReplacement[] = [];
	let tokens = tokensBefore;
	const last = messages.length - 1;
	for (let messageIndex = 0; messageIndex <= last && tokens > target; messageIndex++) {
		const message = messages[messageIndex];
		const isLast = messageIndex === last;
		if (isLast && !options.hard) {
			break;
		}
		for (let blockIndex = 0; blockIndex < message.content.length && tokens > target; blockIndex++) {
			const block = message.content[blockIndex];
			const shortened =
				message.role === 'user'
					? shortenUserBlock(block as UserBlock, messages[messageIndex - 1], sizes, options, isLast)
					: shortenAssistantBlock(block as AssistantBlock, sizes);
			if (!shortened) {
				continue;
			}
			const saved = JSON.stringify(block).length - JSON.stringify(shortened).length;
			if (saved <= 0) {
				continue;
			}
			replacements.push({ messageIndex, blockIndex, block: shortened });
			tokens -= estimator.tokens(saved);
		}
	}
	return { replacements, tokensBefore, tokensAfter: Math.max(0, tokens) };
}

function shortenUserBlock(block: UserBlock, previous: Message | undefined, sizes: KeepSizes, options: ShortenOptions, isLast: boolean): UserBlock | undefined {
	if (block.type === 'tool_result') {
		if (block.content.length < sizes.minChars) {
			return undefined;
		}
		const content = elide(block.content, sizes, toolResultLocation(block.tool_use_id, block.content, previous, options));
		return content === undefined ? undefined : { ...block, content };
	}
	const isNotice = block.source === 'task-notice';
	const isAttachment = block.source === 'attachment';
	// What the user wrote is never cut; nor, in the newest message, anything but tool output.
	if (!(isNotice || (isAttachment && !isLast)) || block.text.length < sizes.minChars) {
		return undefined;
	}
	const where = isNotice ? matchLocation(block.text, /^full log: (.+)$/m, 'full log') : matchLocation(block.text, /^<attachment [^>]*path="([^"]*)"/, 'full file');
	const text = elide(block.text, sizes, where);
	return text === undefined ? undefined : { ...block, text };
}

function shortenAssistantBlock(block: AssistantBlock, sizes: KeepSizes): AssistantBlock | undefined {
	if (block.type !== 'tool_use') {
		// The model's own words stay: they are its reasoning, and rarely large.
		return undefined;
	}
	let changed = false;
	const input: Record<string, unknown> = {};
	const file = typeof block.input.path === 'string' ? `file: ${block.input.path}` : undefined;
	for (const [key, value] of Object.entries(block.input)) {
		if (typeof value === 'string' && value.length >= sizes.minChars) {
			const shortened = elide(value, sizes, file);
			if (shortened !== undefined) {
				input[key] = shortened;
				changed = true;
				continue;
			}
		}
		input[key] = value;
	}
	return changed ? { ...block, input } : undefined;
}

/** Where the whole of a tool's output is: its task's log, a log or file it names, or the file it read. */
function toolResultLocation(toolUseId: string, content: string, previous: Message | undefined, options: ShortenOptions): string | undefined {
	const log = options.logPathOf?.(toolUseId);
	if (log) {
		return `full log: ${log}`;
	}
	const named =
		matchLocation(content, /^full log: (.+)$/m, 'full log') ??
		matchLocation(content, /The full output is in (.+?)\. …\]/, 'full log') ??
		matchLocation(content, /the full log is (.+?)\]/, 'full log');
	if (named) {
		return named;
	}
	const call = previous?.role === 'assistant' ? previous.content.find((item): item is ToolUseBlock => item.type === 'tool_use' && item.id === toolUseId) : undefined;
	if (call && typeof call.input.path === 'string') {
		return `full file: ${call.input.path}`;
	}
	return undefined;
}

function matchLocation(text: string, pattern: RegExp, label: string): string | undefined {
	const match = pattern.exec(text);
	return match?.[1] ? `${label}: ${match[1].trim()}` : undefined;
}
