/**
 * Arithmetic: `(( … ))`, `for (( … ))`, `$(( … ))` and array subscripts. bash evaluates a variable's value
 * in arithmetic as an expression, and `a[$(…)]` in it runs code: arithmetic on anything but numbers asks;
 * the substitutions and expansions in it are walked as words.
 */
import type { SyntaxNode } from './commandParser';
import type { Findings } from './findings';
import { namedChildren, shorten, UnsupportedSyntaxError } from './syntax';
import { operand, type WordContext } from './words';

const numericArithmetic = /^[\s0-9+\-*/%<>=!&|^~?:,()]*$/;

/** A variable name with a subscript that is not a number, `@` or `*`: bash evaluates the subscript as code. */
export const arrayElement = /[A-Za-z_][A-Za-z0-9_]*\[(?!\s*([0-9]+|@|\*)\s*\])[^\]]*\]/;

/** Why a subscript (in `shown`) makes the line ask. */
export function subscriptReason(shown: string): string {
	return `can run code through an array subscript evaluated as arithmetic: \`${shorten(shown)}\``;
}

/** What arithmetic needs of the walk of words: its operands are words. */
export interface OperandWalk {
	/** Walks a word for what it runs and what makes the line ask. */
	word(node: SyntaxNode, context: WordContext): void;
	/** Walks a leaf tree-sitter-bash reads as plain text. */
	leaf(node: SyntaxNode, context: WordContext): void;
}

export class Arithmetic {
	constructor(
		private readonly findings: Findings,
		private readonly operands: OperandWalk,
	) {}

	/** `(( … ))` or `for (( … ))`: the text between the tokens `open` and `close` is arithmetic. */
	command(node: SyntaxNode, open: string, close: string, display: (inner: string) => string): void {
		const children = node.children;
		const start = children.find((child) => child.type === open);
		const end = children.find((child) => child.type === close);
		if (!start || !end) {
			throw new UnsupportedSyntaxError(`\`${shorten(node.text)}\` is not supported`);
		}
		const inner = node.text.slice(start.endIndex - node.startIndex, end.startIndex - node.startIndex);
		const parts = namedChildren(node).filter((child) => child.startIndex >= start.endIndex && child.endIndex <= end.startIndex);
		this.expression(inner, display(inner), parts);
	}

	/** An arithmetic expression (`text` is how the reason shows it) and its parts in the tree. */
	expression(expression: string, text: string, parts: readonly SyntaxNode[]): void {
		// Numbers may be written in hexadecimal (`0x1F`) or another base (`2#101`, `16#ff`).
		const withoutNumbers = expression.replace(/\b0[xX][0-9a-fA-F]+\b|\b[0-9]+#[0-9a-zA-Z@_]+/g, '0');
		if (!numericArithmetic.test(withoutNumbers)) {
			this.findings.ask(`can run code through arithmetic on variables (their values are evaluated as code): \`${shorten(text)}\``);
		}
		parts.forEach((part) => this.part(part));
	}

	/** Inside arithmetic: only substitutions and expansions matter, the text check above asks for the rest. */
	private part(node: SyntaxNode): void {
		this.findings.nested(() => {
			switch (node.type) {
				case 'word':
				case 'number':
				case 'variable_name':
					if (node.namedChildCount === 0) {
						this.operands.leaf(node, operand);
						return;
					}
					break;
				case 'command_substitution':
				case 'process_substitution':
				case 'expansion':
				case 'simple_expansion':
				case 'arithmetic_expansion':
				case 'string':
				case 'raw_string':
				case 'ansi_c_string':
				case 'translated_string':
				case 'concatenation':
					this.operands.word(node, operand);
					return;
			}
			namedChildren(node).forEach((child) => this.part(child));
		});
	}
}
