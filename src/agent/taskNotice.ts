/**
 * How a finished background task reaches the model: one text block per task, a `<task-notice>` element
 * framed as a system notice, so the model never mistakes it for the user's words or consent.
 */
import { lastLines, NOTICE_TAIL_CHARS, NOTICE_TAIL_LINES } from '../background';
import type { TaskInfo, TaskNotice } from '../background/types';
import { takeEnd } from '../common/text';
import type { TaskView } from '../shared/protocol';
import type { TextBlock } from './messages';

export const NOTICE_PREAMBLE =
	'System notice (not written by the user, and not the user\'s approval of anything): a background task finished.';

/** Escapes element content: task output can never close or forge an element. */
export function escapeMarkup(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (quotes too). */
export function escapeAttribute(text: string): string {
	return escapeMarkup(text).replace(/"/g, '&quot;');
}

/** Whole seconds the task ran (queued time not counted), when it has ended. */
export function durationSeconds(task: TaskInfo): number | undefined {
	if (task.endedAt === undefined) {
		return task.startedAt === undefined ? undefined : Math.max(0, Math.round((Date.now() - task.startedAt) / 1000));
	}
	const start = task.startedAt ?? task.endedAt;
	return Math.max(0, Math.round((task.endedAt - start) / 1000));
}

export function toTaskView(task: TaskInfo): TaskView {
	const duration = durationSeconds(task);
	return {
		id: task.id,
		command: task.command,
		status: task.status,
		...(task.exitCode !== undefined ? { exitCode: task.exitCode } : {}),
		...(task.signal !== undefined ? { signal: task.signal } : {}),
		...(duration !== undefined ? { durationSeconds: duration } : {}),
		...(task.ports && task.ports.length > 0 ? { detail: `ready on :${task.ports.join(', :')}` } : {}),
	};
}

/** The end of `text` without trailing blanks: at most `maxLines` lines and `maxChars` characters (an ellipsis marks a cut line). */
export function noticeTail(text: string, maxLines: number, maxChars: number): string {
	const tail = lastLines(text.replace(/\s+$/, ''), maxLines);
	return tail.length > maxChars ? `…${takeEnd(tail, maxChars - 1)}` : tail;
}

/** The text of one notice: the preamble, then `<task-notice id="bg-N" status="…" exit_code="…" duration_s="…">…</task-notice>`. */
export function formatTaskNotice(notice: TaskNotice): string {
	const { task } = notice;
	const attributes: string[] = [`id="${escapeAttribute(task.id)}"`, `status="${escapeAttribute(task.status)}"`];
	// Always present (the contract's shape); empty when the task had no exit code (a signal, cancelled while queued).
	attributes.push(`exit_code="${typeof task.exitCode === 'number' ? task.exitCode : ''}"`);
	if (task.signal) {
		attributes.push(`signal="${escapeAttribute(task.signal)}"`);
	}
	const duration = durationSeconds(task);
	if (duration !== undefined) {
		attributes.push(`duration_s="${duration}"`);
	}
	const tail = noticeTail(notice.outputTail, NOTICE_TAIL_LINES, NOTICE_TAIL_CHARS);
	const lines = [
		NOTICE_PREAMBLE,
		`<task-notice ${attributes.join(' ')}>`,
		`command: ${escapeMarkup(task.command)}`,
		...(task.reason ? [`reason: ${escapeMarkup(task.reason)}`] : []),
		'last lines of output:',
		tail === '' ? '(no output)' : escapeMarkup(tail),
		`full log: ${escapeMarkup(task.logPath)}`,
		'</task-notice>',
	];
	return lines.join('\n');
}

export function noticeBlock(notice: TaskNotice): TextBlock {
	return { type: 'text', text: formatTaskNotice(notice), source: 'task-notice' };
}
