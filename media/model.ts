/**
 * Narrowing of what the host sends, field by field. `isHostMessage` checks only the shape needed to
 * dispatch; these turn anything odd into something the view can always draw (or into undefined).
 * Pure: no DOM.
 */

import {
	APPROVAL_MODES,
	CHAT_ERROR_ACTIONS,
	TASK_STATUSES,
	TOOL_CALL_STATES,
	isOneOf,
	isRecord,
	type ApprovalMode,
	type ApprovalRequestView,
	type AttachmentView,
	type ChatItem,
	type FileChangeView,
	type TaskStatusWord,
	type TaskView,
	type ToolCallView,
	type UsageView,
} from '../src/shared/protocol';

/** A text block the view can append to while it streams. */
export interface TextBlockModel {
	kind: 'text';
	text: string;
}

export type BlockModel = TextBlockModel | ToolCallView;

/** The items as the view keeps them: assistant items are mutable copies (deltas append to them). */
export type ItemModel =
	| Exclude<ChatItem, { kind: 'assistant' }>
	| { kind: 'assistant'; id: string; blocks: BlockModel[]; streaming: boolean };

export interface StateModel {
	conversationId: string;
	title: string;
	items: ItemModel[];
	busy: boolean;
	hasApiKey: boolean;
	model: string;
	usage: UsageView;
	attachments: AttachmentView[];
	tasks: TaskView[];
	scrollTop?: number;
	draft?: string;
	trusted: boolean;
	approvalMode: ApprovalMode;
}

type Rec = Record<string, unknown>;

function str(value: unknown, fallback = ''): string {
	return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : fallback;
}

function num(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Most reasons an approval card lists (the host sends a few; more would only push the buttons away). */
const MAX_REASONS = 10;

export function toTask(value: unknown): TaskView | undefined {
	if (!isRecord(value) || typeof value.id !== 'string' || value.id.length === 0) {
		return undefined;
	}
	const status: TaskStatusWord = isOneOf(TASK_STATUSES, value.status) ? value.status : 'queued';
	const task: { -readonly [K in keyof TaskView]: TaskView[K] } = { id: value.id, command: str(value.command), status };
	if (typeof value.exitCode === 'number' && Number.isFinite(value.exitCode)) {
		task.exitCode = value.exitCode;
	}
	if (typeof value.signal === 'string' && value.signal) {
		task.signal = value.signal;
	}
	if (typeof value.durationSeconds === 'number' && Number.isFinite(value.durationSeconds) && value.durationSeconds >= 0) {
		task.durationSeconds = value.durationSeconds;
	}
	if (typeof value.detail === 'string' && value.detail) {
		task.detail = value.detail;
	}
	return task;
}

function toTasks(value: unknown): TaskView[] {
	return Array.isArray(value) ? value.map(toTask).filter((t): t is TaskView => t !== undefined) : [];
}

export function toAttachments(value: unknown): AttachmentView[] {
	if (!Array.isArray(value)) {
		return [];
	}
	const out: AttachmentView[] = [];
	for (const entry of value) {
		if (isRecord(entry) && typeof entry.id === 'string' && entry.id) {
			out.push({ id: entry.id, label: str(entry.label, entry.id), description: str(entry.description) });
		}
	}
	return out;
}

export function toUsage(value: unknown): UsageView {
	const v = isRecord(value) ? value : {};
	return {
		inputTokens: num(v.inputTokens),
		outputTokens: num(v.outputTokens),
		cacheReadTokens: num(v.cacheReadTokens),
		cacheWriteTokens: num(v.cacheWriteTokens),
	};
}

export function toTool(value: Rec): ToolCallView {
	const tool: { -readonly [K in keyof ToolCallView]: ToolCallView[K] } = {
		kind: 'tool',
		toolUseId: str(value.toolUseId),
		name: str(value.name, 'tool') || 'tool',
		summary: str(value.summary),
		input: typeof value.input === 'string' ? value.input : safeJson(value.input),
		state: isOneOf(TOOL_CALL_STATES, value.state) ? value.state : 'pending',
	};
	if (typeof value.resultSummary === 'string') {
		tool.resultSummary = value.resultSummary;
	}
	if (typeof value.result === 'string') {
		tool.result = value.result;
	}
	if (typeof value.taskId === 'string' && value.taskId) {
		tool.taskId = value.taskId;
	}
	// An approval only means something while the call waits for one (a stale one must not show buttons).
	const approval = tool.state === 'awaitingApproval' ? toApproval(value.approval) : undefined;
	if (approval) {
		tool.approval = approval;
	}
	const fileChange = toFileChange(value.fileChange);
	if (fileChange) {
		tool.fileChange = fileChange;
	}
	return tool;
}

/** What an approval card asks; undefined when it is not an object. Reasons that are not text are dropped. */
export function toApproval(value: unknown): ApprovalRequestView | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const reasons = Array.isArray(value.reasons)
		? value.reasons.filter((r): r is string => typeof r === 'string' && r.trim().length > 0).slice(0, MAX_REASONS)
		: [];
	const approval: { -readonly [K in keyof ApprovalRequestView]: ApprovalRequestView[K] } = { command: str(value.command), reasons };
	if (typeof value.allowRule === 'string' && value.allowRule.trim().length > 0) {
		approval.allowRule = value.allowRule;
	}
	if (typeof value.tool === 'string' && value.tool.length > 0) {
		approval.tool = value.tool;
	}
	return approval;
}

/** A file card's change; undefined without a path. Counts are whole and never negative; an undone change cannot be undone again. */
export function toFileChange(value: unknown): FileChangeView | undefined {
	if (!isRecord(value) || typeof value.path !== 'string' || value.path.length === 0) {
		return undefined;
	}
	const undone = value.undone === true;
	const change: { -readonly [K in keyof FileChangeView]: FileChangeView[K] } = {
		path: value.path,
		created: value.created === true,
		added: count(value.added),
		removed: count(value.removed),
		canUndo: value.canUndo === true && !undone,
	};
	if (undone) {
		change.undone = true;
	}
	return change;
}

function count(value: unknown): number {
	return Math.max(0, Math.round(num(value)));
}

/** `approval.mode`; anything unknown reads as `ask` (the mode that runs nothing unasked). */
export function toApprovalMode(value: unknown): ApprovalMode {
	return isOneOf(APPROVAL_MODES, value) ? value : 'ask';
}

function safeJson(value: unknown): string {
	if (value === undefined) {
		return '';
	}
	try {
		return JSON.stringify(value, null, 2) ?? '';
	} catch {
		return '';
	}
}

function toBlock(value: unknown): BlockModel | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	if (value.kind === 'text') {
		return { kind: 'text', text: str(value.text) };
	}
	if (value.kind === 'tool') {
		return toTool(value);
	}
	return undefined;
}

/** A copy of a transcript item the view can always draw, or undefined when it is not one. */
export function toItem(value: unknown): ItemModel | undefined {
	if (!isRecord(value) || typeof value.id !== 'string' || value.id.length === 0) {
		return undefined;
	}
	const id = value.id;
	switch (value.kind) {
		case 'user':
			return { kind: 'user', id, text: str(value.text), attachments: toAttachments(value.attachments) };
		case 'assistant': {
			const blocks = Array.isArray(value.blocks) ? value.blocks.map(toBlock).filter((b): b is BlockModel => b !== undefined) : [];
			return { kind: 'assistant', id, blocks, streaming: value.streaming === true };
		}
		case 'notice': {
			const task = toTask(value.task);
			return task ? { kind: 'notice', id, task } : undefined;
		}
		case 'error': {
			const actions = Array.isArray(value.actions)
				? CHAT_ERROR_ACTIONS.filter((action) => (value.actions as unknown[]).includes(action))
				: [];
			return { kind: 'error', id, message: str(value.message, 'Something went wrong.'), actions };
		}
		case 'info':
			return { kind: 'info', id, text: str(value.text) };
		default:
			return undefined;
	}
}

export function toState(value: unknown): StateModel {
	const v = isRecord(value) ? value : {};
	const items: ItemModel[] = [];
	const seen = new Set<string>();
	if (Array.isArray(v.items)) {
		for (const raw of v.items) {
			const item = toItem(raw);
			if (item && !seen.has(item.id)) {
				seen.add(item.id);
				items.push(item);
			}
		}
	}
	const state: StateModel = {
		conversationId: str(v.conversationId),
		title: str(v.title),
		items,
		busy: v.busy === true,
		hasApiKey: v.hasApiKey !== false,
		model: str(v.model),
		usage: toUsage(v.usage),
		attachments: toAttachments(v.attachments),
		tasks: toTasks(v.tasks),
		// Only an explicit `false` shows the untrusted banner (an older host that does not say is trusted).
		trusted: v.trusted !== false,
		approvalMode: toApprovalMode(v.approvalMode),
	};
	if (typeof v.scrollTop === 'number' && Number.isFinite(v.scrollTop) && v.scrollTop >= 0) {
		state.scrollTop = v.scrollTop;
	}
	if (typeof v.draft === 'string') {
		state.draft = v.draft;
	}
	return state;
}
