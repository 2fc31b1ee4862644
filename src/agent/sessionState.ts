/**
 * A conversation as it is saved and read back: plain JSON out, and from untrusted JSON (a file on disk)
 * a state to resume, in which nothing streams or runs any more.
 */
import { isRecord } from '../common/guards';
import { CHAT_ITEM_KINDS, isOneOf } from '../shared/protocol';
import type { ChatItem, UsageView } from '../shared/protocol';
import { Conversation, parseUserBlocks } from './conversation';
import type { Message, TokenUsage, UserBlock } from './messages';
import { isUnfinished } from './transcript';

/** What a tool call saved without its result is answered with after a reload. */
export const INTERRUPTED_RESULT = 'The editor was closed or reloaded before this tool call finished.';

/** A saved conversation ({@link AgentSession.toJSON}); plain JSON. */
export interface SerializedSession {
	readonly version: 1;
	readonly id: string;
	readonly title: string;
	readonly messages: readonly Message[];
	readonly items: readonly ChatItem[];
	readonly usage: UsageView;
	/** What the user sent that no request carried yet (the turn failed first). */
	readonly queued?: readonly UserBlock[];
	/** Tasks whose end reached this conversation: a notice delivered again after a crash is dropped. */
	readonly heardTasks?: readonly string[];
}

/** What a session resumes from: every part checked, what was in flight settled. */
export interface SessionState {
	readonly id: string | undefined;
	readonly title: string;
	readonly conversation: Conversation;
	readonly items: ChatItem[];
	readonly usage: TokenUsage;
	readonly queued: UserBlock[];
	readonly heardTasks: string[];
}

/** Reads saved data; whatever is missing or malformed starts empty. */
export function parseSessionState(data: unknown): SessionState {
	const record = isRecord(data) ? data : {};
	const conversation = Conversation.fromJSON(record.messages);
	conversation.answerUnanswered(INTERRUPTED_RESULT);
	return {
		id: typeof record.id === 'string' ? record.id : undefined,
		title: typeof record.title === 'string' ? record.title : '',
		conversation,
		items: Array.isArray(record.items) ? record.items.filter(isChatItem).map(settleItem) : [],
		usage: parseUsage(record.usage),
		queued: parseUserBlocks(record.queued),
		heardTasks: Array.isArray(record.heardTasks) ? record.heardTasks.filter((id): id is string => typeof id === 'string') : [],
	};
}

export function isChatItem(value: unknown): value is ChatItem {
	return isRecord(value) && typeof value.id === 'string' && isOneOf(CHAT_ITEM_KINDS, value.kind);
}

/** A saved item as it should look after a reload: nothing streams or runs any more. */
export function settleItem(item: ChatItem): ChatItem {
	if (item.kind !== 'assistant') {
		return item;
	}
	return {
		...item,
		streaming: false,
		blocks: item.blocks.map((block) => (isUnfinished(block) ? { ...block, state: 'error', resultSummary: 'interrupted' } : block)),
	};
}

export function parseUsage(value: unknown): TokenUsage {
	const record = isRecord(value) ? value : {};
	const count = (key: string) => (typeof record[key] === 'number' && Number.isFinite(record[key]) ? record[key] : 0);
	return {
		inputTokens: count('inputTokens'),
		outputTokens: count('outputTokens'),
		cacheReadTokens: count('cacheReadTokens'),
		cacheWriteTokens: count('cacheWriteTokens'),
	};
}
