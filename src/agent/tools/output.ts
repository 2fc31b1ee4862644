import { takeEnd, takeStart } from '../../common/text';

/** Keeps tool output within what is worth sending the model: the head and the tail, the middle elided. */

export const MAX_TOOL_OUTPUT_CHARS = 30_000;

export interface CapOptions {
	readonly maxChars?: number;
	/** Where the whole output can be read, named in the elision note. */
	readonly logPath?: string;
}

/**
 * Returns `text` whole if it fits, else its first part and its last part (more of the tail: errors and
 * summaries come last) joined by a note that says how much was left out and where to find it.
 */
export function capOutput(text: string, options: CapOptions = {}): string {
	const maxChars = options.maxChars ?? MAX_TOOL_OUTPUT_CHARS;
	if (text.length <= maxChars) {
		return text;
	}
	const budget = Math.max(0, maxChars - 200);
	const headChars = Math.floor(budget / 3);
	const tailChars = budget - headChars;
	const head = takeStart(text, headChars);
	const tail = takeEnd(text, tailChars);
	const elided = text.slice(head.length, text.length - tail.length);
	const elidedLines = elided.split('\n').length - 1;
	const where = options.logPath ? ` The full output is in ${options.logPath}.` : '';
	return `${head}\n\n[… ${elided.length} characters (${elidedLines} lines) elided from the middle.${where} …]\n\n${tail}`;
}
