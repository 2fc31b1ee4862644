/**
 * The words of a simple command as bash reads them: pieces of tree-sitter-bash's tree joined where no
 * blank separates them, each with its text as written and its value once quotes are removed (see
 * {@link staticValue}), and the context a word is read in.
 */
import type { SyntaxNode } from './commandParser';
import { isPattern, namedChildren, staticValue } from './syntax';

export interface WordContext {
	/** Inside double quotes or an expanded here-document, where `'` quotes nothing and `<(` is text. */
	readonly quoted: boolean;
	/** A word bash splits at blanks and operators (a command's word, a redirection's target, …). */
	readonly shellWord: boolean;
}

export const unquotedWord: WordContext = { quoted: false, shellWord: true };
export const operand: WordContext = { quoted: false, shellWord: false };
/** The inside of double quotes or of an expanded here-document. */
export const quotedText: WordContext = { quoted: true, shellWord: false };

/** The context of a part of a word (an expansion's operand, a subscript): quoted as the word, no shell word of its own. */
export function partOf(context: WordContext): WordContext {
	return context.quoted ? quotedText : operand;
}

/**
 * A piece of a word: a node of the tree, or a `-` tree-sitter-bash dropped from the tree (see
 * `droppedDashOwner` in analyze.ts).
 */
export interface WordPiece {
	readonly start: number;
	readonly end: number;
	readonly text: string;
	readonly value: string | undefined;
	readonly node?: SyntaxNode;
}

/**
 * A word of a simple command: its text as written and its value once quotes are removed. Usually one
 * piece; several when tree-sitter-bash splits what bash reads as one word (`a>(cmd)`).
 */
export interface Word {
	readonly pieces: readonly WordPiece[];
	readonly text: string;
	readonly value: string | undefined;
}

export function pieceOf(node: SyntaxNode, value: string | undefined = staticValue(node)): WordPiece {
	return { start: node.startIndex, end: node.endIndex, text: node.text, value, node };
}

export function wordOf(node: SyntaxNode, value: string | undefined = staticValue(node)): Word {
	return { pieces: [pieceOf(node, value)], text: node.text, value };
}

/** The words of pieces in order, pieces with no blank between them joined into one word, as bash reads them. */
export function joinAdjacent(pieces: readonly WordPiece[]): Word[] {
	const words: Word[] = [];
	const sorted = [...pieces].sort((left, right) => left.start - right.start);
	for (let index = 0; index < sorted.length; ) {
		const group = [sorted[index]];
		index++;
		while (index < sorted.length && sorted[index].start === group[group.length - 1].end) {
			group.push(sorted[index]);
			index++;
		}
		const values = group.map((piece) => piece.value);
		const value = values.every((part): part is string => part !== undefined) ? values.join('') : undefined;
		words.push({ pieces: group, text: group.map((piece) => piece.text).join(''), value });
	}
	return words;
}

/** Stands in a sub-command's pattern for a part of a word known only when the line runs: whatever text, spaces included. */
export const unknownPart = '\u0000';

/** The word's value when it is a fixed string: no expansion, and no pattern bash would match against files. */
export function fixedValue(word: Word): string | undefined {
	return word.value !== undefined && word.pieces.every(({ node }) => node === undefined || !isPattern(node)) ? word.value : undefined;
}

/** The word with each part known only when the line runs (an expansion, a pattern) as {@link unknownPart}. */
export function patternOf(word: Word): string {
	return word.pieces.map(({ node, value }) => (node === undefined ? (value ?? unknownPart) : nodePattern(node))).join('');
}

function nodePattern(node: SyntaxNode): string {
	switch (node.type) {
		case 'concatenation':
			return namedChildren(node).map(nodePattern).join('');
		case 'string':
			return namedChildren(node).length === 0 ? (staticValue(node) ?? unknownPart) : namedChildren(node).map((child) => (child.type === 'string_content' ? child.text : nodePattern(child))).join('');
		default:
			return isPattern(node) ? unknownPart : (staticValue(node) ?? unknownPart);
	}
}

/** The word's value (quotes removed) when static, else its text. */
export function wordValue(word: Word): string {
	return word.value ?? word.text;
}

/** The value of `NAME=value` when static (quotes removed), else undefined. */
export function assignmentValue(node: SyntaxNode): string | undefined {
	const value = node.childForFieldName('value');
	const name = node.childForFieldName('name');
	if (!name) {
		return undefined;
	}
	const prefix = node.text.slice(0, (value?.startIndex ?? node.endIndex) - node.startIndex);
	if (!value) {
		return prefix;
	}
	const valueText = staticValue(value);
	return valueText === undefined ? undefined : `${prefix}${valueText}`;
}
