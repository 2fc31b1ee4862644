import { errorMessage } from '../../common/errors';
import { compileLinePattern, PatternError, type LinePattern } from '../../common/linePattern';
/**
 * `approval.allow` / `approval.deny` rules. A rule is either
 * - a regular expression written `/source/flags` (starts with `/`, ends with `/` and optional flags),
 *   tested in linear time (RE2 syntax, see linePattern.ts) against a sub-command's text; or
 * - a prefix of words: `npm test` matches `npm test` and `npm test -- --watch`, not `npm tester`.
 * Texts and prefixes are compared with runs of whitespace reduced to one space.
 */

export interface RuleProblem {
	readonly rule: unknown;
	readonly problem: string;
}

type CompiledRule =
	| { readonly kind: 'prefix'; readonly prefix: string }
	/** `anchored` must match the whole text: it decides whether a rule allows any line. */
	| { readonly kind: 'regex'; readonly regex: LinePattern; readonly anchored: LinePattern }
	| { readonly kind: 'invalid'; readonly problem: string };

const regexSyntax = /^\/(.+)\/([a-z]*)$/s;
const validFlags = /^[dgimsuvy]*$/;
const cache = new Map<string, CompiledRule>();
const cacheLimit = 500;

/** Whitespace that normalizing changes: every kind but a single space between two other characters. */
const unnormalized = /^\s|\s$|\s\s|[^\S ]/;

export function normalizeWhitespace(text: string): string {
	// Most texts are normal already, and each is compared with every rule: spare them the copy.
	return unnormalized.test(text) ? text.trim().replace(/\s+/g, ' ') : text;
}

function compile(rule: string): CompiledRule {
	const trimmed = rule.trim();
	if (trimmed === '') {
		return { kind: 'invalid', problem: 'the rule is empty' };
	}
	const regex = regexSyntax.exec(trimmed);
	// `/usr/bin/make` is a prefix: what follows its last slash is no set of flags.
	if (!regex || !validFlags.test(regex[2])) {
		return { kind: 'prefix', prefix: normalizeWhitespace(trimmed) };
	}
	// Texts are single lines with whitespace normalized, so only `i` changes what matches; `g` and `y`
	// (state between calls in JavaScript) and the others mean nothing here.
	const options = { ignoreCase: regex[2].includes('i') };
	try {
		return { kind: 'regex', regex: compileLinePattern(regex[1], options), anchored: compileLinePattern(`^(?:${regex[1]})$`, options) };
	} catch (error) {
		return { kind: 'invalid', problem: error instanceof PatternError ? error.reason : errorMessage(error) };
	}
}

function compiled(rule: string): CompiledRule {
	let result = cache.get(rule);
	if (!result) {
		if (cache.size >= cacheLimit) {
			cache.clear();
		}
		result = compile(rule);
		cache.set(rule, result);
	}
	return result;
}

/** Whether `rule` matches `text`; an invalid rule matches nothing (see {@link validateRules}). */
export function matchesRule(text: string, rule: string): boolean {
	const compiledRule = compiled(rule);
	const normalized = normalizeWhitespace(text);
	switch (compiledRule.kind) {
		case 'prefix':
			return normalized === compiledRule.prefix || normalized.startsWith(`${compiledRule.prefix} `);
		case 'regex':
			return compiledRule.regex.test(normalized);
		case 'invalid':
			return false;
	}
}

/**
 * Whether `rule` could match some value of `pattern`, a sub-command's text in which {@link unknownPart}
 * stands for text known only when the line runs (any text, spaces included). Exact for a prefix rule; a
 * regular expression is tried with the unknown parts as nothing and as one space.
 */
export function couldMatchRule(pattern: string, rule: string, unknownPart: string): boolean {
	const compiledRule = compiled(rule);
	switch (compiledRule.kind) {
		case 'prefix':
			// A word that is all unknown may be empty, and then bash drops it with its blank: `$x rm` can run `rm`.
			return globCouldStartWith(normalizeWhitespace(pattern).split(`${unknownPart} `).join(unknownPart), compiledRule.prefix, unknownPart);
		case 'regex':
			return ['', ' '].some((stand) => compiledRule.regex.test(normalizeWhitespace(pattern.split(unknownPart).join(stand))));
		case 'invalid':
			return false;
	}
}

/** Whether some value of `pattern` is `prefix` or starts with `prefix` and a space. */
function globCouldStartWith(pattern: string, prefix: string, unknownPart: string): boolean {
	// reach[i][j]: the pattern from i can produce the prefix from j onwards (and then end or go on with a space).
	const columns = prefix.length + 1;
	const reach = new Uint8Array((pattern.length + 1) * columns);
	for (let i = pattern.length; i >= 0; i--) {
		for (let j = prefix.length; j >= 0; j--) {
			let value: boolean;
			if (j === prefix.length) {
				value = i === pattern.length || pattern[i] === ' ' || pattern[i] === unknownPart;
			} else if (i === pattern.length) {
				value = false;
			} else if (pattern[i] === unknownPart) {
				value = reach[(i + 1) * columns + j] === 1 || reach[i * columns + j + 1] === 1;
			} else {
				value = pattern[i] === prefix[j] && reach[(i + 1) * columns + j + 1] === 1;
			}
			reach[i * columns + j] = value ? 1 : 0;
		}
	}
	return reach[0] === 1;
}

/**
 * Whether `rule` matches any reading of a line that could not be parsed: a prefix rule, the words from
 * any word of the line on (quotes removed, operators taken as separators); a regular expression, each
 * part of the line between operators.
 */
export function couldMatchUnreadLine(line: string, rule: string): boolean {
	const compiledRule = compiled(rule);
	const plain = line.replace(/['"\\]/g, '');
	switch (compiledRule.kind) {
		case 'prefix': {
			const words = plain.split(/[\s;&|(){}<>`$]+/).filter((word) => word.length > 0);
			const wanted = compiledRule.prefix.split(' ');
			return words.some((_word, start) => wanted.every((word, index) => words[start + index] === word));
		}
		case 'regex':
			return [line, ...plain.split(/[;&|(){}`\n]|\$\(/)].some((part) => compiledRule.regex.test(normalizeWhitespace(part)));
		case 'invalid':
			return false;
	}
}

/**
 * Whether `rule` is a regular expression that allows any line, such as `/.*\/`: it must match all of
 * `line` and, so that a rule written for certain lines (`/^npm .*\/`) does not count, also a lone U+0001.
 */
export function allowsAnyLine(line: string, rule: string): boolean {
	const compiledRule = compiled(rule);
	return compiledRule.kind === 'regex' && compiledRule.anchored.test(normalizeWhitespace(line)) && compiledRule.anchored.test('\u0001');
}

/** The rules that are not usable (not strings, empty, or invalid regular expressions), with why. */
export function validateRules(rules: readonly unknown[]): RuleProblem[] {
	const problems: RuleProblem[] = [];
	for (const rule of rules) {
		if (typeof rule !== 'string') {
			problems.push({ rule, problem: 'a rule must be a string' });
			continue;
		}
		const compiledRule = compiled(rule);
		if (compiledRule.kind === 'invalid') {
			problems.push({ rule, problem: compiledRule.problem });
		}
	}
	return problems;
}
