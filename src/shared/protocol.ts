/**
 * The one protocol between the extension host and the chat webview.
 *
 * Every message is a member of a discriminated union on `type`. The host owns all state: the webview
 * renders what the host sends and reports what the user did. Messages from the webview are untrusted
 * input: the host narrows them with {@link parseWebviewMessage} before acting.
 *
 * This file imports only pure helpers of src/common, so both the host bundle and the webview bundle can
 * include it. Every string union is declared once, as an `as const` array with its type derived from it,
 * so the guards here and the webview's narrowing check against the same list.
 */
import { isRecord } from '../common/guards';

export { isRecord };

/** The exact status words of a background task (the public contract). */
export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed out'] as const;
export type TaskStatusWord = (typeof TASK_STATUSES)[number];

/** A background task as the chat shows it (a card's live status, a notice line). */
export interface TaskView {
	readonly id: string;
	readonly command: string;
	readonly status: TaskStatusWord;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	readonly durationSeconds?: number;
	/** `ready on :PORT` and similar, when known. */
	readonly detail?: string;
}

export interface AttachmentView {
	readonly id: string;
	/** What the chip says: a file name, with a line range for a selection. */
	readonly label: string;
	/** Full path or URI, shown as the chip's tooltip. */
	readonly description: string;
}

export const TOOL_CALL_STATES = ['pending', 'awaitingApproval', 'running', 'done', 'error', 'denied'] as const;
export type ToolCallState = (typeof TOOL_CALL_STATES)[number];

export interface ToolCallView {
	readonly kind: 'tool';
	readonly toolUseId: string;
	readonly name: string;
	/** One line: the command, the path, the task id. */
	readonly summary: string;
	/** The whole input, pretty-printed JSON. */
	readonly input: string;
	readonly state: ToolCallState;
	/** One line about the result, when there is one. */
	readonly resultSummary?: string;
	/** The result text as the model received it (already capped). */
	readonly result?: string;
	/** The background task this call started or concerns, for a live status on the card. */
	readonly taskId?: string;
	/** While `state` is `awaitingApproval`: what the user is asked to allow. */
	readonly approval?: ApprovalRequestView;
	/** For a file the call wrote or edited: the card offers the diff and an undo. */
	readonly fileChange?: FileChangeView;
}

export interface ApprovalRequestView {
	/** The command line as the model wrote it. */
	readonly command: string;
	/** Why it asks: the parts no rule allows, or what always needs a person (command substitution, eval…). */
	readonly reasons: readonly string[];
	/** What "Always Allow" would add to `meanwhile.approval.allow` (absent: it cannot be allowed by a rule). */
	readonly allowRule?: string;
	/** Set when the call is to one of the editor's tools (`meanwhile.tools.fromVSCode`), not a command: its name. */
	readonly tool?: string;
}

export interface FileChangeView {
	/** The file's path relative to the workspace (or absolute outside a folder). */
	readonly path: string;
	/** Whether the file did not exist before the change. */
	readonly created: boolean;
	/** `+12 −3` style counts. */
	readonly added: number;
	readonly removed: number;
	/** Whether Undo can still restore the content from before (false once undone, or the file changed since). */
	readonly canUndo: boolean;
	readonly undone?: boolean;
}

export interface TextBlockView {
	readonly kind: 'text';
	/** Markdown from the model: untrusted, rendered with raw HTML off. */
	readonly text: string;
}

export type AssistantBlockView = TextBlockView | ToolCallView;

export const CHAT_ERROR_ACTIONS = ['retry', 'setApiKey', 'openSettings'] as const;
export type ChatErrorAction = (typeof CHAT_ERROR_ACTIONS)[number];

/** `meanwhile.approval.mode`. */
export const APPROVAL_MODES = ['ask', 'auto', 'never'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

export const CHAT_ITEM_KINDS = ['user', 'assistant', 'notice', 'error', 'info'] as const;
export type ChatItemKind = (typeof CHAT_ITEM_KINDS)[number];

export type ChatItem =
	| { readonly kind: 'user'; readonly id: string; readonly text: string; readonly attachments: readonly AttachmentView[] }
	| {
			readonly kind: 'assistant';
			readonly id: string;
			readonly blocks: readonly AssistantBlockView[];
			/** True while the reply streams in. */
			readonly streaming: boolean;
	  }
	| {
			readonly kind: 'notice';
			readonly id: string;
			readonly task: TaskView;
	  }
	| {
			readonly kind: 'error';
			readonly id: string;
			readonly message: string;
			readonly actions: readonly ChatErrorAction[];
	  }
	| { readonly kind: 'info'; readonly id: string; readonly text: string };

/** Fails to compile when a union's `as const` list and the type it describes drift apart. */
type SameWords<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies SameWords<ChatItem['kind'], ChatItemKind>;

export interface UsageView {
	readonly inputTokens: number;
	readonly outputTokens: number;
	readonly cacheReadTokens: number;
	readonly cacheWriteTokens: number;
}

/** Everything the webview needs to draw itself from nothing (sent after `ready` and on every reset). */
export interface ChatState {
	readonly conversationId: string;
	readonly title: string;
	readonly items: readonly ChatItem[];
	/** A turn runs: show Stop instead of Send. */
	readonly busy: boolean;
	readonly hasApiKey: boolean;
	readonly model: string;
	readonly usage: UsageView;
	readonly attachments: readonly AttachmentView[];
	/** Live status of the tasks the conversation mentions, by id. */
	readonly tasks: readonly TaskView[];
	/** Where the transcript was scrolled to, restored after the view is re-created. */
	readonly scrollTop?: number;
	/** A draft the user had typed but not sent. */
	readonly draft?: string;
	/** False in an untrusted workspace: commands do not run and files are not written (reading works). */
	readonly trusted: boolean;
	/** `approval.mode`: `ask`, `auto` or `never` (shown so the user knows what will run unasked). */
	readonly approvalMode: ApprovalMode;
}

// ---------------------------------------------------------------------------------------------------
// Host → webview
// ---------------------------------------------------------------------------------------------------

export type HostToWebview =
	/** Sent by the host after `ready`, after New Chat, and when an earlier conversation is reopened. */
	| { readonly type: 'state'; readonly state: ChatState }
	/** Sent by the host when an item joins the transcript. */
	| { readonly type: 'itemAdded'; readonly item: ChatItem }
	/** Sent by the host when an item changed as a whole (a tool card's state, the end of streaming). */
	| { readonly type: 'itemUpdated'; readonly item: ChatItem }
	/** Sent by the host as a reply streams: text appended to the text block at `blockIndex` of an assistant item. */
	| { readonly type: 'textDelta'; readonly itemId: string; readonly blockIndex: number; readonly delta: string }
	/** Sent by the host when the turn starts or ends. */
	| { readonly type: 'busy'; readonly busy: boolean }
	/** Sent by the host when a task the chat shows changed status. */
	| { readonly type: 'taskUpdated'; readonly task: TaskView }
	/** Sent by the host when the attachments of the next message changed. */
	| { readonly type: 'attachments'; readonly attachments: readonly AttachmentView[] }
	/** Sent by the host when usage counts changed. */
	| { readonly type: 'usage'; readonly usage: UsageView }
	/** Sent by the host when the key was set or removed. */
	| { readonly type: 'apiKey'; readonly hasApiKey: boolean }
	/** Sent by the host to put the caret in the message box. */
	| { readonly type: 'focusInput' }
	/** Sent by the host when workspace trust or the approval mode changed. */
	| { readonly type: 'trust'; readonly trusted: boolean; readonly approvalMode: ApprovalMode };

// ---------------------------------------------------------------------------------------------------
// Webview → host
// ---------------------------------------------------------------------------------------------------

export type WebviewToHost =
	/** Sent by the webview once its script runs; the host answers with `state` and flushes its queue. */
	| { readonly type: 'ready' }
	/** Sent by the webview when the user sends a message (Enter or the Send button). */
	| { readonly type: 'send'; readonly text: string }
	/** Sent by the webview on the Stop button or Escape. */
	| { readonly type: 'stop' }
	/** Sent by the webview on an error's Retry button. */
	| { readonly type: 'retry' }
	/** Sent by the webview on a button that asks to set the API key. */
	| { readonly type: 'setApiKey' }
	/** Sent by the webview on an error's Open Settings button. */
	| { readonly type: 'openSettings' }
	/** Sent by the webview to open a task's live output. */
	| { readonly type: 'showTaskOutput'; readonly taskId: string }
	/** Sent by the webview to reveal a task's row in the Background Tasks view. */
	| { readonly type: 'revealTask'; readonly taskId: string }
	/** Sent by the webview when the user removes an attachment chip. */
	| { readonly type: 'removeAttachment'; readonly attachmentId: string }
	/** Sent by the webview when the user clicks a link in a reply; the host checks it before opening. */
	| { readonly type: 'openLink'; readonly href: string }
	/** Sent by the webview to copy text (a code block) through the host's clipboard. */
	| { readonly type: 'copy'; readonly text: string }
	/** Sent by the webview, throttled, so the scroll position survives re-creating the view. */
	| { readonly type: 'scrolled'; readonly scrollTop: number }
	/** Sent by the webview, debounced, so a draft survives re-creating the view. */
	| { readonly type: 'draft'; readonly text: string }
	/** Sent by the webview on an approval card's `Run`, `Always Allow` or `Deny` (with an optional reason the model receives). */
	| { readonly type: 'approval'; readonly toolUseId: string; readonly decision: ApprovalDecision; readonly reason?: string }
	/** Sent by the webview on a file card's diff button: the host opens VS Code's diff editor. */
	| { readonly type: 'openDiff'; readonly toolUseId: string }
	/** Sent by the webview on a file card's `Undo`. */
	| { readonly type: 'undoFileChange'; readonly toolUseId: string }
	/** Sent by the webview on the untrusted-workspace banner's button. */
	| { readonly type: 'manageTrust' };

export const APPROVAL_DECISIONS = ['run', 'always', 'deny'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
/** Longest reason for a denial the host accepts. */
export const MAX_DENY_REASON = 2_000;

export type WebviewMessageType = WebviewToHost['type'];

/** Longest text the host accepts in one message from the webview (a message, a draft, a copy). */
export const MAX_WEBVIEW_TEXT = 1_000_000;
const MAX_ID = 200;
const MAX_HREF = 8_192;

/** Whether `value` is one of the words of an `as const` union. */
export function isOneOf<T extends string>(words: readonly T[], value: unknown): value is T {
	return typeof value === 'string' && (words as readonly string[]).includes(value);
}

function isBoundedString(value: unknown, max: number): value is string {
	return typeof value === 'string' && value.length <= max;
}

function isId(value: unknown): value is string {
	return isBoundedString(value, MAX_ID) && value.length > 0 && /^[\w.:-]+$/.test(value);
}

/** Parses an untrusted message from the webview; returns undefined for anything malformed. */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
	if (!isRecord(value) || typeof value.type !== 'string') {
		return undefined;
	}
	switch (value.type) {
		case 'ready':
		case 'stop':
		case 'retry':
		case 'setApiKey':
		case 'openSettings':
		case 'manageTrust':
			return { type: value.type };
		case 'approval': {
			if (!isId(value.toolUseId) || !isOneOf(APPROVAL_DECISIONS, value.decision)) {
				return undefined;
			}
			if (value.reason !== undefined && !isBoundedString(value.reason, MAX_DENY_REASON)) {
				return undefined;
			}
			const decision = value.decision;
			return value.reason !== undefined && value.reason.trim() !== ''
				? { type: 'approval', toolUseId: value.toolUseId, decision, reason: value.reason }
				: { type: 'approval', toolUseId: value.toolUseId, decision };
		}
		case 'openDiff':
		case 'undoFileChange':
			return isId(value.toolUseId) ? { type: value.type, toolUseId: value.toolUseId } : undefined;
		case 'send':
			return isBoundedString(value.text, MAX_WEBVIEW_TEXT) && value.text.trim().length > 0
				? { type: 'send', text: value.text }
				: undefined;
		case 'showTaskOutput':
		case 'revealTask':
			return isId(value.taskId) ? { type: value.type, taskId: value.taskId } : undefined;
		case 'removeAttachment':
			return isId(value.attachmentId) ? { type: 'removeAttachment', attachmentId: value.attachmentId } : undefined;
		case 'openLink':
			return isBoundedString(value.href, MAX_HREF) && value.href.length > 0
				? { type: 'openLink', href: value.href }
				: undefined;
		case 'copy':
			return isBoundedString(value.text, MAX_WEBVIEW_TEXT) ? { type: 'copy', text: value.text } : undefined;
		case 'draft':
			return isBoundedString(value.text, MAX_WEBVIEW_TEXT) ? { type: 'draft', text: value.text } : undefined;
		case 'scrolled':
			return typeof value.scrollTop === 'number' && Number.isFinite(value.scrollTop) && value.scrollTop >= 0
				? { type: 'scrolled', scrollTop: value.scrollTop }
				: undefined;
		default:
			return undefined;
	}
}

/** The webview's own check of what the host sends: only the shape it relies on to dispatch. */
export function isHostMessage(value: unknown): value is HostToWebview {
	if (!isRecord(value) || typeof value.type !== 'string') {
		return false;
	}
	switch (value.type) {
		case 'state':
			return isRecord(value.state) && Array.isArray(value.state.items);
		case 'itemAdded':
		case 'itemUpdated':
			return isRecord(value.item) && typeof value.item.id === 'string' && typeof value.item.kind === 'string';
		case 'textDelta':
			return typeof value.itemId === 'string' && typeof value.blockIndex === 'number' && typeof value.delta === 'string';
		case 'busy':
			return typeof value.busy === 'boolean';
		case 'taskUpdated':
			return isRecord(value.task) && typeof value.task.id === 'string';
		case 'attachments':
			return Array.isArray(value.attachments);
		case 'usage':
			return isRecord(value.usage);
		case 'apiKey':
			return typeof value.hasApiKey === 'boolean';
		case 'focusInput':
			return true;
		case 'trust':
			return typeof value.trusted === 'boolean' && typeof value.approvalMode === 'string';
		default:
			return false;
	}
}
