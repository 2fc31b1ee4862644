/**
 * What `background_run` (with `ready`) and `background_wait` share: how long a wait may block, the wait
 * through the engine, the condition from the model's pattern and port, and the report after the wait
 * (the task's header, the last lines of output, the log).
 */
import type { TaskInfo, WaitCondition, WaitResult } from '../../background/types';
import { isFinalStatus } from '../../background/types';
import { errorMessage } from '../../common/errors';
import { compilePattern, taskHeader, taskOutput } from './taskFormat';
import type { ToolContext, ToolResult } from './types';

/** The longest a single wait blocks the conversation. */
export const MAX_WAIT_SECONDS = 600;
/** A matched line is quoted up to this length. */
export const MATCHED_LINE_QUOTE_CHARS = 1_000;
/** The last lines after `background_run` waited for readiness. */
export const READY_TAIL_LINES = 20;
/** The last lines after `background_wait`. */
export const WAIT_TAIL_LINES = 30;
/** A tail of a few lines can still be huge (a minified bundle on one line). */
const TAIL_CHARS = 8_000;

/** The seconds to wait: the default when absent, at most the maximum (with a note saying it was capped). */
export function clampWaitSeconds(requested: number | undefined, fallback: number, field = 'timeout_seconds'): { seconds: number; note?: string } {
	const seconds = requested ?? fallback;
	if (seconds > MAX_WAIT_SECONDS) {
		return { seconds: MAX_WAIT_SECONDS, note: `${field} ${seconds} is above the maximum of ${MAX_WAIT_SECONDS}; waited at most ${MAX_WAIT_SECONDS} s.` };
	}
	return { seconds };
}

/** The error result for a pattern that is not a regular expression; undefined when it is one. */
export function invalidPattern(pattern: string | undefined, field: string): ToolResult | undefined {
	if (pattern === undefined) {
		return undefined;
	}
	const compiled = compilePattern(pattern, field);
	return typeof compiled === 'string' ? { content: compiled, isError: true, summary: 'invalid pattern' } : undefined;
}

/** The engine's condition for the pattern and port the model gave (either may be absent). */
export function patternOrPort(given: { readonly pattern?: string; readonly port?: number }): WaitCondition {
	return {
		...(given.pattern !== undefined ? { pattern: given.pattern } : {}),
		...(given.port !== undefined ? { port: given.port } : {}),
	};
}

/** Waits through the engine with the turn's stop signal; never rejects. */
export async function waitForTask(context: ToolContext, id: string, condition: WaitCondition, seconds: number, includeExistingOutput: boolean): Promise<WaitResult> {
	try {
		return await context.tasks.waitFor(id, condition, { timeoutMs: Math.round(seconds * 1000), signal: context.signal, includeExistingOutput });
	} catch (error) {
		// The engine lost the task (removed meanwhile): report what it last knew as a timeout.
		context.logger.warn(`Waiting for ${id} failed: ${errorMessage(error)}`);
		const task = context.tasks.get(id);
		if (!task) {
			throw error;
		}
		return { outcome: context.signal.aborted ? 'aborted' : 'timeout', task };
	}
}

/** The task as it is after a wait: the engine's current view, else what the wait last saw. */
export function taskAfterWait(context: ToolContext, id: string, result: WaitResult): TaskInfo {
	const task = context.tasks.get(id) ?? result.task;
	if (isFinalStatus(task.status)) {
		// Its end is in this result: no notice about it later.
		context.markDelivered(task.id);
	}
	return task;
}

export interface WaitReport {
	/** What happened, before the header (`background_wait`) or after it (`background_run`). */
	readonly outcome: string;
	readonly summary: string;
	readonly isError?: boolean;
	/** Said when the timeout asked for was capped. */
	readonly note?: string;
}

/**
 * The result after a wait: the outcome and the task's header in the order given, the note, the last
 * `tailLines` lines of output and the log's path.
 */
export function waitReport(context: ToolContext, task: TaskInfo, report: WaitReport, order: 'outcomeFirst' | 'headerFirst', tailLines: number): ToolResult {
	const note = report.note ? [report.note] : [];
	const head = order === 'outcomeFirst' ? [report.outcome, ...note, taskHeader(task)] : [taskHeader(task), report.outcome, ...note];
	const parts = [...head, 'last lines of output:', taskOutput(context.tasks, task, { maxLines: tailLines, maxChars: TAIL_CHARS }), `full log: ${task.logPath}`];
	return { content: parts.join('\n'), summary: report.summary, ...(report.isError ? { isError: true } : {}) };
}
