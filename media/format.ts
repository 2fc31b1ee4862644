/**
 * Pure formatting for the chat webview: token counts, durations, task status lines, tool icons.
 * No DOM here, so these run (and are tested) in plain Node.
 */

import { TASK_STATUSES, TOOL_CALL_STATES, isOneOf, type TaskStatusWord, type TaskView, type ToolCallState, type UsageView } from '../src/shared/protocol';

const SEP = ' · ';

/** 950 → "950", 1234 → "1.2k", 8000 → "8k", 12345 → "12.3k", 123456 → "123k", 1234567 → "1.2M". */
export function formatTokens(count: number): string {
	if (!Number.isFinite(count) || count <= 0) {
		return '0';
	}
	const n = Math.round(count);
	if (n < 1000) {
		return String(n);
	}
	if (n < 100_000) {
		return `${trimZero((n / 1000).toFixed(1))}k`;
	}
	if (n < 999_500) {
		return `${Math.round(n / 1000)}k`;
	}
	if (n < 100_000_000) {
		return `${trimZero((n / 1_000_000).toFixed(1))}M`;
	}
	return `${Math.round(n / 1_000_000)}M`;
}

function trimZero(text: string): string {
	return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** "12.3k in · 1.2k out · 8k cached"; the cached part only when something was read from the cache; "" before any usage. */
export function formatUsage(usage: UsageView | undefined): string {
	if (!usage) {
		return '';
	}
	const input = safeCount(usage.inputTokens);
	const output = safeCount(usage.outputTokens);
	const cached = safeCount(usage.cacheReadTokens);
	if (input === 0 && output === 0 && cached === 0 && safeCount(usage.cacheWriteTokens) === 0) {
		return '';
	}
	const parts = [`${formatTokens(input)} in`, `${formatTokens(output)} out`];
	if (cached > 0) {
		parts.push(`${formatTokens(cached)} cached`);
	}
	return parts.join(SEP);
}

/** The exact counts, for the usage line's tooltip. */
export function formatUsageTooltip(usage: UsageView | undefined): string {
	if (!usage) {
		return '';
	}
	const fmt = (n: number) => groupThousands(Math.round(safeCount(n)));
	return [
		`Input tokens: ${fmt(usage.inputTokens)}`,
		`Output tokens: ${fmt(usage.outputTokens)}`,
		`Cache read tokens: ${fmt(usage.cacheReadTokens)}`,
		`Cache write tokens: ${fmt(usage.cacheWriteTokens)}`,
	].join('\n');
}

/** 1234567 → "1,234,567" (toLocaleString would load locale data: slow on first use). */
export function groupThousands(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function safeCount(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** 3 → "3 s", 42.4 → "42 s", 125 → "2 min 5 s", 3725 → "1 h 2 min". */
export function formatDuration(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) {
		return '';
	}
	const total = Math.round(seconds);
	if (total < 60) {
		return `${total} s`;
	}
	if (total < 3600) {
		const m = Math.floor(total / 60);
		const s = total % 60;
		return s === 0 ? `${m} min` : `${m} min ${s} s`;
	}
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A task's live status: "running", "running · ready on :3000", "succeeded · exit 0 · 3 s", "cancelled · signal SIGTERM · 8 s". */
export function formatTaskStatus(task: TaskView): string {
	const parts: string[] = [task.status];
	if (typeof task.exitCode === 'number' && Number.isFinite(task.exitCode)) {
		parts.push(`exit ${task.exitCode}`);
	}
	if (typeof task.signal === 'string' && task.signal.length > 0) {
		parts.push(`signal ${task.signal}`);
	}
	if (typeof task.detail === 'string' && task.detail.trim().length > 0) {
		parts.push(task.detail.trim());
	}
	if (typeof task.durationSeconds === 'number') {
		const duration = formatDuration(task.durationSeconds);
		if (duration) {
			parts.push(duration);
		}
	}
	return parts.join(SEP);
}

/** A task notice line: "bg-3 `npm test` failed · exit 1 · 42 s". */
export function formatTaskLine(task: TaskView): string {
	const command = oneLine(task.command);
	return command ? `${task.id} \`${command}\` ${formatTaskStatus(task)}` : `${task.id} ${formatTaskStatus(task)}`;
}

/** Collapses whitespace so a command fits one line. */
export function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** A codicon (without the `codicon-` prefix), and whether it spins. */
interface StatusIcon {
	icon: string;
	spin: boolean;
}

const TASK_STATUS_ICONS: Record<TaskStatusWord, StatusIcon> = {
	queued: { icon: 'clock', spin: false },
	running: { icon: 'loading', spin: true },
	succeeded: { icon: 'pass', spin: false },
	failed: { icon: 'error', spin: false },
	cancelled: { icon: 'circle-slash', spin: false },
	'timed out': { icon: 'watch', spin: false },
};

/** The codicon for a task status. */
export function taskStatusIcon(status: TaskStatusWord | string): StatusIcon {
	return isOneOf(TASK_STATUSES, status) ? { ...TASK_STATUS_ICONS[status] } : { icon: 'info', spin: false };
}

/** The codicon for a tool: terminal for bash, file for read/write/edit, server-process for background_*. */
export function toolIcon(name: string): string {
	const n = name.toLowerCase();
	if (n.startsWith('background')) {
		return 'server-process';
	}
	if (n === 'bash' || n.includes('shell') || n.includes('terminal') || n === 'run' || n.startsWith('run_')) {
		return 'terminal';
	}
	if (/(^|_)(read|write|edit|create|file|str_replace)/.test(n) || n.includes('file')) {
		return 'file';
	}
	if (/(grep|glob|search|find)/.test(n)) {
		return 'search';
	}
	if (/(^|_)(list|ls|tree)($|_)/.test(n)) {
		return 'list-tree';
	}
	return 'tools';
}

/** A tool call state's codicon, and the word for screen readers and the tooltip. */
interface StateIndicator extends StatusIcon {
	label: string;
}

const TOOL_STATE_INDICATORS: Record<ToolCallState, StateIndicator> = {
	pending: { icon: 'loading', spin: true, label: 'Pending' },
	awaitingApproval: { icon: 'shield', spin: false, label: 'Awaiting approval' },
	running: { icon: 'loading', spin: true, label: 'Running' },
	done: { icon: 'check', spin: false, label: 'Done' },
	error: { icon: 'error', spin: false, label: 'Error' },
	denied: { icon: 'circle-slash', spin: false, label: 'Denied' },
};

/** How a tool call's state is shown: a codicon and a word for screen readers and the tooltip. */
export function toolStateIndicator(state: ToolCallState | string): StateIndicator {
	return isOneOf(TOOL_CALL_STATES, state) ? { ...TOOL_STATE_INDICATORS[state] } : { icon: 'circle-large-outline', spin: false, label: String(state) };
}

/** Changed-line counts as a file card shows them: "+12 −3" (a real minus sign); bad counts read 0. */
export function formatLineCounts(added: number, removed: number): string {
	return `+${lineCount(added)} \u2212${lineCount(removed)}`;
}

/** The same counts in words, for screen readers and tooltips: "12 lines added, 1 line removed". */
export function describeLineCounts(added: number, removed: number): string {
	const words = (n: number, what: string) => `${groupThousands(n)} ${n === 1 ? 'line' : 'lines'} ${what}`;
	return `${words(lineCount(added), 'added')}, ${words(lineCount(removed), 'removed')}`;
}

function lineCount(value: number): number {
	return Math.round(safeCount(value));
}

/** What "Always Allow" adds to the settings, as its tooltip says: `approval.allow += "npm test"`. */
export function formatAllowRule(rule: string): string {
	return `approval.allow += ${JSON.stringify(rule)}`;
}

/** A command cut to one line of at most `max` characters, for an announcement or a title. */
export function shortCommand(command: string, max = 120): string {
	const line = oneLine(command);
	return line.length > max ? `${line.slice(0, Math.max(0, max - 1))}…` : line;
}
