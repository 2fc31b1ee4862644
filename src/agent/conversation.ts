/**
 * The messages sent to the model, and the one place their invariants are kept:
 *
 * - roles alternate: content for the role of the last message is merged into it, never a second
 *   message of that role (and never a made-up message of the other role to separate them);
 * - every tool_use is answered by a tool_result in the next user message, before anything else is added;
 * - in a user message the tool_result blocks come first (in the order of the tool calls), then the rest
 *   (the user's words, task notices) in the order they were added;
 * - a request is only made when the last message is the user's;
 * - no empty text blocks, no empty messages.
 */
import type { AssistantBlock, AssistantMessage, Message, TextSource, ToolResultBlock, ToolUseBlock, UserBlock, UserMessage } from './messages';
import { NOTICE_PREAMBLE } from './taskNotice';
import { toWellFormed } from '../common/text';
import { isRecord } from '../common/guards';

/** What a tool call gets when nothing else answered it (a reload, a bug): the API refuses unanswered calls. */
const UNANSWERED_RESULT = 'No result was recorded for this tool call.';

export class Conversation {
	private _messages: Message[] = [];

	get messages(): readonly Message[] {
		return this._messages;
	}

	get length(): number {
		return this._messages.length;
	}

	get lastRole(): Message['role'] | undefined {
		return this._messages[this._messages.length - 1]?.role;
	}

	/** Whether a request can be made now: the last message is the user's. */
	get canRequest(): boolean {
		return this.lastRole === 'user';
	}

	/**
	 * Adds user content: merged into the last message if it is the user's, else a new user message.
	 * Tool calls still unanswered when a request is made (or another reply recorded) get a placeholder
	 * error result then, so the conversation stays valid whatever the caller forgot.
	 */
	appendUser(blocks: readonly UserBlock[]): void {
		const kept = blocks.filter((block) => !(block.type === 'text' && block.text === ''));
		if (kept.length === 0) {
			return;
		}
		const last = this._messages[this._messages.length - 1];
		if (last?.role === 'user') {
			this._messages[this._messages.length - 1] = this._normalizeUser([...last.content, ...kept]);
			return;
		}
		this._messages.push(this._normalizeUser(kept));
	}

	/**
	 * Adds a reply of the model. A reply can only follow a user message (a request needs one); empty text
	 * blocks are dropped, and a reply with nothing left is not recorded (the API refuses empty messages).
	 * Returns whether a message was added.
	 */
	appendAssistant(blocks: readonly AssistantBlock[]): boolean {
		const kept = blocks.filter((block) => !(block.type === 'text' && block.text.trim() === ''));
		if (kept.length === 0) {
			return false;
		}
		if (this.lastRole === 'assistant') {
			// Two replies in a row would mean a request was made after an assistant message.
			throw new Error('Conversation: a reply can only follow a user message.');
		}
		if (this._messages.length === 0) {
			throw new Error('Conversation: a conversation starts with a user message.');
		}
		this.answerUnanswered(UNANSWERED_RESULT);
		this._messages.push({ role: 'assistant', content: kept });
		return true;
	}

	/** The tool calls of the last assistant message that have no result yet, in order. */
	unansweredToolUses(): ToolUseBlock[] {
		const { assistant, user } = this._lastExchange();
		if (!assistant) {
			return [];
		}
		const answered = new Set(user?.content.filter(isToolResult).map((block) => block.tool_use_id) ?? []);
		return assistant.content.filter(isToolUse).filter((block) => !answered.has(block.id));
	}

	/** Answers a tool call of the last assistant message. Ignored (returns false) if it is not one, or is answered. */
	addToolResult(toolUseId: string, content: string, isError = false): boolean {
		if (!this.unansweredToolUses().some((block) => block.id === toolUseId)) {
			return false;
		}
		const result: ToolResultBlock = {
			type: 'tool_result',
			tool_use_id: toolUseId,
			// The API refuses an empty error result; an empty success is fine but says nothing.
			content: content === '' ? '(no output)' : content,
			...(isError ? { is_error: true } : {}),
		};
		this.appendUser([result]);
		return true;
	}

	/** Answers every unanswered tool call of the last assistant message with the same error. */
	answerUnanswered(content: string): ToolUseBlock[] {
		const unanswered = this.unansweredToolUses();
		for (const block of unanswered) {
			this.addToolResult(block.id, content, true);
		}
		return unanswered;
	}

	/**
	 * The messages for a request; throws if no request can be made now. Unanswered tool calls get a
	 * placeholder error result first. A deep copy: the caller may keep it.
	 */
	forRequest(): Message[] {
		this.answerUnanswered(UNANSWERED_RESULT);
		if (!this.canRequest) {
			throw new Error('Conversation: a request must end with a user message.');
		}
		return structuredClone(this._messages);
	}

	toJSON(): Message[] {
		return structuredClone(this._messages);
	}

	/**
	 * Replaces blocks in place by shorter versions of themselves (to fit the context window). Only a
	 * block of the same kind and identity is accepted (same type; same tool_use_id or tool_use id and
	 * name; no empty text), so roles, order and the call/result pairing cannot change. Returns how many were replaced.
	 */
	replaceBlocks(replacements: ReadonlyArray<{ readonly messageIndex: number; readonly blockIndex: number; readonly block: UserBlock | AssistantBlock }>): number {
		let replaced = 0;
		for (const { messageIndex, blockIndex, block } of replacements) {
			const message = this._messages[messageIndex];
			const current = message?.content[blockIndex];
			if (!message || !current || !sameIdentity(current, block)) {
				continue;
			}
			if (message.role === 'user') {
				const content = [...message.content];
				content[blockIndex] = block as UserBlock;
				this._messages[messageIndex] = { role: 'user', content };
			} else {
				const content = [...message.content];
				content[blockIndex] = block as AssistantBlock;
				this._messages[messageIndex] = { role: 'assistant', content };
			}
			replaced += 1;
		}
		return replaced;
	}

	/** Rebuilds a saved conversation, dropping what is not a message and restoring the invariants. */
	static fromJSON(value: unknown): Conversation {
		const messages: Message[] = [];
		if (Array.isArray(value)) {
			for (const item of value) {
				const message = parseMessage(item);
				if (message) {
					messages.push(message);
				}
			}
		}
		const conversation = new Conversation();
		for (const message of messages) {
			if (message.role === 'user') {
				conversation.appendUser(message.content);
			} else if (conversation.lastRole === 'user') {
				conversation.appendAssistant(message.content);
			} else if (conversation.lastRole === 'assistant') {
				// Two saved replies in a row: keep the later (the earlier was likely cut).
				conversation._messages.pop();
				conversation.appendAssistant(message.content);
			}
			// A reply before any user message is dropped: there is nothing it answered.
		}
		return conversation;
	}

	private _lastExchange(): { assistant?: AssistantMessage; user?: UserMessage } {
		const last = this._messages[this._messages.length - 1];
		const previous = this._messages[this._messages.length - 2];
		if (last?.role === 'assistant') {
			return { assistant: last };
		}
		if (last?.role === 'user' && previous?.role === 'assistant') {
			return { assistant: previous, user: last };
		}
		return {};
	}

	/** Tool results first, in the order of the calls they answer; results that answer no call of the reply before are dropped. */
	private _normalizeUser(blocks: readonly UserBlock[]): UserMessage {
		const index = this._messages.length - (this.lastRole === 'user' ? 1 : 0);
		const before = this._messages[index - 1];
		const callOrder = new Map<string, number>();
		if (before?.role === 'assistant') {
			before.content.filter(isToolUse).forEach((block, position) => callOrder.set(block.id, position));
		}
		const results: ToolResultBlock[] = [];
		const seen = new Set<string>();
		const rest: UserBlock[] = [];
		for (const block of blocks) {
			if (block.type === 'tool_result') {
				// The API refuses a result for a call it does not see right before, or two results for one call.
				if (callOrder.has(block.tool_use_id) && !seen.has(block.tool_use_id)) {
					seen.add(block.tool_use_id);
					results.push(block);
				}
			} else {
				rest.push(block);
			}
		}
		results.sort((a, b) => (callOrder.get(a.tool_use_id) ?? 0) - (callOrder.get(b.tool_use_id) ?? 0));
		return { role: 'user', content: [...results, ...rest] };
	}
}

function isToolUse(block: AssistantBlock): block is ToolUseBlock {
	return block.type === 'tool_use';
}

function isToolResult(block: UserBlock): block is ToolResultBlock {
	return block.type === 'tool_result';
}


/** The user blocks of saved data; what is not one is dropped, text is repaired to valid Unicode. */
export function parseUserBlocks(value: unknown): UserBlock[] {
	const content: UserBlock[] = [];
	for (const block of Array.isArray(value) ? value : []) {
		if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') {
			const source = textSource(block);
			content.push({ type: 'text', text: toWellFormed(block.text), ...(source ? { source } : {}) });
		} else if (isRecord(block) && block.type === 'tool_result' && typeof block.tool_use_id === 'string' && typeof block.content === 'string') {
			content.push({ type: 'tool_result', tool_use_id: block.tool_use_id, content: toWellFormed(block.content), ...(block.is_error === true ? { is_error: true } : {}) });
		}
	}
	return content;
}

/** Who wrote a saved user text block; conversations saved before blocks were marked are recognised by the notice preamble. */
function textSource(block: Record<string, unknown>): TextSource | undefined {
	if (block.source === 'task-notice' || block.source === 'attachment') {
		return block.source;
	}
	return block.source === undefined && typeof block.text === 'string' && block.text.startsWith(NOTICE_PREAMBLE) ? 'task-notice' : undefined;
}

function parseMessage(value: unknown): Message | undefined {
	if (!isRecord(value) || !Array.isArray(value.content)) {
		return undefined;
	}
	if (value.role === 'user') {
		return { role: 'user', content: parseUserBlocks(value.content) };
	}
	if (value.role === 'assistant') {
		const content: AssistantBlock[] = [];
		for (const block of value.content) {
			if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') {
				content.push({ type: 'text', text: toWellFormed(block.text) });
			} else if (isRecord(block) && block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
				content.push({ type: 'tool_use', id: block.id, name: block.name, input: isRecord(block.input) ? block.input : {} });
			}
		}
		return { role: 'assistant', content };
	}
	return undefined;
}

/** Whether `next` may stand in for `current`: the same kind of block for the same call, not empty. */
function sameIdentity(current: UserBlock | AssistantBlock, next: UserBlock | AssistantBlock): boolean {
	switch (current.type) {
		case 'text':
			return next.type === 'text' && next.text !== '';
		case 'tool_result':
			return next.type === 'tool_result' && next.tool_use_id === current.tool_use_id && next.content !== '' && next.is_error === current.is_error;
		case 'tool_use':
			return next.type === 'tool_use' && next.id === current.id && next.name === current.name;
	}
}
