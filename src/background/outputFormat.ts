import { takeEnd } from '../common/text';
import { plainText } from './ansi';
import { readLogTail } from './logFile';
import type { TaskOutput } from './taskOutput';
import type { ReadOutputOptions } from './types';

/** Lines and characters of output a notice carries to the conversation. */
export const NOTICE_TAIL_LINES = 40;
export const NOTICE_TAIL_CHARS = 4000;

/** The last `count` lines of `text` (a final newline does not start a line of its own). */
export function lastLines(text: string, count: number): string {
	if (count <= 0) {
		return '';
	}
	let position = text.endsWith('\n') ? text.length - 1 : text.length;
	for (let seen = 0; seen < count; seen++) {
		const newline = text.lastIndexOf('\n', position - 1);
		if (newline === -1) {
			return text;
		}
		position = newline;
	}
	return text.slice(position + 1);
}

/** Output as asked for: without ANSI codes unless kept, then cut to the newest lines and characters. */
export function formatOutput(raw: string, options: ReadOutputOptions = {}): string {
	let text = options.keepAnsi ? raw : plainText(raw);
	if (options.maxLines !== undefined) {
		text = lastLines(text, options.maxLines);
	}
	if (options.maxChars !== undefined && text.length > options.maxChars) {
		text = takeEnd(text, options.maxChars);
	}
	return text;
}

/**
 * The output a finished task's notice carries: its last lines, from memory or else from its log, and
 * the last lines of stderr when those are not among them.
 */
export function noticeTail(output: TaskOutput | undefined, logPath: string): string {
	// Escape codes take room too: read more than the notice keeps, then cut what is left after stripping.
	const raw = output ? output.tail(NOTICE_TAIL_CHARS * 4) : readLogTail(logPath, NOTICE_TAIL_CHARS * 4);
	const tail = formatOutput(raw, { maxLines: NOTICE_TAIL_LINES, maxChars: NOTICE_TAIL_CHARS });
	// stdout and stderr are two pipes: stdout printed before an error can be read after it and push the
	// error out of the tail. The last lines of stderr then follow, so the error always reaches the model.
	const stderr = output ? formatOutput(output.stderrTail(), { maxLines: 10, maxChars: 1500 }).trim() : '';
	const lastError = stderr.split('\n').at(-1) ?? '';
	if (lastError === '' || tail.includes(lastError)) {
		return tail;
	}
	return `${tail}\n--- the last lines written to stderr ---\n${stderr}`;
}
