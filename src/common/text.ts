/**
 * Cutting text for the model and the chat. JavaScript strings are UTF-16: a character outside the Basic
 * Multilingual Plane (an emoji, many CJK ideographs) is a surrogate pair of two code units, and a cut
 * between them leaves a lone surrogate, which is not valid Unicode: JSON.stringify writes it as `\udXXX`
 * and the Messages API refuses the whole request ("no low surrogate in string"). Every cut goes through
 * here, and what leaves for the API goes through {@link toWellFormed} once more. Pure: no Node, no DOM.
 */

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

/** The first `maxUnits` UTF-16 units of `text` at most, never ending inside a surrogate pair. */
export function takeStart(text: string, maxUnits: number): string {
	const count = Math.max(0, Math.floor(maxUnits));
	if (text.length <= count) {
		return text;
	}
	const end = count > 0 && isHighSurrogate(text.charCodeAt(count - 1)) && isLowSurrogate(text.charCodeAt(count)) ? count - 1 : count;
	return text.slice(0, end);
}

/** The last `maxUnits` UTF-16 units of `text` at most, never starting inside a surrogate pair. */
export function takeEnd(text: string, maxUnits: number): string {
	const count = Math.max(0, Math.floor(maxUnits));
	if (text.length <= count) {
		return text;
	}
	let start = text.length - count;
	if (start < text.length && isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1))) {
		start++;
	}
	return text.slice(start);
}

/** `text.slice(start, end)` with both ends moved off the middle of a surrogate pair (start forward, end back). */
export function sliceCodePoints(text: string, start: number, end = text.length): string {
	let from = Math.max(0, Math.min(text.length, Math.floor(start)));
	let to = Math.max(from, Math.min(text.length, Math.floor(end)));
	if (from > 0 && from < text.length && isLowSurrogate(text.charCodeAt(from)) && isHighSurrogate(text.charCodeAt(from - 1))) {
		from++;
	}
	if (to > from && to < text.length && isLowSurrogate(text.charCodeAt(to)) && isHighSurrogate(text.charCodeAt(to - 1))) {
		to--;
	}
	return text.slice(from, Math.max(from, to));
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether `text` holds no lone surrogate (it is valid Unicode and encodes to valid UTF-8 and JSON). */
export function isWellFormed(text: string): boolean {
	loneSurrogate.lastIndex = 0;
	return !loneSurrogate.test(text);
}

/** `text` with every lone surrogate replaced by U+FFFD (as `String.prototype.toWellFormed`, ES2024). */
export function toWellFormed(text: string): string {
	return isWellFormed(text) ? text : text.replace(loneSurrogate, '\ufffd');
}

/** `text` if it has at most `max` UTF-16 units, else its start cut whole-character and ended with `…`, `max` units in all. */
export function ellipsize(text: string, max: number): string {
	return text.length > max ? `${takeStart(text, max - 1)}…` : text;
}
