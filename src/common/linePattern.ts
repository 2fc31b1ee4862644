/**
 * Regular expressions written by the model or typed by the user (a ready pattern, a wait's pattern,
 * `background_output`'s grep, approval rules) run in linear time, whatever they are: JavaScript's
 * engine backtracks, and `^(\w+\s?)+:\s*ready` against a forty-character line blocks the extension
 * host (every extension of the window) for minutes. RE2 (re2js, a pure JavaScript port) has no
 * backtracking; in exchange it lacks lookaround and backreferences, which get a clear error instead.
 *
 * Patterns are written in JavaScript syntax; the few spellings RE2 reads otherwise are translated
 * (`\uXXXX`, `\u{…}`, `[^]`). Matching is per line.
 */
import type { RE2JS } from 're2js';

let loadedRe2js: typeof import('re2js') | undefined;

/** Loaded with the first pattern, from a bundle of its own (scripts/extensionBundle.js): most windows never compile one. */
function re2js(): typeof RE2JS {
	loadedRe2js ??= require('re2js') as typeof import('re2js');
	return loadedRe2js.RE2JS;
}

/** Why a pattern cannot be used, in words for whoever wrote it (the model reads it as a tool error). */
export class PatternError extends Error {
	/** The reason alone, without the pattern: for a message that names the pattern by its field. */
	readonly reason: string;

	constructor(message: string, reason = message) {
		super(message);
		this.reason = reason;
	}
}

export interface LinePatternOptions {
	readonly ignoreCase?: boolean;
}

/** A compiled pattern. */
export interface LinePattern {
	readonly source: string;
	/** Whether the pattern matches somewhere in the line. */
	test(line: string): boolean;
	/**
	 * The first line of `text` (lines end at `\n`; a last line without one counts) that matches, or
	 * undefined. One linear pass over the whole text finds whether any line can match; only then are
	 * its lines tried one by one, so text without a match costs one scan, not one call per line.
	 */
	firstMatchingLine(text: string): string | undefined;
	/** Every line of `text` that matches, in order. */
	matchingLines(text: string): string[];
}

/** What JavaScript has and RE2 does not, with the words to say so. */
const unsupported: readonly { readonly pattern: RegExp; readonly what: string }[] = [
	{ pattern: /\(\?<?[=!]/, what: 'lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…))' },
	{ pattern: /\\[1-9]|\\k</, what: 'backreferences (\\1, \\k<name>)' },
	{ pattern: /[*+?}]\+/, what: 'possessive quantifiers (a++, a*+)' },
];

/** The few JavaScript spellings RE2 reads otherwise, rewritten outside of nothing else. */
function toRe2Syntax(source: string): string {
	let result = '';
	for (let index = 0; index < source.length; index++) {
		const char = source[index];
		if (char === '\\' && index + 1 < source.length) {
			const next = source[index + 1];
			const braced = /^u\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(index + 1));
			const plain = /^u([0-9a-fA-F]{4})/.exec(source.slice(index + 1));
			if (braced) {
				result += `\\x{${braced[1]}}`;
				index += braced[0].length;
			} else if (plain) {
				result += `\\x{${plain[1]}}`;
				index += plain[0].length;
			} else {
				result += char + next;
				index++;
			}
			continue;
		}
		if (source.startsWith('[^]', index)) {
			result += '[\\s\\S]';
			index += 2;
			continue;
		}
		result += char;
	}
	return result;
}

function describeProblem(source: string, error: unknown): string {
	for (const { pattern, what } of unsupported) {
		if (pattern.test(source)) {
			return `it uses ${what}, which Meanwhile does not support: patterns run in linear time (RE2 syntax), so that no pattern can freeze the editor. Rewrite it without them`;
		}
	}
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/^error parsing regexp: /, '');
}

/** Compiles a pattern; throws {@link PatternError} naming what is wrong or unsupported. */
export function compileLinePattern(source: string, options: LinePatternOptions = {}): LinePattern {
	if (source === '') {
		throw new PatternError('the pattern is empty');
	}
	let whole: RE2JS;
	let single: RE2JS;
	try {
		const RE2 = re2js();
		const flags = options.ignoreCase ? RE2.CASE_INSENSITIVE : 0;
		const translated = toRe2Syntax(source);
		single = RE2.compile(translated, flags);
		whole = RE2.compile(translated, flags | RE2.MULTILINE);
	} catch (error) {
		const reason = describeProblem(source, error);
		throw new PatternError(`${JSON.stringify(source)} is not a pattern Meanwhile can use: ${reason}.`, reason);
	}
	const lines = function* (text: string): Generator<string> {
		let start = 0;
		while (start < text.length) {
			const end = text.indexOf('\n', start);
			yield text.slice(start, end === -1 ? text.length : end);
			if (end === -1) {
				return;
			}
			start = end + 1;
		}
	};
	return {
		source,
		test: (line) => single.test(line),
		firstMatchingLine(text) {
			// With ^ and $ at line boundaries, a line that matches alone also matches inside the text: the scan can only over-report.
			if (!whole.test(text)) {
				return undefined;
			}
			for (const line of lines(text)) {
				if (single.test(line)) {
					return line;
				}
			}
			return undefined;
		},
		matchingLines(text) {
			if (!whole.test(text)) {
				return [];
			}
			const found: string[] = [];
			for (const line of lines(text)) {
				if (single.test(line)) {
					found.push(line);
				}
			}
			return found;
		},
	};
}
