/**
 * The conversation as plain data, shaped like the Anthropic Messages API's `MessageParam` so it maps
 * to the wire one to one, but owned here: nothing outside `modelClient.ts` sees an SDK type, and these
 * objects survive `JSON.stringify` unchanged (a saved conversation is just this).
 */

/** Text Meanwhile wrote into a user message rather than the user: it may be shortened when the context fills. */
export type TextSource = 'task-notice' | 'attachment';

export interface TextBlock {
	readonly type: 'text';
	readonly text: string;
	/**
	 * Set on the blocks Meanwhile adds (task notices, attached files), never on what the user typed: user text
	 * that merely looks like a notice is never cut. Saved with the conversation; not sent to the API.
	 */
	readonly source?: TextSource;
}

export interface ToolUseBlock {
	readonly type: 'tool_use';
	readonly id: string;
	readonly name: string;
	/** The parsed input; `{}` when the model's input was not JSON (see {@link BrokenToolInput}). */
	readonly input: Readonly<Record<string, unknown>>;
}

export interface ToolResultBlock {
	readonly type: 'tool_result';
	readonly tool_use_id: string;
	readonly content: string;
	readonly is_error?: boolean;
}

export type AssistantBlock = TextBlock | ToolUseBlock;
export type UserBlock = TextBlock | ToolResultBlock;

export interface UserMessage {
	readonly role: 'user';
	readonly content: readonly UserBlock[];
}

export interface AssistantMessage {
	readonly role: 'assistant';
	readonly content: readonly AssistantBlock[];
}

export type Message = UserMessage | AssistantMessage;

/** A JSON schema as the tools declare it (the small subset they use). */
export interface JsonSchema {
	readonly type: 'object' | 'string' | 'integer' | 'number' | 'boolean';
	readonly description?: string;
	readonly properties?: Readonly<Record<string, JsonSchema>>;
	readonly required?: readonly string[];
	/** For objects: `false` refuses properties not in `properties` (a misspelt option must not be ignored silently). */
	readonly additionalProperties?: boolean;
	/** The values allowed. */
	readonly enum?: readonly (string | number | boolean)[];
	/** For numbers: the smallest and largest values allowed. */
	readonly minimum?: number;
	readonly maximum?: number;
}

/**
 * A schema written by someone else (a VS Code tool's): whatever JSON schema the API accepts, which is an
 * object schema at the top (hostTools.ts checks that before offering it).
 */
export interface ForeignObjectSchema {
	readonly type: 'object';
	readonly [keyword: string]: unknown;
}

/** A tool as the model sees it. */
export interface ToolDefinition {
	readonly name: string;
	readonly description: string;
	readonly input_schema: JsonSchema | ForeignObjectSchema;
}

export interface TokenUsage {
	readonly inputTokens: number;
	readonly outputTokens: number;
	readonly cacheReadTokens: number;
	readonly cacheWriteTokens: number;
}

export const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
	return {
		inputTokens: a.inputTokens + b.inputTokens,
		outputTokens: a.outputTokens + b.outputTokens,
		cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
		cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
	};
}

/** A tool call whose streamed input was not JSON: recorded with `{}` input, answered with an error quoting `raw`. */
export interface BrokenToolInput {
	readonly toolUseId: string;
	readonly raw: string;
}
