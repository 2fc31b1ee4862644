/**
 * Reading words off tree-sitter-bash's tree: their values once quotes are removed, whether they expand
 * to other words, and the text tree-sitter-bash left as plain text where bash would expand it.
 *
 * tree-sitter-bash is a grammar for editors: where it does not know a construct it sometimes reads it as
 * plain text instead of failing (`<(…)` inside `${x:-…}`, `\`` nested in backquotes, `'…'` inside a
 * double-quoted `${…}`). The checks here find such text, so that it is read again or asks, never passes
 * as a harmless literal.
 */
import type { SyntaxNode } from './commandParser';

/** A construct the analysis does not handle, or text tree-sitter-bash may have misread: the line asks. */
export class UnsupportedSyntaxError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnsupportedSyntaxError';
	}
}

export function shorten(text: string): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length > 80 ? `${oneLine.slice(0, 77)}…` : oneLine;
}

/** The named children, comments left out. */
export function namedChildren(node: SyntaxNode): SyntaxNode[] {
	return node.namedChildren.filter((child) => child.type !== 'comment');
}

/** The descendants of `node` (itself included) that `test` accepts. */
export function descendants(node: SyntaxNode, test: (node: SyntaxNode) => boolean): SyntaxNode[] {
	const found: SyntaxNode[] = [];
	const pending = [node];
	while (pending.length > 0) {
		const current = pending.pop() as SyntaxNode;
		if (test(current)) {
			found.push(current);
		}
		pending.push(...current.namedChildren);
	}
	return found;
}

/**
 * Reserved words: bash never runs them as a program, so tree-sitter-bash giving one as a command's name
 * means it read the line otherwise than bash (`time` is handled where it is a keyword).
 */
export const reservedWords: ReadonlySet<string> = new Set(['!', '{', '}', '[[', ']]', 'if', 'then', 'elif', 'else', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'coproc']);

/** Node types of test and arithmetic expressions, whose operands are words. */
export const expressionTypes = new Set(['binary_expression', 'unary_expression', 'parenthesized_expression', 'ternary_expression', 'postfix_expression']);

/** Every child (tokens too) with the field it fills, if any. */
export function fieldChildren(node: SyntaxNode): { readonly node: SyntaxNode; readonly field: string | null }[] {
	const children: { node: SyntaxNode; field: string | null }[] = [];
	for (let index = 0; index < node.childCount; index++) {
		const child = node.child(index);
		if (child) {
			children.push({ node: child, field: node.fieldNameForChild(index) });
		}
	}
	return children;
}

/**
 * Whether `text`, read as the inside of a tree-sitter leaf, holds what bash would expand or unquote:
 * `$` before a name, a brace, bracket or parenthesis; a backquote; unquoted, also `$'`, `$"`, `<(`,
 * `>(` and quotes. Escaped characters are skipped. Leans towards yes: a yes only makes the text be read
 * again (or the line ask).
 */
export function hasHiddenExpansion(text: string, quoted: boolean): boolean {
	for (let index = 0; index < text.length; index++) {
		const character = text[index];
		const next = text.charAt(index + 1);
		if (character === '\\') {
			index++;
		} else if (character === '`') {
			return true;
		} else if (character === '$' && (/[({[A-Za-z0-9_@*#?$!-]/.test(next) || (!quoted && (next === "'" || next === '"')))) {
			return true;
		} else if (!quoted && (((character === '<' || character === '>') && next === '(') || character === "'" || character === '"')) {
			return true;
		}
	}
	return false;
}

/** Without its escaped characters (each becomes NUL), so that what remains is what bash sees unescaped. */
export function withoutEscapes(text: string): string {
	// Most words hold no backslash: they are returned as they are (these run for every word of a line).
	return text.includes('\\') ? text.replace(/\\[\s\S]/g, '\0') : text;
}

/** An unquoted word's value: each backslash escapes the next character; an escaped newline disappears. */
function unescapeUnquoted(text: string): string {
	return text.includes('\\') ? text.replace(/\\([\s\S])/g, (_match, character: string) => (character === '\n' ? '' : character)) : text;
}

/** The value of the inside of double quotes, where a backslash escapes only `$`, `` ` ``, `"`, `\` and newline. */
function unescapeDoubleQuoted(text: string): string {
	return text.includes('\\') ? text.replace(/\\([$`"\\\n])/g, (_match, character: string) => (character === '\n' ? '' : character)) : text;
}

const ansiCEscapes: Readonly<Record<string, string>> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/**
 * The value of the inside of `$'…'` as bash decodes it; undefined for an escape whose value is not worked
 * out here (`\c`, a code point past U+10FFFF, a NUL, which ends the string in bash).
 */
function ansiCValue(inside: string): string | undefined {
	let value = '';
	for (let index = 0; index < inside.length; index++) {
		const character = inside[index];
		if (character !== '\\') {
			value += character;
			continue;
		}
		const next = inside.charAt(index + 1);
		const rest = inside.slice(index + 1);
		const numeric = /^([0-7]{1,3})/.exec(rest) ?? /^x([0-9a-fA-F]{1,2})/.exec(rest) ?? /^u([0-9a-fA-F]{1,4})/.exec(rest) ?? /^U([0-9a-fA-F]{1,8})/.exec(rest);
		if (numeric) {
			const code = parseInt(numeric[1], /^[0-7]/.test(next) ? 8 : 16);
			if (code === 0 || code > 0x10ffff) {
				return undefined;
			}
			// `\xHH` and octal escapes give a byte; a byte past ASCII is no character of its own: not worked out.
			if (code > 0x7f && (next === 'x' || /^[0-7]/.test(next))) {
				return undefined;
			}
			value += String.fromCodePoint(code);
			index += numeric[0].length;
		} else if (next in ansiCEscapes) {
			value += ansiCEscapes[next];
			index++;
		} else if (next === 'c' || next === '') {
			return undefined;
		} else {
			// An unknown escape is kept as written.
			value += `\\${next}`;
			index++;
		}
	}
	return value;
}

/** Tokens tree-sitter-bash gives as words of commands that are their own text (`$`, `==`, `=~`). */
function isToken(node: SyntaxNode): boolean {
	return !node.isNamed;
}

/** The node's value (quotes and escapes removed) when it holds no expansion, else undefined. */
export function staticValue(node: SyntaxNode): string | undefined {
	if (isToken(node)) {
		return node.text;
	}
	switch (node.type) {
		case 'word':
		case 'regex':
		case 'extglob_pattern':
			return hasHiddenExpansion(node.text, false) ? undefined : unescapeUnquoted(node.text);
		case 'number':
			return node.namedChildCount === 0 ? node.text : undefined;
		case 'brace_expression':
		case 'variable_name':
			return node.text;
		case 'raw_string':
			return node.text.slice(1, -1);
		case 'ansi_c_string':
			// `$'-\x65xec'` is `-exec`: its value decides as much as a plain word's.
			return ansiCValue(node.text.slice(2, -1));
		case 'string': {
			const inside = node.text.slice(1, -1);
			if (namedChildren(node).some((child) => child.type !== 'string_content') || hasHiddenExpansion(inside, true)) {
				return undefined;
			}
			return unescapeDoubleQuoted(inside);
		}
		case 'translated_string': {
			const [string] = namedChildren(node);
			return string ? staticValue(string) : undefined;
		}
		case 'concatenation': {
			let value = '';
			for (const child of namedChildren(node)) {
				const part = staticValue(child);
				if (part === undefined) {
					return undefined;
				}
				value += part;
			}
			return value;
		}
		default:
			return undefined;
	}
}

/**
 * Whether unquoted text of the word could expand to other words: a glob (`*`, `?`, `[…]`) or a brace
 * expansion (`{a,b}`, `{1..3}`). A lone `[` (the test command) is none.
 */
export function isPattern(node: SyntaxNode): boolean {
	let text = '';
	let pattern = false;
	const visit = (part: SyntaxNode): void => {
		switch (part.type) {
			case 'word':
				text += withoutEscapes(part.text);
				break;
			case 'number':
				text += part.text;
				break;
			case 'brace_expression':
			case 'extglob_pattern':
				pattern = true;
				break;
			case 'concatenation':
				namedChildren(part).forEach(visit);
				break;
			default:
				// Quoted text and expansions: nothing in them is a pattern, and they end a run of text.
				text += '\0';
		}
	};
	visit(node);
	return pattern || text.split('\0').some((run) => /[*?]/.test(run) || /\[.*\]/.test(run) || /\{.*(,|\.\.).*\}/.test(run));
}

/** Nodes whose inside counts as read although tree-sitter-bash gives no node to parts of it (their text). */
const textNodes = new Set(['string', 'translated_string', 'heredoc_body']);

/** Blanks between tokens: bash separates words at space, tab and newline only (a `\r` is part of a word). */
const blank = /^[ \t\n]$/;
/** Characters that end a word by themselves. */
const wordEnd = /^[ \t\n;&|()<>]?$/;

/**
 * The runs of characters of `source` that no token of the tree covers, other than blanks and line
 * continuations. tree-sitter-bash can skip text without any `ERROR` node (`python3 - <<'PY'` loses its
 * `-`): such a tree is not what bash runs. A line continuation between two characters of words counts
 * as skipped: bash joins `r\<newline>m` into `rm`, where tree-sitter-bash reads two words.
 */
export function skippedText(root: SyntaxNode, source: string): { readonly start: number; readonly end: number }[] {
	const covered = new Uint8Array(source.length);
	// A cursor visits every node without making an object of each (a long line has a hundred thousand).
	const cursor = root.walk();
	try {
		let walking = true;
		while (walking) {
			if (textNodes.has(cursor.nodeType) || !cursor.gotoFirstChild()) {
				covered.fill(1, cursor.startIndex, cursor.endIndex);
				while (walking && !cursor.gotoNextSibling()) {
					walking = cursor.gotoParent();
				}
			}
		}
	} finally {
		cursor.delete();
	}
	const runs: { start: number; end: number }[] = [];
	for (let index = 0; index < source.length; index++) {
		if (covered[index] === 1 || blank.test(source[index])) {
			continue;
		}
		const continuation = source[index] === '\\' && source[index + 1] === '\n';
		if (continuation && (wordEnd.test(source.charAt(index - 1)) || wordEnd.test(source.charAt(index + 2)))) {
			index++;
			continue;
		}
		const end = continuation ? index + 2 : index + 1;
		const last = runs[runs.length - 1];
		if (last !== undefined && last.end === index) {
			last.end = end;
		} else {
			runs.push({ start: index, end });
		}
		index = end - 1;
	}
	return runs;
}

/**
 * For each index into `text` (UTF-16 units, as JavaScript and web-tree-sitter count) and its end, the
 * offset in UTF-8 bytes, as mvdan/sh counts; built in one pass.
 */
export function byteTable(text: string): Uint32Array {
	const table = new Uint32Array(text.length + 1);
	let bytes = 0;
	for (let unit = 0; unit < text.length; unit++) {
		table[unit] = bytes;
		const code = text.charCodeAt(unit);
		if (code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length) {
			// A surrogate pair is one four-byte character: its second unit adds nothing.
			table[unit + 1] = bytes;
			bytes += 4;
			unit++;
			continue;
		}
		bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
	}
	table[text.length] = bytes;
	return table;
}
