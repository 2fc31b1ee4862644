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
 *
 * This file checks the tree as a whole; the walk is walker.ts (statements), simpleCommands.ts,
 * expansions.ts (words), arithmetic.ts and redirects.ts; what redirections do to files is fileAccess.ts;
 * what programs do with their arguments is programs/ (see programs/knowledge.ts).
 */
import { defaultCommandParser, ShellParseError, type CommandParser, type ShellStatement, type SyntaxNode } from './commandParser';
import { confirm, type Probe } from './confirm';
import type { FileRead, FileWrite } from './fileAccess';
import { Findings } from './findings';
import { knownPrograms } from './programs/registry';
import { byteTable, descendants, namedChildren, shorten, skippedText, UnsupportedSyntaxError } from './syntax';
import { Walker } from './walker';

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
	/**
	 * The program and its arguments as written, without the assignments and redirections of `text`
	 * (`CI=true npm test >log` → `npm test`): allow rules match either. What assignments and redirections
	 * do is judged on its own (hijacking variables, writes, reads).
	 */
	readonly bare?: string;
	/**
	 * Further forms deny rules are checked against: the command as the program reads it once its global
	 * options are set aside (`git -C . push` → `git push`, `busybox rm x` → `rm x`).
	 */
	readonly deniable?: readonly string[];
	/**
	 * Set when a word is not a fixed string (`git pu$9sh`, `$cmd -rf x`): the command with each part
	 * known only when it runs written as {@link unknownPart}. A deny rule that any value of those parts
	 * would match denies.
	 */
	readonly pattern?: string;
}

export type CommandAnalysis =
	| {
			readonly ok: true;
			readonly subCommands: readonly SubCommand[];
			/** Why this line must always ask (constructs whose effect the line does not show); empty if none. */
			readonly alwaysAsk: readonly string[];
			/** Files redirections write (`/dev/null` and descriptor duplication are no writes). */
			readonly writes: readonly FileWrite[];
			/** Files whose contents the line reads, to be judged against the workspace. */
			readonly reads: readonly FileRead[];
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
		return { ok: true, subCommands: analysis.subCommands, alwaysAsk: analysis.alwaysAsk, writes: analysis.writes, reads: analysis.reads };
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
	// A here-document needs a `<<`: without one the walk of the whole tree is spared.
	if (line.includes('<<')) {
		checkHeredocs(root);
	}
	const statements = namedChildren(root);
	const bytes = byteTable(line);
	const starts = statements.map((statement) => bytes[statement.startIndex]);
	if (starts.length !== statementsOfMvdan.length || starts.some((start, index) => start !== statementsOfMvdan[index].start)) {
		return { ok: false, reason: 'could not parse: tree-sitter-bash and mvdan/sh read the statements of the line differently' };
	}
	const findings = new Findings();
	const walker = new Walker(findings, parseMore, dashes, knownPrograms());
	statements.forEach((statement) => walker.statement(statement));
	return {
		ok: true,
		subCommands: findings.subCommands,
		alwaysAsk: [...new Set(findings.alwaysAsk)],
		writes: findings.writes,
		reads: findings.reads,
		probes: findings.probes,
	};
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
