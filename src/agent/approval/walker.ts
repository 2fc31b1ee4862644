/**
 * The walk of a line's statements: lists, pipelines, subshells, blocks, `if` / loop / `case` bodies,
 * functions, and the redirections of compound commands. Simple commands go to simpleCommands.ts, words
 * to expansions.ts, arithmetic to arithmetic.ts; what is found goes to one {@link Findings}.
 *
 * The walk fails closed: a node type it does not know throws {@link UnsupportedSyntaxError}, and the line
 * asks.
 */
import type { SyntaxNode } from './commandParser';
import { WordWalker } from './expansions';
import { judgeRedirects } from './fileAccess';
import type { Findings } from './findings';
import type { ProgramRegistry } from './programs/registry';
import { redirectParts } from './redirects';
import { SimpleCommands, type StatementWalk } from './simpleCommands';
import { fieldChildren, namedChildren, shorten, staticValue, UnsupportedSyntaxError } from './syntax';
import { operand } from './words';

/** Node types of statements (what a list holds). */
const statementTypes = new Set([
	'c_style_for_statement', 'case_statement', 'command', 'compound_statement', 'declaration_command', 'for_statement', 'function_definition',
	'if_statement', 'list', 'negated_command', 'pipeline', 'redirected_statement', 'subshell', 'test_command', 'unset_command',
	'variable_assignment', 'variable_assignments', 'while_statement',
]);
/** Tokens that end a statement without ending the list it is in. */
const separators = new Set([';', '&', '\n']);

export class Walker implements StatementWalk {
	private readonly words: WordWalker;
	private readonly commands: SimpleCommands;
	/** How many loops the walk is inside: a command sent to the background there may start without end. */
	private loops = 0;
	/** The variables of the enclosing `for` loops, innermost last, with their values when known from the line. */
	private readonly loopBindings: { readonly name: string; readonly values: readonly string[] | undefined }[] = [];

	/**
	 * @param parseMore Parses text tree-sitter-bash left plain, to read it again.
	 * @param droppedDashes Per command (by node id), where a `-` tree-sitter-bash dropped from the tree
	 * stands among its arguments (see `droppedDashOwner` in analyze.ts).
	 * @param programs What is known about programs, asked for every simple command.
	 */
	constructor(
		private readonly findings: Findings,
		parseMore: (text: string) => SyntaxNode,
		droppedDashes: ReadonlyMap<number, readonly number[]>,
		programs: ProgramRegistry,
	) {
		this.words = new WordWalker(findings, parseMore, (substitution) => {
			this.body(substitution);
			this.compoundRedirects(substitution.childrenForFieldName('redirect'));
		});
		this.commands = new SimpleCommands(findings, this.words, this, droppedDashes, programs);
	}

	/**
	 * One statement. `redirects` are those tree-sitter-bash hung on an enclosing list or pipeline;
	 * `pipelineStart`: whether the statement starts a pipeline, where bash reads `time` as a keyword.
	 */
	statement(node: SyntaxNode, redirects: readonly SyntaxNode[] = [], pipelineStart = true): void {
		this.findings.nested(() => this.statementInside(node, redirects, pipelineStart));
	}

	/** Redirections of a compound command: their targets are expanded, and no program runs from them. */
	compoundRedirects(redirects: readonly SyntaxNode[]): void {
		for (const redirect of redirects) {
			const parts = redirectParts(redirect);
			judgeRedirects(this.findings, parts.files);
			this.words.redirectTargets(parts.expanded);
			parts.words.forEach((word) => this.words.shellWord(word));
			parts.trailing.forEach((statement) => this.trailingStatement(statement));
		}
	}

	/** A statement tree-sitter-bash hangs on a here-document (`| grep x`, `&& echo done`). */
	trailingStatement(node: SyntaxNode): void {
		const afterPipe = node.firstChild?.type === '|' || node.firstChild?.type === '|&';
		this.statement(node, [], !afterPipe);
	}

	private statementInside(node: SyntaxNode, redirects: readonly SyntaxNode[], pipelineStart: boolean): void {
		switch (node.type) {
			case 'command':
				this.commands.command(node, redirects, pipelineStart);
				return;
			case 'declaration_command':
			case 'unset_command':
				this.commands.builtin(node, redirects);
				return;
			case 'test_command':
				this.commands.test(node, redirects);
				return;
			case 'variable_assignment':
				this.commands.assignmentsOnly([node], redirects);
				return;
			case 'variable_assignments':
				this.commands.assignmentsOnly(namedChildren(node), redirects);
				return;
			case 'redirected_statement': {
				const own = fieldChildren(node)
					.filter(({ node: child, field }) => field === 'redirect' || child.type === 'herestring_redirect')
					.map(({ node: child }) => child);
				const body = node.childForFieldName('body');
				if (body) {
					this.statement(body, [...own, ...redirects], pipelineStart);
				} else {
					this.compoundRedirects([...own, ...redirects]);
				}
				return;
			}
			case 'list':
			case 'pipeline': {
				// Redirections written after a list or pipeline belong to its last command: bash has no
				// redirection of a whole list, though tree-sitter-bash hangs them there.
				const items = node.type === 'list' ? flattenList(node) : namedChildren(node);
				items.forEach((item, index) =>
					this.statement(item, index === items.length - 1 ? redirects : [], index === 0 ? pipelineStart : node.type === 'list'),
				);
				return;
			}
			case 'negated_command': {
				const [child] = namedChildren(node);
				this.statement(child, redirects, pipelineStart);
				return;
			}
			case 'function_definition': {
				const name = node.childForFieldName('name')?.text ?? '';
				this.findings.ask(`defines a function \`${name}\` (it can replace a command that rules allow)`);
				const body = node.childForFieldName('body');
				if (body) {
					this.statement(body);
				}
				this.compoundRedirects([...node.childrenForFieldName('redirect'), ...redirects]);
				return;
			}
			case 'subshell':
			case 'if_statement':
				this.body(node);
				break;
			case 'while_statement':
				this.loop(() => this.body(node));
				break;
			case 'compound_statement':
				if (node.firstChild?.type === '((') {
					this.words.arithmetic.command(node, '((', '))', (inner) => `((${inner}))`);
				} else {
					this.body(node);
				}
				break;
			case 'for_statement': {
				const values = node.childrenForFieldName('value');
				values.forEach((value) => this.words.shellWord(value));
				const body = node.childForFieldName('body');
				const name = node.childForFieldName('variable')?.text;
				const fixed = values.map((value) => staticValue(value));
				// Only while the body cannot set it otherwise (an assignment, `read`, `declare`, …).
				const bound = name !== undefined && fixed.every((value) => value !== undefined) && !settersOf(name).test(body?.text ?? '');
				this.loopBindings.push(bound ? { name, values: fixed as string[] } : { name: name ?? '', values: undefined });
				try {
					this.loop(() => this.body(body));
				} finally {
					this.loopBindings.pop();
				}
				break;
			}
			case 'c_style_for_statement':
				this.words.arithmetic.command(node, '((', '))', (inner) => `for ((${inner}))`);
				this.loop(() => this.body(node.childForFieldName('body')));
				break;
			case 'case_statement': {
				const value = node.childForFieldName('value');
				if (value) {
					this.words.shellWord(value);
				}
				for (const item of namedChildren(node).filter((child) => child.type === 'case_item')) {
					for (const pattern of item.childrenForFieldName('value')) {
						this.words.word(pattern, operand);
						this.findings.probe({ kind: 'pattern', text: pattern.text });
					}
					this.body(item);
				}
				break;
			}
			default:
				throw new UnsupportedSyntaxError(`\`${node.type}\` is not supported (\`${shorten(node.text)}\`)`);
		}
		this.compoundRedirects(redirects);
	}

	/**
	 * The statements of a body (`( … )`, `{ … }`, `do … done`, an `if`'s lists, a `case` item, a
	 * substitution), walked in order. Each run of statements between keywords is a list mvdan/sh must read
	 * alike (see confirm.ts).
	 */
	loopValues(name: string): readonly string[] | undefined {
		for (let index = this.loopBindings.length - 1; index >= 0; index--) {
			if (this.loopBindings[index].name === name) {
				return this.loopBindings[index].values;
			}
		}
		return undefined;
	}

	private loop(walk: () => void): void {
		this.loops++;
		try {
			walk();
		} finally {
			this.loops--;
		}
	}

	private body(container: SyntaxNode | null): void {
		if (!container) {
			return;
		}
		let group: SyntaxNode[] = [];
		const flush = () => {
			if (group.length > 0) {
				const [first] = group;
				const base = container.startIndex;
				const text = container.text.slice(first.startIndex - base, group[group.length - 1].endIndex - base);
				this.findings.probe({ kind: 'list', text, starts: group.map((statement) => statement.startIndex - first.startIndex) });
				group = [];
			}
		};
		for (const child of container.children) {
			if (child.type === '&' && this.loops > 0) {
				this.findings.ask('starts commands in the background inside a loop, which can create processes without end');
			}
			if (child.isNamed && statementTypes.has(child.type)) {
				group.push(child);
				this.statement(child);
			} else if (child.type === 'do_group' || child.type === 'elif_clause' || child.type === 'else_clause') {
				flush();
				this.body(child);
			} else if (child.type !== 'comment' && !separators.has(child.type)) {
				// A keyword, a bracket, or what the caller walks (a `case` item's patterns, redirections).
				flush();
			}
		}
		flush();
	}
}

/** What in a loop's body could set the variable `name`: an assignment to it, or a builtin that sets variables. */
function settersOf(name: string): RegExp {
	return new RegExp(`(^|[^A-Za-z0-9_$])${name}(\\[[^\\]]*\\])?\\+?=|\\b(read|mapfile|readarray|printf|declare|typeset|local|export|readonly|getopts|unset|eval|source)\\b|(^|\\s)\\.\\s`);
}

/** The statements of `a && b || c`, which tree-sitter-bash nests (`((a && b) || c)`), in order, without recursion. */
function flattenList(node: SyntaxNode): SyntaxNode[] {
	const items: SyntaxNode[] = [];
	const pending = [node];
	while (pending.length > 0) {
		const current = pending.pop() as SyntaxNode;
		if (current.type === 'list') {
			pending.push(...namedChildren(current).reverse());
		} else {
			items.push(current);
		}
	}
	return items;
}
