/**
 * The one file that talks to `@anthropic-ai/sdk`. Everything else sees {@link ModelClient}: plain data in,
 * plain data out, and one error type ({@link ModelError}) whatever went wrong, so the loop and its tests
 * do not depend on the SDK's classes or its wire types.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from '../common/logger';
import { nullLogger } from '../common/logger';
import type {
	AssistantBlock,
	BrokenToolInput,
	Message,
	TokenUsage,
	ToolDefinition,
	ToolUseBlock,
} from './messages';
import { errorMessage } from '../common/errors';
import { toWellFormed } from '../common/text';

export interface ModelRequest {
	readonly model: string;
	readonly maxTokens: number;
	readonly system: string;
	readonly tools: readonly ToolDefinition[];
	/** Must end with a user message (the conversation guarantees it). */
	readonly messages: readonly Message[];
}

/** What is known of a block when it starts streaming. */
export type StreamedBlockStart = { readonly type: 'text' } | { readonly type: 'tool_use'; readonly id: string; readonly name: string };

export interface StreamOptions {
	readonly signal?: AbortSignal;
	/**
	 * Text appended to the block at `blockIndex`. Block indices count only the blocks the agent keeps
	 * (text and tool_use), so `blockIndex` is the block's index in {@link ModelResponse.content}.
	 */
	onText?(delta: string, blockIndex: number): void;
	onBlockStart?(block: StreamedBlockStart, blockIndex: number): void;
	/** A block is complete (a tool_use's input parsed). */
	onBlockStop?(block: AssistantBlock, blockIndex: number): void;
}

export interface ModelResponse {
	readonly id: string;
	readonly model: string;
	readonly content: readonly AssistantBlock[];
	/** `end_turn`, `tool_use`, `max_tokens`, `refusal`, ...; null if the API did not say. */
	readonly stopReason: string | null;
	readonly usage: TokenUsage;
}

export interface ModelClient {
	/** Streams one reply. Rejects with a {@link ModelError} only. */
	stream(request: ModelRequest, options?: StreamOptions): Promise<ModelResponse>;
	/** The ids of the models the key can use. Rejects with a {@link ModelError} only. */
	listModels(): Promise<string[]>;
}

export type ModelErrorKind =
	| 'auth'
	| 'rateLimit'
	| 'overloaded'
	| 'server'
	| 'network'
	| 'aborted'
	| 'badRequest'
	| 'promptTooLong'
	| 'invalidToolInput'
	| 'unknown';

export interface ModelErrorInit {
	readonly kind: ModelErrorKind;
	readonly message: string;
	readonly status?: number;
	readonly retryable?: boolean;
	readonly partial?: readonly AssistantBlock[];
	readonly brokenToolInput?: BrokenToolInput;
	readonly usage?: TokenUsage;
}

export class ModelError extends Error {
	readonly kind: ModelErrorKind;
	readonly status?: number;
	/** Whether sending the same request again may succeed. */
	readonly retryable: boolean;
	/** The blocks received before the failure (indices as in {@link StreamOptions.onText}); empty text blocks included. */
	readonly partial?: readonly AssistantBlock[];
	/** Set with kind `invalidToolInput`: the tool call (in `partial`, with `{}` input) whose input was not JSON. */
	readonly brokenToolInput?: BrokenToolInput;
	/** Tokens counted before the failure, when the stream had started. */
	readonly usage?: TokenUsage;

	constructor(init: ModelErrorInit) {
		super(init.message);
		this.name = 'ModelError';
		this.kind = init.kind;
		this.status = init.status;
		this.retryable = init.retryable ?? RETRYABLE_KINDS.has(init.kind);
		this.partial = init.partial;
		this.brokenToolInput = init.brokenToolInput;
		this.usage = init.usage;
	}
}

const RETRYABLE_KINDS: ReadonlySet<ModelErrorKind> = new Set<ModelErrorKind>(['rateLimit', 'overloaded', 'server', 'network']);

export interface ModelClientOptions {
	readonly apiKey: string;
	/** Defaults to the public API. */
	readonly baseUrl?: string;
	/** Retries of a request that failed before streaming (429, 5xx, 529, connection); the SDK backs off. */
	readonly maxRetries: number;
	/** Milliseconds before one attempt is given up; the SDK's default (10 minutes) when absent. */
	readonly timeoutMs?: number;
	readonly logger?: Logger;
}

export function createModelClient(options: ModelClientOptions): ModelClient {
	return new AnthropicModelClient(options);
}

type SdkStreamEvent = Anthropic.RawMessageStreamEvent;

type Sdk = typeof import('@anthropic-ai/sdk');
let loadedSdk: Sdk | undefined;

/** Stands in for the SDK's error classes before it is loaded: nothing is an instance of these. */
class NotAnSdkError extends Error {
	readonly status?: number;
	readonly type?: string;
	readonly apiMessage?: string;
}
const NO_SDK_CLASSES = {
	APIUserAbortError: NotAnSdkError,
	APIConnectionError: NotAnSdkError,
	APIError: NotAnSdkError,
	AuthenticationError: NotAnSdkError,
	PermissionDeniedError: NotAnSdkError,
	RateLimitError: NotAnSdkError,
	AnthropicError: NotAnSdkError,
};

/**
 * The SDK is evaluated on the first request, not when the extension loads: evaluating it was most of
 * the extension's load time (the bundle wraps it in a closure that runs on this first require).
 */
function sdk(): Sdk {
	loadedSdk ??= require('@anthropic-ai/sdk') as Sdk;
	return loadedSdk;
}

/** A block as it streams in: tool input is kept as raw text until the block stops. */
type PartialBlock =
	| { kind: 'text'; text: string }
	| { kind: 'tool_use'; id: string; name: string; raw: string; input?: Record<string, unknown> };

class AnthropicModelClient implements ModelClient {
	private readonly _client: Anthropic;
	private readonly _logger: Logger;

	constructor(options: ModelClientOptions) {
		this._logger = options.logger ?? nullLogger;
		const logger = this._logger;
		this._client = new (sdk().Anthropic)({
			// Passed explicitly (even when empty) so the SDK never reads a key from the environment.
			apiKey: options.apiKey,
			baseURL: options.baseUrl,
			maxRetries: options.maxRetries,
			timeout: options.timeoutMs,
			// The SDK logs to the console by default; an extension logs to its output channel.
			logger: {
				error: (message: string, ...rest: unknown[]) => logger.error(message, ...rest),
				warn: (message: string, ...rest: unknown[]) => logger.warn(message, ...rest),
				info: (message: string, ...rest: unknown[]) => logger.info(message, ...rest),
				debug: (message: string, ...rest: unknown[]) => logger.debug(message, ...rest),
			},
		});
	}

	async listModels(): Promise<string[]> {
		try {
			const ids: string[] = [];
			for await (const model of this._client.models.list()) {
				ids.push(model.id);
			}
			return ids;
		} catch (error) {
			throw toModelError(error, undefined);
		}
	}

	async stream(request: ModelRequest, options: StreamOptions = {}): Promise<ModelResponse> {
		const blocks: PartialBlock[] = [];
		// API content index → index among the blocks we keep (thinking and server blocks are skipped).
		const keptIndex = new Map<number, number>();
		let usage: TokenUsage | undefined;

		if (options.signal?.aborted) {
			throw new ModelError({ kind: 'aborted', message: 'Stopped before the request was sent.', partial: [] });
		}
		const stream = this._client.messages.stream(toParams(request), { signal: options.signal });

		// `streamEvent` rather than `text`/`inputJson`: reading a tool block's input on every delta (which
		// `inputJson` does) would make the SDK parse, and reject, half-streamed input early; we only
		// need the raw text, and keep it so a broken input can be quoted back to the model.
		stream.on('streamEvent', (event: SdkStreamEvent) => {
			switch (event.type) {
				case 'message_start':
					usage = fromSdkUsage(event.message.usage);
					break;
				case 'message_delta':
					usage = {
						...(usage ?? fromSdkUsage(undefined)),
						outputTokens: event.usage.output_tokens,
					};
					break;
				case 'content_block_start': {
					const block = event.content_block;
					if (block.type === 'text') {
						keptIndex.set(event.index, blocks.length);
						blocks.push({ kind: 'text', text: block.text });
						options.onBlockStart?.({ type: 'text' }, blocks.length - 1);
						if (block.text) {
							options.onText?.(block.text, blocks.length - 1);
						}
					} else if (block.type === 'tool_use') {
						keptIndex.set(event.index, blocks.length);
						blocks.push({ kind: 'tool_use', id: block.id, name: block.name, raw: '' });
						options.onBlockStart?.({ type: 'tool_use', id: block.id, name: block.name }, blocks.length - 1);
					}
					break;
				}
				case 'content_block_delta': {
					const index = keptIndex.get(event.index);
					const block = index === undefined ? undefined : blocks[index];
					if (index === undefined || !block) {
						break;
					}
					if (event.delta.type === 'text_delta' && block.kind === 'text') {
						block.text += event.delta.text;
						options.onText?.(event.delta.text, index);
					} else if (event.delta.type === 'input_json_delta' && block.kind === 'tool_use') {
						block.raw += event.delta.partial_json;
					}
					break;
				}
				case 'content_block_stop': {
					const index = keptIndex.get(event.index);
					const block = index === undefined ? undefined : blocks[index];
					if (index === undefined || !block) {
						break;
					}
					if (block.kind === 'tool_use') {
						block.input = parseObject(block.raw) ?? {};
					}
					options.onBlockStop?.(toAssistantBlock(block), index);
					break;
				}
				default:
					break;
			}
		});

		let message: Anthropic.Message;
		try {
			message = await stream.finalMessage();
		} catch (error) {
			throw this._streamFailure(error, blocks, usage);
		}
		const content: AssistantBlock[] = [];
		for (const block of message.content) {
			if (block.type === 'text') {
				content.push({ type: 'text', text: block.text });
			} else if (block.type === 'tool_use') {
				content.push({ type: 'tool_use', id: block.id, name: block.name, input: asObject(block.input) });
			}
		}
		return {
			id: message.id,
			model: message.model,
			content,
			stopReason: message.stop_reason ?? null,
			usage: fromSdkUsage(message.usage),
		};
	}

	private _streamFailure(error: unknown, blocks: readonly PartialBlock[], usage: TokenUsage | undefined): ModelError {
		const partial = blocks.map(toAssistantBlock);
		// Since SDK 1.9 a tool input that is not JSON fails the whole stream with the parser's
		// SyntaxError as the cause; the block that broke is the last tool_use whose text does not parse.
		if (loadedSdk && error instanceof loadedSdk.AnthropicError && !(error instanceof loadedSdk.APIError) && error.cause instanceof SyntaxError) {
			const broken = [...blocks].reverse().find((block) => block.kind === 'tool_use' && block.raw !== '' && parseObject(block.raw) === undefined);
			if (broken && broken.kind === 'tool_use') {
				this._logger.warn(`The model sent tool input that is not JSON for ${broken.name} (${broken.id}).`);
				return new ModelError({
					kind: 'invalidToolInput',
					message: `The model sent input for ${broken.name} that is not valid JSON.`,
					retryable: false,
					partial,
					brokenToolInput: { toolUseId: broken.id, raw: broken.raw },
					usage,
				});
			}
		}
		return toModelError(error, partial, usage);
	}
}

/**
 * The request as the SDK sends it. Every text goes through toWellFormed: a lone surrogate that slipped past
 * the cuts (or was saved by an older version) would make the API refuse this request and every retry.
 */
function toParams(request: ModelRequest): Anthropic.MessageCreateParamsStreaming {
	const ephemeral = { type: 'ephemeral' } as const;
	const tools: Anthropic.Tool[] = request.tools.map((tool, index) => ({
		name: tool.name,
		description: tool.description,
		input_schema: toSdkSchema(tool.input_schema),
		// Cache breakpoint on the last tool: the tools and the system prompt form a stable prefix.
		...(index === request.tools.length - 1 ? { cache_control: ephemeral } : {}),
	}));
	const lastUser = findLastIndex(request.messages, (message) => message.role === 'user');
	const messages: Anthropic.MessageParam[] = request.messages.map((message, messageIndex) => {
		const content = message.content.map((block, blockIndex): Anthropic.ContentBlockParam => {
			// Cache breakpoint on the last block of the last user message: the next request reuses it all.
			const cache = messageIndex === lastUser && blockIndex === message.content.length - 1 ? { cache_control: ephemeral } : {};
			switch (block.type) {
				case 'text':
					return { type: 'text', text: toWellFormed(block.text), ...cache };
				case 'tool_use':
					return { type: 'tool_use', id: block.id, name: block.name, input: block.input, ...cache };
				case 'tool_result':
					return {
						type: 'tool_result',
						tool_use_id: block.tool_use_id,
						content: toWellFormed(block.content),
						...(block.is_error ? { is_error: true } : {}),
						...cache,
					};
			}
		});
		return message.role === 'user'
			? { role: 'user', content }
			: { role: 'assistant', content };
	});
	return {
		model: request.model,
		max_tokens: request.maxTokens,
		system: [{ type: 'text', text: toWellFormed(request.system), cache_control: ephemeral }],
		tools,
		messages,
		stream: true,
	};
}

function toSdkSchema(schema: ToolDefinition['input_schema']): Anthropic.Tool.InputSchema {
	// Our schema type is a subset of JSON schema; the SDK wants `type: 'object'` at the top.
	return { ...schema, type: 'object' } as Anthropic.Tool.InputSchema;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
	for (let index = items.length - 1; index >= 0; index--) {
		if (predicate(items[index])) {
			return index;
		}
	}
	return -1;
}

function toAssistantBlock(block: PartialBlock): AssistantBlock {
	if (block.kind === 'text') {
		return { type: 'text', text: block.text };
	}
	const tool: ToolUseBlock = { type: 'tool_use', id: block.id, name: block.name, input: block.input ?? parseObject(block.raw) ?? {} };
	return tool;
}

function parseObject(text: string): Record<string, unknown> | undefined {
	if (text.trim() === '') {
		return {};
	}
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

function asObject(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function fromSdkUsage(usage: Anthropic.Usage | undefined): TokenUsage {
	return {
		inputTokens: usage?.input_tokens ?? 0,
		outputTokens: usage?.output_tokens ?? 0,
		cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
		cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
	};
}

/** Maps whatever the SDK threw to a {@link ModelError}. Exported for tests. */
export function toModelError(error: unknown, partial: readonly AssistantBlock[] | undefined, usage?: TokenUsage): ModelError {
	const common = { partial, usage };
	if (error instanceof ModelError) {
		return error;
	}
	// An error of the SDK exists only once the SDK is loaded; without it, the checks below fall through.
	const { APIUserAbortError, APIConnectionError, APIError, AuthenticationError, PermissionDeniedError, RateLimitError, AnthropicError } = loadedSdk ?? NO_SDK_CLASSES;
	// Abort first: APIUserAbortError is an APIError without a status.
	if (error instanceof APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
		return new ModelError({ kind: 'aborted', message: 'Stopped by the user.', ...common });
	}
	if (error instanceof APIConnectionError) {
		return new ModelError({ kind: 'network', message: `Could not reach the API: ${error.message}`, ...common });
	}
	if (error instanceof APIError) {
		const message = error.apiMessage ?? error.message;
		const status = error.status;
		if (error instanceof AuthenticationError || error instanceof PermissionDeniedError || error.type === 'authentication_error' || error.type === 'permission_error') {
			return new ModelError({ kind: 'auth', status, message, ...common });
		}
		if (error instanceof RateLimitError || error.type === 'rate_limit_error') {
			return new ModelError({ kind: 'rateLimit', status, message, ...common });
		}
		if (status === 529 || error.type === 'overloaded_error') {
			return new ModelError({ kind: 'overloaded', status, message, ...common });
		}
		if ((status !== undefined && status >= 500) || error.type === 'api_error') {
			return new ModelError({ kind: 'server', status, message, ...common });
		}
		if (status === 413 || /prompt is too long|too many tokens|context window/i.test(message)) {
			return new ModelError({ kind: 'promptTooLong', status, message, retryable: false, ...common });
		}
		if (status === 400 || status === 404 || status === 422 || error.type === 'invalid_request_error') {
			return new ModelError({ kind: 'badRequest', status, message, ...common });
		}
		return new ModelError({ kind: 'unknown', status, message, ...common });
	}
	// A stream that breaks after the response started (socket closed, body ended early) is not an APIError.
	if (error instanceof AnthropicError || error instanceof TypeError) {
		return new ModelError({ kind: 'network', message: `The response was cut off: ${error.message}`, ...common });
	}
	const message = errorMessage(error);
	return new ModelError({ kind: 'unknown', message, retryable: false, ...common });
}
