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

export function normalizeWhitespace(text: string): string {
	return text.trim().replace(/\s+/g, ' ');
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
