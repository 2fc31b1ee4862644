/**
 * Simple commands: a command's assignments, words and redirections as bash reads them (the `time`
 * keyword, builtins tree-sitter-bash gives nodes of their own, `[ … ]` and `[[ … ]]`), recorded as
 * sub-commands. What a program does with its arguments (a wrapper running the command after its options,
 * `find -exec`, `bash -c`, …) is asked of the program registry (programs/registry.ts): nothing here knows
 * a program by name.
 */
import type { SubCommand } from './analyze';
import { arrayElement, subscriptReason } from './arithmetic';
import type { SyntaxNode } from './commandParser';
import type { WordWalker } from './expansions';
import type { Findings } from './findings';
import type { Argument } from './programs/knowledge';
import type { ProgramRegistry } from './programs/registry';
import { assignmentAsks } from './programs/variables';
import { judgeRedirects } from './fileAccess';
import { redirectParts, type ExpandedNode, type FileRedirect } from './redirects';
import { descendants, expressionTypes, fieldChildren, isPattern, namedChildren, reservedWords, shorten, staticValue, UnsupportedSyntaxError } from './syntax';
import { assignmentValue, fixedValue, joinAdjacent, operand, patternOf, pieceOf, unquotedWord, wordOf, wordValue, type Word, type WordPiece } from './words';

/** What the simple commands need of the walk of statements. */
export interface StatementWalk {
	/** A statement tree-sitter-bash hangs on a here-document (`| grep x`, `&& echo done`). */
	trailingStatement(node: SyntaxNode): void;
	/** Redirections that run no program of their own: their targets are walked. */
	compoundRedirects(redirects: readonly SyntaxNode[]): void;
	/**
	 * The values the variable `name` takes when it is the variable of an enclosing `for name in …` over
	 * words known from the line, which its body does not set otherwise; undefined else.
	 */
	loopValues(name: string): readonly string[] | undefined;
}

/** A simple command as bash runs it, its elements in the order they were written. */
interface SimpleCommand {
	readonly assignments: readonly string[];
	readonly words: readonly Word[];
	readonly redirects: readonly string[];
	readonly elements: readonly string[];
}

export class SimpleCommands {
	/**
	 * @param droppedDashes Per command (by node id), where a `-` tree-sitter-bash dropped from the tree
	 * stands among its arguments (see `droppedDashOwner` in analyze.ts).
	 */
	constructor(
		private readonly findings: Findings,
		private readonly words: WordWalker,
		private readonly statements: StatementWalk,
		private readonly droppedDashes: ReadonlyMap<number, readonly number[]>,
		private readonly programs: ProgramRegistry,
	) {}

	command(node: SyntaxNode, extraRedirects: readonly SyntaxNode[], pipelineStart: boolean): void {
		const elements: { readonly start: number; readonly text: string }[] = [];
		const assignments: SyntaxNode[] = [];
		const wordNodes: SyntaxNode[] = [];
		const redirects: string[] = [];
		const trailing: SyntaxNode[] = [];
		const expanded: ExpandedNode[] = [];
		const files: FileRedirect[] = [];
		const addRedirect = (redirect: SyntaxNode) => {
			const parts = redirectParts(redirect);
			files.push(...parts.files);
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
		wordNodes.forEach((word) => this.words.word(word, unquotedWord));
		this.words.redirectTargets(expanded);

		const dashes = (this.droppedDashes.get(node.id) ?? []).map((start): WordPiece => ({ start, end: start + 1, text: '-', value: '-' }));
		let words = joinAdjacent([...wordNodes.map((word) => pieceOf(word)), ...dashes]);
		for (const word of words) {
			elements.push({ start: word.pieces[0].start, text: word.text });
			this.findings.probeWord(word.text);
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
				// bash reads `-p` after it, and then `--`, as part of the keyword.
				let keyword = words[1]?.text === '-p' ? 2 : 1;
				keyword += words[keyword]?.text === '--' ? 1 : 0;
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
		const within = elements.map((element) => element.text).join(' ');
		judgeRedirects(this.findings, files, words.length > 0 ? { within, bare: words.map((word) => word.text).join(' ') } : undefined);
		this.simple(
			assignmentTexts,
			words,
			redirects,
			elements.map((element) => element.text),
		);
		trailing.forEach((statement) => this.statements.trailingStatement(statement));
	}

	/** Assignments (and redirections) with no command: checked, nothing recorded. */
	assignmentsOnly(assignments: readonly SyntaxNode[], redirects: readonly SyntaxNode[]): void {
		assignments.forEach((assignment) => this.assignment(assignment));
		this.statements.compoundRedirects(redirects);
		this.simple(
			assignments.map((assignment) => assignment.text),
			[],
			[],
			[],
		);
	}

	/** `export`, `local`, `declare`, `readonly`, `typeset`, `unset`: simple commands to bash. */
	builtin(node: SyntaxNode, extraRedirects: readonly SyntaxNode[]): void {
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
				this.words.shellWord(child);
				words.push(wordOf(child));
			}
		}
		this.record(words, extraRedirects);
	}

	/** `[ … ]` is the command `[`; `[[ … ]]` is a keyword of bash, which runs no program. */
	test(node: SyntaxNode, extraRedirects: readonly SyntaxNode[]): void {
		const open = node.firstChild?.type;
		const operands = flattenExpression(namedChildren(node));
		const regexes = new Set(descendants(node, (child) => child.type === 'binary_expression' && child.childForFieldName('operator')?.type === '=~').flatMap((expression) => expression.childrenForFieldName('right').map((right) => right.id)));
		for (const token of operands.filter((operandNode) => operandNode.isNamed && operandNode.type !== 'test_operator')) {
			if (open === '[') {
				this.words.shellWord(token);
			} else {
				this.words.word(token, operand);
				this.findings.probe({ kind: regexes.has(token.id) ? 'regex' : 'pattern', text: token.text });
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
					this.findings.ask(`\`[[ … ${operator} … ]]\` evaluates its operands as arithmetic`);
				}
			}
		}
		if (operands.some((token) => arrayElement.test(token.text))) {
			this.findings.ask('`[[ … ]]` is given an array element, whose subscript bash evaluates as code');
		}
		this.statements.compoundRedirects(extraRedirects);
	}

	/** Checks and records a simple command once its parts were walked. */
	private simple(assignments: readonly string[], words: readonly Word[], redirects: readonly string[], elements: readonly string[]): void {
		for (const assignment of assignments) {
			const subscript = /^[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]/.exec(assignment)?.[1];
			if (subscript !== undefined && !/^\s*[0-9]+\s*$/.test(subscript)) {
				this.findings.ask(subscriptReason(assignment));
			}
			const reason = assignmentAsks(assignment);
			if (reason !== undefined) {
				this.findings.ask(reason);
			}
		}
		if (words.length === 0) {
			// Assignments or redirections alone run no program.
			return;
		}
		this.run({ assignments, words, redirects, elements }, words, undefined);
	}

	/** Walks an assignment, and has mvdan/sh confirm it is one word (an array: each of its elements). */
	private assignment(node: SyntaxNode): void {
		const value = node.childForFieldName('value');
		if (value?.type === 'array') {
			namedChildren(value).forEach((element) => this.findings.probeWord(element.text));
		} else {
			this.findings.probeWord(node.text);
		}
		const name = node.childForFieldName('name');
		if (name?.type === 'subscript') {
			const index = name.childForFieldName('index');
			if (index) {
				this.words.word(index, operand);
			}
		}
		if (value) {
			this.words.word(value, unquotedWord);
		}
	}

	/** Records a builtin's or `[`'s words, with the redirections that belong to it. */
	private record(words: readonly Word[], extraRedirects: readonly SyntaxNode[]): void {
		const redirects: string[] = [];
		const trailing: SyntaxNode[] = [];
		const extraWords: Word[] = [];
		const files: FileRedirect[] = [];
		for (const redirect of extraRedirects) {
			const parts = redirectParts(redirect);
			files.push(...parts.files);
			this.words.redirectTargets(parts.expanded);
			parts.words.forEach((word) => {
				this.words.shellWord(word);
				extraWords.push(wordOf(word));
			});
			redirects.push(...parts.texts);
			trailing.push(...parts.trailing);
		}
		const allWords = [...words, ...extraWords];
		const command: SimpleCommand = { assignments: [], words: allWords, redirects, elements: [...allWords.map((word) => word.text), ...redirects] };
		const bare = allWords.map((word) => word.text).join(' ');
		judgeRedirects(this.findings, files, { within: command.elements.join(' '), bare });
		this.run(command, allWords, undefined);
		trailing.forEach((statement) => this.statements.trailingStatement(statement));
	}

	/**
	 * Records the program `words` run, looking through wrappers to the command they run (as the program
	 * registry tells). `wrapper` is the whole command as written once a wrapper was removed.
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
		const pattern = words.every((word) => fixedValue(word) !== undefined) ? {} : { pattern: words.map(patternOf).join(' ') };
		const subCommand = (bare: readonly string[]): SubCommand => ({
			text,
			name: name ?? first.text,
			args,
			bare: bare.join(' '),
			...(wrapper !== undefined ? { wrapper } : {}),
			...pattern,
		});
		const asWritten = words.map((word) => word.text);
		if (name === undefined || first.pieces.some(({ node }) => node !== undefined && node.isNamed && isPattern(node))) {
			this.findings.record(subCommand(asWritten));
			const how = name === undefined ? 'is known only when the line runs' : 'is a pattern matched against file names';
			this.findings.ask(`the program's name ${how}: \`${shorten(first.text)}\``);
			return;
		}
		const program = name.slice(name.lastIndexOf('/') + 1);
		const whole = wrapper ?? text;
		const verdict = this.programs.judge({ program, args: rest.map(argumentOf) });
		verdict.asks?.forEach((reason) => this.findings.ask(reason));
		for (const word of (verdict.reads ?? []).map((index) => rest[index]).filter((read) => read !== undefined)) {
			// `for f in src/*.ts; do wc -l "$f"; done`: the loop's words are what is read.
			const variable = /^"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?$/.exec(word.text)?.[1];
			const values = variable === undefined ? undefined : this.statements.loopValues(variable);
			for (const path of values ?? [wordValue(word)]) {
				this.findings.read({ path, fixed: values !== undefined || word.value !== undefined, by: `\`${program}\`` });
			}
		}
		const wrapped = verdict.wraps;
		if (wrapped !== undefined && wrapped.start < rest.length) {
			// Assignments given to an outer wrapper (`env A=1 timeout 5 …`) reach the command it runs.
			this.run(command, rest.slice(wrapped.start), whole, [...extraAssignments, ...(wrapped.assignments ?? [])]);
		} else if (verdict.wholeIsTheCommand === true) {
			this.findings.record({ text: whole, name: program, args, bare: whole, ...pattern });
		} else {
			this.findings.record(subCommand(verdict.canonical === undefined ? asWritten : [first.text, ...verdict.canonical]));
		}
		for (const inner of verdict.runs ?? []) {
			this.findings.ask(inner.reason);
			if (inner.end > inner.start) {
				this.run(command, rest.slice(inner.start, inner.end), whole);
			}
		}
	}
}

function argumentOf(word: Word): Argument {
	return { text: word.text, value: wordValue(word), literal: fixedValue(word) !== undefined };
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
