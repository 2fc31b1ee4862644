/**
 * The walk of a word for what bash expands in it: substitutions (which run commands, walked as
 * statements), parameter expansions and subscripts bash evaluates as code, arithmetic, and text
 * tree-sitter-bash left plain where bash would expand it (read again, or the line asks).
 */
import { Arithmetic, subscriptReason, type OperandWalk } from './arithmetic';
import type { SyntaxNode } from './commandParser';
import type { Findings } from './findings';
import type { ExpandedNode } from './redirects';
import { expressionTypes, fieldChildren, hasHiddenExpansion, namedChildren, shorten, skippedText, UnsupportedSyntaxError, withoutEscapes } from './syntax';
import { operand, partOf, quotedText, unquotedWord, type WordContext } from './words';

/** Names of variables that hold secrets by their look: `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`. */
const secretName = /TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH/i;

export class WordWalker implements OperandWalk {
	readonly arithmetic: Arithmetic;

	/**
	 * @param parseMore Parses text tree-sitter-bash left plain, to read it again.
	 * @param walkSubstitution Walks the statements of `$(…)`, `` `…` ``, `<(…)` or `>(…)`.
	 */
	constructor(
		private readonly findings: Findings,
		private readonly parseMore: (text: string) => SyntaxNode,
		private readonly walkSubstitution: (node: SyntaxNode) => void,
	) {
		this.arithmetic = new Arithmetic(findings, this);
	}

	/** Walks a word for what it runs (substitutions) and what makes a line ask (risky expansions). */
	word(node: SyntaxNode, context: WordContext): void {
		this.findings.nested(() => this.wordInside(node, context));
	}

	/** A word bash splits at blanks and operators (a command's word, a loop's value): walked, and confirmed by mvdan/sh. */
	shellWord(node: SyntaxNode): void {
		this.word(node, unquotedWord);
		this.findings.probeWord(node.text);
	}

	/** What redirections expand (targets, here-document bodies); targets are words to confirm. */
	redirectTargets(expanded: readonly ExpandedNode[]): void {
		for (const { node, context } of expanded) {
			this.word(node, context);
			if (context === unquotedWord) {
				this.findings.probeWord(node.text);
			}
		}
	}

	/** A leaf tree-sitter-bash reads as plain text: it must be, or it is read again. */
	leaf(node: SyntaxNode, context: WordContext): void {
		if (this.text(node.text, context.quoted)) {
			return;
		}
		// tree-sitter-bash reads `== x && rm -rf /` after a command's word as one `regex` in a subshell.
		if (context.shellWord && /[\s;&|<>()]/.test(withoutEscapes(node.text))) {
			throw new UnsupportedSyntaxError(`tree-sitter-bash reads \`${shorten(node.text)}\` as one word`);
		}
	}

	private wordInside(node: SyntaxNode, context: WordContext): void {
		if (!node.isNamed) {
			return;
		}
		const inner = partOf(context);
		switch (node.type) {
			case 'word':
			case 'regex':
			case 'extglob_pattern':
				this.leaf(node, context);
				return;
			case 'number':
				if (node.namedChildCount === 0) {
					this.leaf(node, context);
				} else {
					namedChildren(node).forEach((child) => this.word(child, inner));
				}
				return;
			case 'raw_string':
			case 'ansi_c_string':
				// Inside double quotes (`"${x:-'$(id)'}"`) single quotes are text, and what they hold is expanded.
				if (context.quoted) {
					this.text(node.text, true);
				}
				return;
			case 'string':
				this.doubleQuoted(node, node.startIndex + (node.text.startsWith('$') ? 2 : 1), node.endIndex - 1);
				return;
			case 'heredoc_body':
				this.doubleQuoted(node, node.startIndex, node.endIndex);
				return;
			case 'string_content':
			case 'heredoc_content':
				this.text(node.text, true);
				return;
			case 'translated_string':
			case 'concatenation':
				namedChildren(node).forEach((child) => this.word(child, node.type === 'concatenation' ? context : inner));
				return;
			case 'array':
				for (const element of namedChildren(node)) {
					if (/^\[/.test(element.text) && !/^\[\s*[0-9]+\s*\]/.test(element.text)) {
						this.findings.ask(subscriptReason(element.text));
					}
					this.word(element, context);
				}
				return;
			case 'simple_expansion':
				this.secret(node);
				return;
			case 'variable_name':
			case 'special_variable_name':
			case 'test_operator':
			case 'brace_expression':
			case 'file_descriptor':
				return;
			case 'expansion':
				this.expansion(node, context);
				return;
			case 'subscript':
				this.subscript(node, context);
				return;
			case 'arithmetic_expansion': {
				const open = node.text.startsWith('$((') ? 3 : 2;
				const inside = node.text.slice(open, open === 3 ? -2 : -1);
				this.arithmetic.expression(inside, node.text, namedChildren(node));
				return;
			}
			case 'command_substitution':
			case 'process_substitution':
				this.substitution(node);
				return;
		}
		if (expressionTypes.has(node.type)) {
			namedChildren(node).forEach((child) => this.word(child, inner));
			return;
		}
		throw new UnsupportedSyntaxError(`\`${node.type}\` is not supported (\`${shorten(node.text)}\`)`);
	}

	/** The inside of `"…"` or an expanded here-document: its expansions, and the text between them. */
	private doubleQuoted(node: SyntaxNode, start: number, end: number): void {
		let position = start;
		for (const child of namedChildren(node)) {
			if (child.startIndex > position) {
				// Text tree-sitter-bash gives no node of its own.
				this.text(node.text.slice(position - node.startIndex, child.startIndex - node.startIndex), true);
			}
			this.word(child, quotedText);
			position = Math.max(position, child.endIndex);
		}
		if (end > position) {
			this.text(node.text.slice(position - node.startIndex, end - node.startIndex), true);
		}
	}

	/**
	 * Text tree-sitter-bash gave as plain: when bash would expand something in it (see
	 * {@link hasHiddenExpansion}), it is parsed again on its own, as a word (`: TEXT`) or the inside of
	 * double quotes (`: "TEXT"`), and that tree is walked. True when it was read again.
	 */
	private text(text: string, quoted: boolean): boolean {
		if (!hasHiddenExpansion(text, quoted)) {
			return false;
		}
		const unreadable = new UnsupportedSyntaxError(`tree-sitter-bash does not read the expansions in \`${shorten(text)}\``);
		if (quoted && /(^|[^\\])(\\\\)*"/.test(text)) {
			throw unreadable;
		}
		const source = quoted ? `: "${text}"` : `: ${text}`;
		const root = this.parseMore(source);
		const [statement, ...others] = namedChildren(root);
		const args = statement?.type === 'command' ? statement.childrenForFieldName('argument') : [];
		const name = statement?.childForFieldName('name');
		const [argument] = args;
		if (root.hasError || skippedText(root, source).length > 0 || others.length > 0 || args.length !== 1 || name?.text !== ':' || argument.startIndex !== 2 || argument.endIndex !== source.length) {
			throw unreadable;
		}
		// Read the same way again: no progress, so no trust either.
		const parts = quoted ? namedChildren(argument) : [argument];
		if (parts.length === 1 && parts[0].text === text && parts[0].namedChildCount === 0) {
			throw unreadable;
		}
		this.word(argument, operand);
		return true;
	}

	/** `${…}`: what bash evaluates as arithmetic or code in it asks; its operands are words. */
	/** `$NAME` or `${NAME…}` of a variable whose name looks like a secret's: printing it would hand the secret over. */
	private secret(node: SyntaxNode): void {
		const name = namedChildren(node).find((child) => child.type === 'variable_name')?.text;
		if (name !== undefined && secretName.test(name)) {
			this.findings.ask(`expands $${name}, which looks like a secret`);
		}
	}

	private expansion(node: SyntaxNode, context: WordContext): void {
		this.secret(node);
		const children = fieldChildren(node);
		const text = node.text;
		if (children[1]?.node.type === '!') {
			this.findings.ask(`reads a variable named by another (indirect expansion \`\${!…}\`): \`${shorten(text)}\``);
		}
		const operators = children.filter(({ node: child, field }) => field === 'operator' && !child.isNamed);
		if (operators.some(({ node: child }) => child.type === '@')) {
			this.findings.ask(`can run code through a parameter transformation \`\${…@…}\`: \`${shorten(text)}\``);
		}
		const substring = operators.find(({ node: child }) => child.type === ':');
		if (substring) {
			const offsets = text.slice(substring.node.endIndex - node.startIndex, -1);
			if (!/^[\s0-9:+-]*$/.test(offsets)) {
				this.findings.ask(`can run code through a substring offset evaluated as arithmetic: \`${shorten(text)}\``);
			}
		}
		for (const child of namedChildren(node)) {
			if (child.type === 'subscript') {
				this.subscript(child, context, text);
			} else {
				this.word(child, partOf(context));
			}
		}
	}

	/** `name[index]`: bash evaluates an index that is not a number, `@` or `*` as arithmetic. */
	private subscript(node: SyntaxNode, context: WordContext, shown = node.text): void {
		const index = node.childForFieldName('index');
		if (index && !/^\s*([0-9]+|@|\*)\s*$/.test(index.text)) {
			this.findings.ask(subscriptReason(shown));
		}
		if (index) {
			this.word(index, partOf(context));
		}
	}

	/** `$(…)`, `` `…` ``, `<(…)`, `>(…)`: they run commands, which are analysed too. */
	private substitution(node: SyntaxNode): void {
		const kind = node.type === 'process_substitution' ? 'process' : 'command';
		this.findings.ask(`runs the commands of a ${kind} substitution \`${shorten(node.text)}\``);
		// Inside backquotes bash undoes `\$`, `` \` `` and `\\` first (`` \`…\` `` nests a substitution), which
		// tree-sitter-bash does not: such a line asks.
		if (node.text.startsWith('`') && /\\[$`\\]/.test(node.text.slice(1, -1))) {
			throw new UnsupportedSyntaxError(`backslash escapes inside backquotes: \`${shorten(node.text)}\``);
		}
		this.walkSubstitution(node);
	}
}
