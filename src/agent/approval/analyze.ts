/**
 * What a command line runs: its simple commands (through lists, pipelines, subshells, blocks, `if` /
 * loop / `case` bodies, functions and substitutions) and the constructs that must always ask because
 * what they run cannot be known from the line.
 *
 * The line is split by tree-sitter-bash's syntax tree (see commandParser.ts); mvdan/sh must accept the
 * line, agree on where its statements start, and read alike every list and word the walk found (see
 * confirm.ts). The walk fails closed: a node type it does not know, an `ERROR` or missing node, text the
 * tree skips, or text tree-sitter-bash may have misread (see syntax.ts) makes the line unparseable, and
 * it asks.
 */
import { defaultCommandParser, ShellParseError, type CommandParser, type ShellStatement, type SyntaxNode } from './commandParser';
import { confirm, type Probe } from './confirm';
import { byteTable, fieldChildren, hasHiddenExpansion, isPattern, namedChildren, shorten, skippedText, staticValue, UnsupportedSyntaxError, withoutEscapes } from './syntax';

export interface SubCommand {
	/** The simple command as written, one space between its words, e.g. `npm test -- --watch`. */
	readonly text: string;
	/** The program, quotes removed (as written when it is an expansion). */
	readonly name: string;
	/** The arguments, quotes removed where they hold no expansion (else as written). */
	readonly args: readonly string[];
	/**
	 * Set when `text` is a command run by a wrapper (`timeout 60 npm test` → `npm test`): the whole
	 * command as written. Deny rules are checked against both.
	 */
	readonly wrapper?: string;
}

export type CommandAnalysis =
	| {
			readonly ok: true;
			readonly subCommands: readonly SubCommand[];
			/** Why this line must always ask (constructs whose effect the line does not show); empty if none. */
			readonly alwaysAsk: readonly string[];
	  }
	| { readonly ok: false; readonly reason: string };

/** Splits a command line into what it runs. Never rejects: a line it cannot read is `ok: false`. */
export async function analyzeCommand(line: string, parser: CommandParser = defaultCommandParser()): Promise<CommandAnalysis> {
	try {
		// mvdan/sh first: a line it rejects is not bash, and its message says why.
		const statements = await parser.statements(line);
		const analysis = await parser.tree(line, (root, parseMore) => analyzeTree(line, root, parseMore, statements));
		if (!analysis.ok) {
			return analysis;
		}
		const difference = await confirm(analysis.probes, parser);
		if (difference !== undefined) {
			return { ok: false, reason: `could not parse: mvdan/sh reads ${difference} otherwise than tree-sitter-bash` };
		}
		return { ok: true, subCommands: analysis.subCommands, alwaysAsk: analysis.alwaysAsk };
	} catch (error) {
		// Whatever went wrong (even a bug of ours), the line is not understood, so it asks: never throw.
		const known = error instanceof ShellParseError || error instanceof UnsupportedSyntaxError;
		return { ok: false, reason: `could not parse: ${known ? error.message : `unexpected error (${String(error)})`}` };
	}
}

type TreeAnalysis = (Extract<CommandAnalysis, { ok: true }> & { readonly probes: readonly Probe[] }) | Extract<CommandAnalysis, { ok: false }>;

function analyzeTree(line: string, root: SyntaxNode, parseMore: (text: string) => SyntaxNode, statementsOfMvdan: readonly ShellStatement[]): TreeAnalysis {
	if (root.hasError) {
		return { ok: false, reason: `could not parse: tree-sitter-bash does not read ${errorPlace(line, root)}` };
	}
	const dashes = new Map<number, number[]>();
	for (const { start, end } of skippedText(root, line)) {
		const command = line.slice(start, end) === '-' ? droppedDashOwner(root, start) : undefined;
		if (command === undefined) {
			return { ok: false, reason: `could not parse: tree-sitter-bash skips ${JSON.stringify(line.slice(start, Math.min(end, start + 40)))} at offset ${start}` };
		}
		dashes.set(command.id, [...(dashes.get(command.id) ?? []), start]);
	}
	checkHeredocs(root);
	const statements = namedChildren(root);
	const bytes = byteTable(line);
	const starts = statements.map((statement) => bytes[statement.startIndex]);
	if (starts.length !== statementsOfMvdan.length || starts.some((start, index) => start !== statementsOfMvdan[index].start)) {
		return { ok: false, reason: 'could not parse: tree-sitter-bash and mvdan/sh read the statements of the line differently' };
	}
	const walker = new Walker(parseMore, dashes);
	statements.forEach((statement) => walker.statement(statement));
	return { ok: true, subCommands: walker.subCommands, alwaysAsk: [...new Set(walker.alwaysAsk)], probes: walker.probes };
}

/**
 * Here-documents as bash reads them: each body ends at a line that is its delimiter, and the bodies follow
 * in the order of their `<<`. tree-sitter-bash gives nested ones the other way round (`a <<A | { b; } <<B`),
 * which would check a quoted body as expanded and the other way round.
 */
function checkHeredocs(root: SyntaxNode): void {
	const heredocs = descendants(root, (node) => node.type === 'heredoc_redirect').sort((left, right) => left.startIndex - right.startIndex);
	let lastBody = -1;
	for (const heredoc of heredocs) {
		const start = heredoc.children.find((child) => child.type === 'heredoc_start');
		const body = heredoc.children.find((child) => child.type === 'heredoc_body');
		const end = heredoc.children.find((child) => child.type === 'heredoc_end');
		if (!start || !end || start.text.replace(/['"\\]/g, '') !== end.text) {
			throw new UnsupportedSyntaxError(`a here-document whose end tree-sitter-bash reads otherwise: \`${shorten(heredoc.text)}\``);
		}
		const bodyStart = body?.startIndex ?? end.startIndex;
		if (bodyStart < lastBody) {
			throw new UnsupportedSyntaxError('here-documents whose bodies tree-sitter-bash gives in another order');
		}
		lastBody = bodyStart;
	}
}

/**
 * The command a `-` belongs to that tree-sitter-bash dropped from the tree: in `python3 - <<'EOF'` the
 * `-` ("read the program from standard input") is in no node, though bash gives it to `python3`. Only a
 * lone `-` after the command and before a here-document is recovered; any other skipped text asks.
 */
function droppedDashOwner(root: SyntaxNode, offset: number): SyntaxNode | undefined {
	const statement = root.descendantForIndex(offset, offset + 1);
	if (statement?.type !== 'redirected_statement') {
		return undefined;
	}
	const body = statement.childForFieldName('body');
	const heredoc = statement.children.some((child) => child.type === 'heredoc_redirect' && child.startIndex > offset);
	return body?.type === 'command' && body.endIndex < offset && heredoc ? body : undefined;
}

/** Where the first `ERROR` or missing node is, for the reason shown. */
function errorPlace(line: string, root: SyntaxNode): string {
	const pending = [root];
	while (pending.length > 0) {
		const node = pending.shift() as SyntaxNode;
		if (node.isError || node.isMissing) {
			const what = node.isMissing ? `a missing \`${node.type}\`` : `\`${shorten(line.slice(node.startIndex, node.endIndex))}\``;
			return `${what} at offset ${node.startIndex}`;
		}
		pending.push(...node.children.filter((child) => child.hasError || child.isMissing));
	}
	return 'the line';
}

const shells = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);
const findExecutors = new Set(['-exec', '-execdir', '-ok', '-okdir']);
/** Variables that change which program a later command runs or what it loads. */
const hijackingVariables = new RegExp(
	'^(PATH|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PS4|PROMPT_COMMAND|CDPATH|GLOBIGNORE|' +
		'NODE_OPTIONS|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|LD_[A-Z_]+|DYLD_[A-Z_]+|GIT_[A-Z_]+)$',
);
/** Builtins that set variables from `NAME=value` arguments. */
const declarations = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
/**
 * Builtins that take variable names as arguments. Given `'a[$(cmd)]'`, bash evaluates the subscript and
 * runs `cmd`, though the argument is quoted.
 */
const nameTakers = new Set([...declarations, 'printf', 'read', 'unset', 'test', '[', 'mapfile', 'readarray', 'getopts', 'wait']);
const arrayElement = /[A-Za-z_][A-Za-z0-9_]*\[(?!\s*([0-9]+|@|\*)\s*\])[^\]]*\]/;
/** xargs options that take the next word as their value. */
const xargsOptionsWithValue = new Set(['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars']);
const numericArithmetic = /^[\s0-9+\-*/%<>=!&|^~?:,()]*$/;
/**
 * Reserved words: bash never runs them as a program, so tree-sitter-bash giving one as a command's name
 * means it read the line otherwise than bash (`time` is handled where it is a keyword).
 */
const reservedWords = new Set(['!', '{', '}', '[[', ']]', 'if', 'then', 'elif', 'else', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'coproc']);
/** Node types of test and arithmetic expressions, whose operands are words. */
const expressionTypes = new Set(['binary_expression', 'unary_expression', 'parenthesized_expression', 'ternary_expression', 'postfix_expression']);
/** Node types of statements (what a list holds). */
const statementTypes = new Set([
	'c_style_for_statement', 'case_statement', 'command', 'compound_statement', 'declaration_command', 'for_statement', 'function_definition',
	'if_statement', 'list', 'negated_command', 'pipeline', 'redirected_statement', 'subshell', 'test_command', 'unset_command',
	'variable_assignment', 'variable_assignments', 'while_statement',
]);
/** Tokens that end a statement without ending the list it is in. */
const separators = new Set([';', '&', '\n']);
/** How deep the walk may go (statements, words, expansions); deeper lines ask. */
const maximumDepth = 200;

interface WordContext {
	/** Inside double quotes or an expanded here-document, where `'` quotes nothing and `<(` is text. */
	readonly quoted: boolean;
	/** A word bash splits at blanks and operators (a command's word, a redirection's target, …). */
	readonly shellWord: boolean;
}

const unquotedWord: WordContext = { quoted: false, shellWord: true };
const operand: WordContext = { quoted: false, shellWord: false };

/**
 * A piece of a word: a node of the tree, or a `-` tree-sitter-bash dropped from the tree (see
 * {@link droppedDashOwner}).
 */
interface WordPiece {
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
interface Word {
	readonly pieces: readonly WordPiece[];
	readonly text: string;
	readonly value: string | undefined;
}

/** A simple command as bash runs it, its elements in the order they were written. */
interface SimpleCommand {
	readonly assignments: readonly string[];
	readonly words: readonly Word[];
	readonly redirects: readonly string[];
	readonly elements: readonly string[];
}

function pieceOf(node: SyntaxNode, value: string | undefined = staticValue(node)): WordPiece {
	return { start: node.startIndex, end: node.endIndex, text: node.text, value, node };
}

function wordOf(node: SyntaxNode, value: string | undefined = staticValue(node)): Word {
	return { pieces: [pieceOf(node, value)], text: node.text, value };
}

/** The words of pieces in order, pieces with no blank between them joined into one word, as bash reads them. */
function joinAdjacent(pieces: readonly WordPiece[]): Word[] {
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

/** The word's value (quotes removed) when static, else its text. */
function wordValue(word: Word): string {
	return word.value ?? word.text;
}

/** The redirections, words and trailing statements a redirection brings to the command it is part of. */
interface RedirectParts {
	/** `>out`, `2>&1`, `<<'EOF'`: the operator with its file descriptor and target. */
	readonly texts: string[];
	/** Nodes whose substitutions run before the command: targets and expanded here-document bodies. */
	readonly expanded: { readonly node: SyntaxNode; readonly context: WordContext }[];
	/** Words tree-sitter-bash put in a redirection that are the command's arguments (`echo a >x b`). */
	readonly words: SyntaxNode[];
	/** What tree-sitter-bash hangs on a here-document's redirection: `cat <<EOF | grep x && …`. */
	readonly trailing: SyntaxNode[];
}

class Walker {
	readonly subCommands: SubCommand[] = [];
	readonly alwaysAsk: string[] = [];
	/** The pieces mvdan/sh must read alike (see confirm.ts). */
	readonly probes: Probe[] = [];
	private depth = 0;

	/**
	 * @param droppedDashes Per command (by node id), where a `-` tree-sitter-bash dropped from the tree
	 * stands among its arguments (see {@link droppedDashOwner}).
	 */
	constructor(
		private readonly parseMore: (text: string) => SyntaxNode,
		private readonly droppedDashes: ReadonlyMap<number, readonly number[]>,
	) {}

	private enter(action: () => void): void {
		this.depth++;
		try {
			if (this.depth > maximumDepth) {
				throw new UnsupportedSyntaxError('nesting is too deep');
			}
			action();
		} finally {
			this.depth--;
		}
	}

	private probeWord(text: string): void {
		this.probes.push({ kind: 'word', text });
	}

	// ---- statements

	/**
	 * One statement. `redirects` are those tree-sitter-bash hung on an enclosing list or pipeline;
	 * `pipelineStart`: whether the statement starts a pipeline, where bash reads `time` as a keyword.
	 */
	statement(node: SyntaxNode, redirects: readonly SyntaxNode[] = [], pipelineStart = true): void {
		this.enter(() => this.statementInside(node, redirects, pipelineStart));
	}

	private statementInside(node: SyntaxNode, redirects: readonly SyntaxNode[], pipelineStart: boolean): void {
		switch (node.type) {
			case 'command':
				this.command(node, redirects, pipelineStart);
				return;
			case 'declaration_command':
			case 'unset_command':
				this.builtin(node, redirects);
				return;
			case 'test_command':
				this.test(node, redirects);
				return;
			case 'variable_assignment':
				this.assignmentsOnly([node], redirects);
				return;
			case 'variable_assignments':
				this.assignmentsOnly(namedChildren(node), redirects);
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
				this.alwaysAsk.push(`defines a function \`${name}\` (it can replace a command that rules allow)`);
				const body = node.childForFieldName('body');
				if (body) {
					this.statement(body);
				}
				this.compoundRedirects([...node.childrenForFieldName('redirect'), ...redirects]);
				return;
			}
			case 'subshell':
			case 'if_statement':
			case 'while_statement':
				this.body(node);
				break;
			case 'compound_statement':
				if (node.firstChild?.type === '((') {
					this.arithmeticCommand(node, '((', '))', (inner) => `((${inner}))`);
				} else {
					this.body(node);
				}
				break;
			case 'for_statement':
				for (const value of node.childrenForFieldName('value')) {
					this.word(value, unquotedWord);
					this.probeWord(value.text);
				}
				this.body(node.childForFieldName('body'));
				break;
			case 'c_style_for_statement':
				this.arithmeticCommand(node, '((', '))', (inner) => `for ((${inner}))`);
				this.body(node.childForFieldName('body'));
				break;
			case 'case_statement': {
				const value = node.childForFieldName('value');
				if (value) {
					this.word(value, unquotedWord);
					this.probeWord(value.text);
				}
				for (const item of namedChildren(node).filter((child) => child.type === 'case_item')) {
					for (const pattern of item.childrenForFieldName('value')) {
						this.word(pattern, operand);
						this.probes.push({ kind: 'pattern', text: pattern.text });
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
				this.probes.push({ kind: 'list', text, starts: group.map((statement) => statement.startIndex - first.startIndex) });
				group = [];
			}
		};
		for (const child of container.children) {
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

	/** Redirections of a compound command: their targets are expanded, and no program runs from them. */
	private compoundRedirects(redirects: readonly SyntaxNode[]): void {
		for (const redirect of redirects) {
			const parts = this.redirectParts(redirect);
			this.redirectWords(parts);
			parts.words.forEach((word) => {
				this.word(word, unquotedWord);
				this.probeWord(word.text);
			});
			parts.trailing.forEach((statement) => this.trailingStatement(statement));
		}
	}

	/** A statement tree-sitter-bash hangs on a here-document (`| grep x`, `&& echo done`). */
	private trailingStatement(node: SyntaxNode): void {
		const afterPipe = node.firstChild?.type === '|' || node.firstChild?.type === '|&';
		this.statement(node, [], !afterPipe);
	}

	/** Walks what a redirection expands (its target, a here-document's body); targets are words to confirm. */
	private redirectWords(parts: RedirectParts): void {
		for (const { node, context } of parts.expanded) {
			this.word(node, context);
			if (context === unquotedWord) {
				this.probeWord(node.text);
			}
		}
	}

	private redirectParts(redirect: SyntaxNode): RedirectParts {
		const parts: RedirectParts = { texts: [], expanded: [], words: [], trailing: [] };
		this.collectRedirect(redirect, parts);
		return parts;
	}

	private collectRedirect(redirect: SyntaxNode, parts: RedirectParts): void {
		let descriptor = '';
		let operator = '';
		let target: SyntaxNode | undefined;
		const nested: SyntaxNode[] = [];
		for (const { node, field } of fieldChildren(redirect)) {
			if (node.type === 'comment') {
				continue;
			}
			if (field === 'descriptor') {
				descriptor = node.text;
			} else if (!node.isNamed && operator === '' && field !== 'operator') {
				operator = node.type;
			} else if (redirect.type === 'heredoc_redirect') {
				this.collectHeredocPart(node, field, parts, nested);
				if (node.type === 'heredoc_start') {
					target = node;
				}
			} else if (!node.isNamed) {
				throw new UnsupportedSyntaxError(`unexpected \`${node.type}\` in \`${shorten(redirect.text)}\``);
			} else if (target === undefined) {
				target = node;
				parts.expanded.push({ node, context: unquotedWord });
			} else {
				// `echo a >x b`: tree-sitter-bash gives `b` as a second target; bash, as an argument.
				parts.words.push(node);
			}
		}
		if (redirect.type === 'heredoc_redirect' && target === undefined) {
			throw new UnsupportedSyntaxError(`a here-document without a delimiter: \`${shorten(redirect.text)}\``);
		}
		// `> >(cat)` must not read as `>>(cat)`.
		const space = target !== undefined && /^[<>]\(/.test(target.text) ? ' ' : '';
		parts.texts.push(`${descriptor}${operator}${space}${target?.text ?? ''}`);
		nested.forEach((child) => this.collectRedirect(child, parts));
	}

	/** The children tree-sitter-bash gives a here-document's redirection besides its operator. */
	private collectHeredocPart(node: SyntaxNode, field: string | null, parts: RedirectParts, nested: SyntaxNode[]): void {
		switch (node.type) {
			case 'heredoc_start':
			case 'heredoc_end':
				return;
			case 'heredoc_body': {
				const start = node.parent?.children.find((child) => child.type === 'heredoc_start');
				// A quoted delimiter (`'EOF'`, `"EOF"`, `\EOF`): the body is not expanded.
				if (start && !/['"\\]/.test(start.text)) {
					parts.expanded.push({ node, context: { quoted: true, shellWord: false } });
				}
				return;
			}
			case 'file_redirect':
			case 'herestring_redirect':
				nested.push(node);
				return;
		}
		if (field === 'argument') {
			parts.words.push(node);
		} else if (field === 'right' || node.type === 'pipeline') {
			parts.trailing.push(node);
		} else if (node.isNamed || field !== 'operator') {
			throw new UnsupportedSyntaxError(`unexpected \`${node.type}\` in a here-document's redirection`);
		}
	}

	// ---- simple commands

	private command(node: SyntaxNode, extraRedirects: readonly SyntaxNode[], pipelineStart: boolean): void {
		const elements: { readonly start: number; readonly text: string }[] = [];
		const assignments: SyntaxNode[] = [];
		const wordNodes: SyntaxNode[] = [];
		const redirects: string[] = [];
		const trailing: SyntaxNode[] = [];
		const expanded: { readonly node: SyntaxNode; readonly context: WordContext }[] = [];
		const addRedirect = (redirect: SyntaxNode) => {
			const parts = this.redirectParts(redirect);
			redirects.push(...parts.texts);
			elements.push({ start: redirect.startIndex, text: parts.texts.join(' ') });
			expanded.push(...parts.expanded);
			wordNodes.push(...parts.words);
			trailing.push(...parts.trailing);
		};
		for (const { node: child, field } of fieldChildren(node)) {
			if (child.type === 'comment') {
				continue;
			}
			if (child.type === 'variable_assignment') {
				assignments.push(child);
				elements.push({ start: child.startIndex, text: child.text });
			} else if (field === 'name') {
				const [name] = namedChildren(child);
				if (!name) {
					throw new UnsupportedSyntaxError('a command without a name');
				}
				wordNodes.push(name);
			} else if (field === 'argument') {
				wordNodes.push(child);
			} else if (field === 'redirect') {
				addRedirect(child);
			} else {
				throw new UnsupportedSyntaxError(`unexpected \`${child.type}\` in the command \`${shorten(node.text)}\``);
			}
		}
		extraRedirects.forEach(addRedirect);

		// What bash expands before the command runs, so substitutions come first.
		assignments.forEach((assignment) => this.assignment(assignment));
		wordNodes.forEach((word) => this.word(word, unquotedWord));
		this.redirectWords({ texts: [], expanded, words: [], trailing: [] });

		const dashes = (this.droppedDashes.get(node.id) ?? []).map((start): WordPiece => ({ start, end: start + 1, text: '-', value: '-' }));
		let words = joinAdjacent([...wordNodes.map((word) => pieceOf(word)), ...dashes]);
		for (const word of words) {
			elements.push({ start: word.pieces[0].start, text: word.text });
			this.probeWord(word.text);
		}
		elements.sort((left, right) => left.start - right.start);
		const assignmentTexts = assignments.map((assignment) => assignment.text);
		const [first] = words;
		const plainFirst = first !== undefined && first.pieces.length === 1 && first.pieces[0].node?.type === 'word';
		if (plainFirst && assignments.length === 0 && elements[0].start === first.pieces[0].start) {
			if (reservedWords.has(first.text)) {
				throw new UnsupportedSyntaxError(first.text === 'coproc' ? '`coproc` is not supported' : `\`${first.text}\` where a command's name should be`);
			}
			if (first.text === 'time' && pipelineStart) {
				// The `time` keyword (a pipeline's first word) times the command after it, and is no program:
				// the command is checked as written without it. Elsewhere `time` is the program /usr/bin/time.
				const keyword = words[1]?.text === '-p' ? 2 : 1;
				const skipped = new Set(words.slice(0, keyword).map((word) => word.pieces[0].start));
				words = words.slice(keyword);
				elements.splice(0, elements.length, ...elements.filter((element) => !skipped.has(element.start)));
				// Then the timed command may start with assignments (`time FOO=1 make`).
				while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(words[0].text)) {
					assignmentTexts.push(words[0].text);
					words = words.slice(1);
				}
			}
		}
		this.simple(
			assignmentTexts,
			words,
			redirects,
			elements.map((element) => element.text),
		);
		trailing.forEach((statement) => this.trailingStatement(statement));
	}

	/** Checks and records a simple command once its parts were walked. */
	private simple(assignments: readonly string[], words: readonly Word[], redirects: readonly string[], elements: readonly string[]): void {
		for (const assignment of assignments) {
			const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(assignment)?.[0] ?? '';
			const subscript = /^[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]/.exec(assignment)?.[1];
			if (subscript !== undefined && !/^\s*[0-9]+\s*$/.test(subscript)) {
				this.alwaysAsk.push(`an array subscript evaluated as arithmetic: \`${shorten(assignment)}\``);
			}
			if (words.length === 0 && hijackingVariables.test(name)) {
				this.alwaysAsk.push(`sets \`${name}\`, which changes what later commands run`);
			}
		}
		if (words.length === 0) {
			// Assignments or redirections alone run no program.
			return;
		}
		this.run({ assignments, words, redirects, elements }, words, undefined);
	}

	/** Assignments (and redirections) with no command: checked, nothing recorded. */
	private assignmentsOnly(assignments: readonly SyntaxNode[], redirects: readonly SyntaxNode[]): void {
		assignments.forEach((assignment) => this.assignment(assignment));
		this.compoundRedirects(redirects);
		this.simple(
			assignments.map((assignment) => assignment.text),
			[],
			[],
			[],
		);
	}

	/** Walks an assignment, and has mvdan/sh confirm it is one word (an array: each of its elements). */
	private assignment(node: SyntaxNode): void {
		const value = node.childForFieldName('value');
		if (value?.type === 'array') {
			namedChildren(value).forEach((element) => this.probeWord(element.text));
		} else {
			this.probeWord(node.text);
		}
		const name = node.childForFieldName('name');
		if (name?.type === 'subscript') {
			const index = name.childForFieldName('index');
			if (index) {
				this.word(index, operand);
			}
		}
		if (value) {
			this.word(value, unquotedWord);
		}
	}

	/** `export`, `local`, `declare`, `readonly`, `typeset`, `unset`: simple commands to bash. */
	private builtin(node: SyntaxNode, extraRedirects: readonly SyntaxNode[]): void {
		const words: Word[] = [];
		for (const { node: child } of fieldChildren(node)) {
			if (child.type === 'comment') {
				continue;
			}
			if (!child.isNamed) {
				words.push(wordOf(child, child.type));
			} else if (child.type === 'variable_assignment') {
				this.assignment(child);
				words.push(wordOf(child, assignmentValue(child)));
			} else {
				this.word(child, unquotedWord);
				this.probeWord(child.text);
				words.push(wordOf(child));
			}
		}
		this.record(words, extraRedirects);
	}

	/** `[ … ]` is the command `[`; `[[ … ]]` is a keyword of bash, which runs no program. */
	private test(node: SyntaxNode, extraRedirects: readonly SyntaxNode[]): void {
		const open = node.firstChild?.type;
		const operands = flattenExpression(namedChildren(node));
		const regexes = new Set(descendants(node, (child) => child.type === 'binary_expression' && child.childForFieldName('operator')?.type === '=~').flatMap((expression) => expression.childrenForFieldName('right').map((right) => right.id)));
		for (const token of operands.filter((operandNode) => operandNode.isNamed && operandNode.type !== 'test_operator')) {
			this.word(token, open === '[' ? unquotedWord : operand);
			if (open === '[') {
				this.probeWord(token.text);
			} else {
				this.probes.push({ kind: regexes.has(token.id) ? 'regex' : 'pattern', text: token.text });
			}
		}
		if (open === '[') {
			const words = [wordOf(node.firstChild as SyntaxNode, '['), ...operands.map((token) => wordOf(token)), wordOf(node.lastChild as SyntaxNode, ']')];
			this.record(words, extraRedirects);
			return;
		}
		if (open !== '[[') {
			throw new UnsupportedSyntaxError(`\`${shorten(node.text)}\` is not supported`);
		}
		for (const expression of descendants(node, (child) => child.type === 'binary_expression')) {
			const operator = expression.childForFieldName('operator')?.text ?? '';
			if (/^-(eq|ne|lt|le|gt|ge)$/.test(operator)) {
				const sides = [expression.childForFieldName('left'), ...expression.childrenForFieldName('right')];
				if (sides.some((side) => !/^[0-9]+$/.test(side ? (staticValue(side) ?? '') : ''))) {
					this.alwaysAsk.push(`\`[[ … ${operator} … ]]\` evaluates its operands as arithmetic`);
				}
			}
		}
		if (operands.some((token) => arrayElement.test(token.text))) {
			this.alwaysAsk.push('`[[ … ]]` is given an array element, whose subscript bash evaluates as code');
		}
		this.compoundRedirects(extraRedirects);
	}

	/** Records a builtin's or `[`'s words, with the redirections that belong to it. */
	private record(words: readonly Word[], extraRedirects: readonly SyntaxNode[]): void {
		const redirects: string[] = [];
		const trailing: SyntaxNode[] = [];
		const extraWords: Word[] = [];
		for (const redirect of extraRedirects) {
			const parts = this.redirectParts(redirect);
			this.redirectWords(parts);
			parts.words.forEach((word) => {
				this.word(word, unquotedWord);
				this.probeWord(word.text);
				extraWords.push(wordOf(word));
			});
			redirects.push(...parts.texts);
			trailing.push(...parts.trailing);
		}
		const allWords = [...words, ...extraWords];
		const command: SimpleCommand = { assignments: [], words: allWords, redirects, elements: [...allWords.map((word) => word.text), ...redirects] };
		this.run(command, allWords, undefined);
		trailing.forEach((statement) => this.trailingStatement(statement));
	}

	/**
	 * Records the program `words` run, looking through wrappers to the command they run. `wrapper` is the
	 * whole command as written once a wrapper was removed.
	 */
	private run(command: SimpleCommand, words: readonly Word[], wrapper: string | undefined, extraAssignments: readonly string[] = []): void {
		const [first, ...rest] = words;
		const name = first.value;
		const args = rest.map(wordValue);
		// A wrapped command keeps the assignments and redirections of the whole, which apply to it too.
		const text =
			wrapper === undefined
				? command.elements.join(' ')
				: [...command.assignments, ...extraAssignments, ...words.map((word) => word.text), ...command.redirects].join(' ');
		const subCommand: SubCommand = { text, name: name ?? first.text, args, ...(wrapper !== undefined ? { wrapper } : {}) };
		if (name === undefined) {
			this.subCommands.push(subCommand);
			this.alwaysAsk.push(`the program name comes from an expansion: \`${shorten(first.text)}\``);
			return;
		}
		if (first.pieces.some(({ node }) => node !== undefined && node.isNamed && isPattern(node))) {
			this.subCommands.push(subCommand);
			this.alwaysAsk.push(`the program name is a pattern: \`${shorten(first.text)}\``);
			return;
		}
		const program = name.slice(name.lastIndexOf('/') + 1);
		const whole = wrapper ?? text;
		// Assignments given to an outer wrapper (`env A=1 timeout 5 …`) reach the command it runs.
		const unwrap = (index: number, assignments: readonly string[] = []) => {
			if (index < words.length) {
				this.run(command, words.slice(index), whole, [...extraAssignments, ...assignments]);
			} else {
				this.subCommands.push(subCommand);
			}
		};
		switch (program) {
			case 'eval':
			case 'trap':
				this.subCommands.push(subCommand);
				this.alwaysAsk.push(`\`${program}\` runs a string as shell code`);
				return;
			case 'let':
				this.subCommands.push(subCommand);
				this.alwaysAsk.push('`let` evaluates its arguments as arithmetic, which can run code');
				return;
			case 'source':
			case '.':
				this.subCommands.push(subCommand);
				this.alwaysAsk.push(`\`${program}\` runs the commands of a file`);
				return;
			case 'exec':
				this.alwaysAsk.push('`exec` replaces the shell');
				unwrap(skipOptions(args, new Set(['-a'])) + 1);
				return;
			case 'sudo':
			case 'doas':
				this.alwaysAsk.push(`\`${program}\` runs a command with other privileges`);
				unwrap(skipOptions(args, new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-R'])) + 1);
				return;
			case 'xargs':
				this.alwaysAsk.push('`xargs` runs a command built from its input');
				unwrap(skipOptions(args, xargsOptionsWithValue) + 1);
				return;
			case 'find':
				this.subCommands.push(subCommand);
				this.find(command, rest, whole);
				return;
			case 'env':
				this.env(words, whole, unwrap);
				return;
			case 'nice':
				unwrap(skipOptions(args, new Set(['-n', '--adjustment'])) + 1);
				return;
			case 'nohup':
			case 'builtin':
				unwrap(skipOptions(args, new Set()) + 1);
				return;
			case 'command':
				if (args.some((arg) => /^-[a-zA-Z]*[vV]/.test(arg))) {
					// `command -v x` only looks a program up.
					this.subCommands.push(subCommand);
					return;
				}
				unwrap(skipOptions(args, new Set()) + 1);
				return;
			case 'time':
				unwrap(skipOptions(args, new Set(['-f', '-o', '--format', '--output'])) + 1);
				return;
			case 'timeout': {
				const duration = skipOptions(args, new Set(['-s', '-k', '--signal', '--kill-after']));
				unwrap(duration + 2);
				return;
			}
		}
		this.subCommands.push(subCommand);
		// Builtins after which a later command of the line, allowed by its name, runs something else.
		if ((program === 'alias' && args.some((arg) => arg.includes('='))) || (program === 'hash' && args.some((arg) => /^-[a-zA-Z]*p/.test(arg))) || (program === 'enable' && args.length > 0)) {
			this.alwaysAsk.push(`\`${program}\` changes what a later command runs`);
		}
		if (nameTakers.has(program) && rest.some((word) => arrayElement.test(wordValue(word)))) {
			this.alwaysAsk.push(`\`${program}\` is given an array element, whose subscript bash evaluates as code`);
		}
		if (declarations.has(program)) {
			for (const arg of args) {
				const variable = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(arg)?.[1];
				if (variable !== undefined && hijackingVariables.test(variable)) {
					this.alwaysAsk.push(`sets \`${variable}\`, which changes what later commands run`);
				}
			}
		}
		if (shells.has(program)) {
			if (args.some((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg) || arg === '--command')) {
				this.alwaysAsk.push(`\`${program} -c\` runs a string as shell code`);
			} else if (args.every((arg) => arg.startsWith('-') || arg.startsWith('+'))) {
				// No script file: the shell runs whatever arrives on its input (`curl … | bash`).
				this.alwaysAsk.push(`\`${program}\` runs the commands it reads from its input`);
			}
		}
	}

	private env(words: readonly Word[], whole: string, unwrap: (index: number, assignments: readonly string[]) => void): void {
		const assignments: string[] = [];
		let index = 1;
		for (; index < words.length; index++) {
			const value = wordValue(words[index]);
			if (value === '-' || value === '-i' || value === '--ignore-environment' || value === '-0' || value === '--null' || value === '-v') {
				continue;
			}
			if (value === '-u' || value === '--unset' || value === '-C' || value === '--chdir') {
				index++;
				continue;
			}
			if (value.startsWith('--unset=') || value.startsWith('--chdir=') || /^-[uC]./.test(value)) {
				continue;
			}
			if (value.startsWith('-')) {
				// `-S` splits a string into a command; others are unknown: the wrapped command is unclear.
				this.alwaysAsk.push(`\`env ${value}\` hides which command runs`);
				this.subCommands.push({ text: whole, name: 'env', args: words.slice(1).map(wordValue) });
				return;
			}
			if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) {
				assignments.push(words[index].text);
				continue;
			}
			break;
		}
		if (index >= words.length) {
			this.subCommands.push({ text: whole, name: 'env', args: words.slice(1).map(wordValue) });
			return;
		}
		unwrap(index, assignments);
	}

	private find(command: SimpleCommand, args: readonly Word[], whole: string): void {
		for (let index = 0; index < args.length; index++) {
			if (!findExecutors.has(wordValue(args[index]))) {
				continue;
			}
			this.alwaysAsk.push(`\`find ${wordValue(args[index])}\` runs a command for each file`);
			let end = index + 1;
			while (end < args.length && wordValue(args[end]) !== ';' && wordValue(args[end]) !== '+') {
				end++;
			}
			if (end > index + 1) {
				this.run(command, args.slice(index + 1, end), whole);
			}
			index = end;
		}
	}

	// ---- arithmetic

	/** `(( … ))` or `for (( … ))`: the text between the tokens `open` and `close` is arithmetic. */
	private arithmeticCommand(node: SyntaxNode, open: string, close: string, display: (inner: string) => string): void {
		const children = node.children;
		const start = children.find((child) => child.type === open);
		const end = children.find((child) => child.type === close);
		if (!start || !end) {
			throw new UnsupportedSyntaxError(`\`${shorten(node.text)}\` is not supported`);
		}
		const inner = node.text.slice(start.endIndex - node.startIndex, end.startIndex - node.startIndex);
		const parts = namedChildren(node).filter((child) => child.startIndex >= start.endIndex && child.endIndex <= end.startIndex);
		this.arithmetic(inner, display(inner), parts);
	}

	/** bash evaluates a variable's value in arithmetic as an expression, and `a[$(…)]` in it runs code. */
	private arithmetic(expression: string, text: string, parts: readonly SyntaxNode[]): void {
		// Numbers may be written in hexadecimal (`0x1F`) or another base (`2#101`, `16#ff`).
		const withoutNumbers = expression.replace(/\b0[xX][0-9a-fA-F]+\b|\b[0-9]+#[0-9a-zA-Z@_]+/g, '0');
		if (!numericArithmetic.test(withoutNumbers)) {
			this.alwaysAsk.push(`arithmetic on variables (their values are evaluated as code): \`${shorten(text)}\``);
		}
		parts.forEach((part) => this.arithmeticPart(part));
	}

	/** Inside arithmetic: only substitutions and expansions matter, the text check above asks for the rest. */
	private arithmeticPart(node: SyntaxNode): void {
		this.enter(() => {
			switch (node.type) {
				case 'word':
				case 'number':
				case 'variable_name':
					if (node.namedChildCount === 0) {
						this.leaf(node, operand);
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
					this.word(node, operand);
					return;
			}
			namedChildren(node).forEach((child) => this.arithmeticPart(child));
		});
	}

	// ---- words

	/** Walks a word for what it runs (substitutions) and what makes a line ask (risky expansions). */
	private word(node: SyntaxNode, context: WordContext): void {
		this.enter(() => this.wordInside(node, context));
	}

	private wordInside(node: SyntaxNode, context: WordContext): void {
		if (!node.isNamed) {
			return;
		}
		const inner: WordContext = { quoted: context.quoted, shellWord: false };
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
						this.alwaysAsk.push(`an array subscript evaluated as arithmetic: \`${shorten(element.text)}\``);
					}
					this.word(element, context);
				}
				return;
			case 'simple_expansion':
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
				this.arithmetic(inside, node.text, namedChildren(node));
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
		const quoted: WordContext = { quoted: true, shellWord: false };
		let position = start;
		for (const child of namedChildren(node)) {
			if (child.startIndex > position) {
				// Text tree-sitter-bash gives no node of its own.
				this.text(node.text.slice(position - node.startIndex, child.startIndex - node.startIndex), true);
			}
			this.word(child, quoted);
			position = Math.max(position, child.endIndex);
		}
		if (end > position) {
			this.text(node.text.slice(position - node.startIndex, end - node.startIndex), true);
		}
	}

	/** A leaf tree-sitter-bash reads as plain text: it must be, or it is read again. */
	private leaf(node: SyntaxNode, context: WordContext): void {
		if (this.text(node.text, context.quoted)) {
			return;
		}
		// tree-sitter-bash reads `== x && rm -rf /` after a command's word as one `regex` in a subshell.
		if (context.shellWord && /[\s;&|<>()]/.test(withoutEscapes(node.text))) {
			throw new UnsupportedSyntaxError(`tree-sitter-bash reads \`${shorten(node.text)}\` as one word`);
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
		this.word(argument, { quoted: false, shellWord: false });
		return true;
	}

	/** `${…}`: what bash evaluates as arithmetic or code in it asks; its operands are words. */
	private expansion(node: SyntaxNode, context: WordContext): void {
		const children = fieldChildren(node);
		const text = node.text;
		if (children[1]?.node.type === '!') {
			this.alwaysAsk.push(`indirect expansion \`\${!…}\`: \`${shorten(text)}\``);
		}
		const operators = children.filter(({ node: child, field }) => field === 'operator' && !child.isNamed);
		if (operators.some(({ node: child }) => child.type === '@')) {
			this.alwaysAsk.push(`a parameter transformation \`\${…@…}\`: \`${shorten(text)}\``);
		}
		const substring = operators.find(({ node: child }) => child.type === ':');
		if (substring) {
			const offsets = text.slice(substring.node.endIndex - node.startIndex, -1);
			if (!/^[\s0-9:+-]*$/.test(offsets)) {
				this.alwaysAsk.push(`a substring offset evaluated as arithmetic: \`${shorten(text)}\``);
			}
		}
		for (const child of namedChildren(node)) {
			if (child.type === 'subscript') {
				this.subscript(child, context, text);
			} else {
				this.word(child, { quoted: context.quoted, shellWord: false });
			}
		}
	}

	/** `name[index]`: bash evaluates an index that is not a number, `@` or `*` as arithmetic. */
	private subscript(node: SyntaxNode, context: WordContext, shown = node.text): void {
		const index = node.childForFieldName('index');
		if (index && !/^\s*([0-9]+|@|\*)\s*$/.test(index.text)) {
			this.alwaysAsk.push(`an array subscript evaluated as arithmetic: \`${shorten(shown)}\``);
		}
		if (index) {
			this.word(index, { quoted: context.quoted, shellWord: false });
		}
	}

	/** `$(…)`, `` `…` ``, `<(…)`, `>(…)`: they run commands, which are analysed too. */
	private substitution(node: SyntaxNode): void {
		const kind = node.type === 'process_substitution' ? 'process' : 'command';
		this.alwaysAsk.push(`${kind} substitution \`${shorten(node.text)}\``);
		// Inside backquotes bash undoes `\$`, `` \` `` and `\\` first (`` \`…\` `` nests a substitution), which
		// tree-sitter-bash does not: such a line asks.
		if (node.text.startsWith('`') && /\\[$`\\]/.test(node.text.slice(1, -1))) {
			throw new UnsupportedSyntaxError(`backslash escapes inside backquotes: \`${shorten(node.text)}\``);
		}
		this.body(node);
		this.compoundRedirects(node.childrenForFieldName('redirect'));
	}
}

/** The value of `NAME=value` when static (quotes removed), else undefined. */
function assignmentValue(node: SyntaxNode): string | undefined {
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

/** A test expression's operands and operators in order (`-f`, `a`, `=`, `"$b"` …), without its nesting. */
function flattenExpression(nodes: readonly SyntaxNode[]): SyntaxNode[] {
	const tokens: SyntaxNode[] = [];
	const visit = (node: SyntaxNode): void => {
		if (expressionTypes.has(node.type)) {
			node.children.filter((child) => child.type !== 'comment').forEach(visit);
		} else {
			tokens.push(node);
		}
	};
	nodes.forEach(visit);
	return tokens;
}

/** The descendants of `node` (itself included) that `test` accepts. */
function descendants(node: SyntaxNode, test: (node: SyntaxNode) => boolean): SyntaxNode[] {
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

/** The index in `args` of the first argument that is not an option (options in `withValue` take the next one). */
function skipOptions(args: readonly string[], withValue: ReadonlySet<string>): number {
	let index = 0;
	while (index < args.length && args[index].startsWith('-') && args[index] !== '-') {
		if (args[index] === '--') {
			return index + 1;
		}
		index += withValue.has(args[index]) ? 2 : 1;
	}
	return index;
}
