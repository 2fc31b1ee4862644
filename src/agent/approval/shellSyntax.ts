/**
 * The structure of a bash command line: lists, pipelines, compound commands, simple commands, words and
 * the substitutions inside them.
 *
 * Why this exists next to mvdan/sh: sh-syntax's `parse()` hands JavaScript only the top-level statements
 * and their redirections; every command node arrives as a bare `{ Pos, End }`, so its tree cannot be
 * walked from here. This reader finds the structure, and `verify.ts` then makes mvdan/sh confirm every
 * statement and word boundary it found: where the two disagree the line counts as unparseable and asks.
 * It fails closed: anything it does not know (arrays, extglob, coproc, select, `{fd}>` …) throws
 * {@link UnsupportedSyntaxError}, and the line asks.
 */

export class UnsupportedSyntaxError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnsupportedSyntaxError';
	}
}

interface Span {
	/** Offsets into the {@link Script.source} the node was read from. */
	readonly start: number;
	readonly end: number;
}

export interface Script extends Span {
	/** The text this script was read from: the command line, or the unescaped inside of backquotes. */
	readonly source: string;
	readonly statements: readonly Statement[];
}

export interface Statement extends Span {
	/** The pipelines joined by `&&` / `||`. */
	readonly pipelines: readonly Pipeline[];
	readonly background: boolean;
}

export interface Pipeline extends Span {
	readonly commands: readonly Command[];
	readonly negated: boolean;
	/** Prefixed by the `time` keyword. */
	readonly timed: boolean;
}

export type Command =
	| SimpleCommand
	| (Span & { readonly kind: 'subshell' | 'group'; readonly body: Script; readonly redirects: readonly Redirect[] })
	| (Span & { readonly kind: 'if' | 'loop'; readonly lists: readonly Script[]; readonly redirects: readonly Redirect[] })
	| (Span & { readonly kind: 'for'; readonly words: readonly Word[]; readonly arithmetic?: ArithmeticText; readonly body: Script; readonly redirects: readonly Redirect[] })
	| (Span & { readonly kind: 'case'; readonly word: Word; readonly patterns: readonly Word[]; readonly bodies: readonly Script[]; readonly redirects: readonly Redirect[] })
	| (Span & { readonly kind: 'arithmetic'; readonly expression: ArithmeticText; readonly redirects: readonly Redirect[] })
	| (Span & {
			readonly kind: 'test';
			readonly words: readonly Word[];
			readonly operators: readonly string[];
			/** The right sides of `=~` (also in `words`): read by other rules, so checked apart. */
			readonly regexWords: readonly Word[];
			readonly redirects: readonly Redirect[];
	  })
	| (Span & { readonly kind: 'function'; readonly name: string; readonly body: Command });

/** Every command but simple commands and function definitions: these take trailing redirections. */
export type CompoundCommand = Exclude<Command, { readonly kind: 'simple' | 'function' }>;

export interface SimpleCommand extends Span {
	readonly kind: 'simple';
	readonly assignments: readonly Word[];
	readonly words: readonly Word[];
	readonly redirects: readonly Redirect[];
	/** Assignments, words and redirections in the order they were written. */
	readonly elements: readonly (Word | Redirect)[];
}

export interface Redirect extends Span {
	readonly kind: 'redirect';
	/** The operator with its file descriptor, e.g. `>`, `2>&`, `<<`. */
	readonly operator: string;
	readonly target: Word;
	/** The body's parts; only for a here-document whose delimiter is unquoted (its body is expanded). */
	readonly heredocParts?: readonly WordPart[];
}

export interface Word extends Span {
	readonly kind: 'word';
	readonly text: string;
	readonly parts: readonly WordPart[];
}

/** An arithmetic expression's text and the expansions inside it. */
export interface ArithmeticText {
	readonly text: string;
	readonly parts: readonly WordPart[];
}

export type WordPart =
	| (Span & { readonly kind: 'literal'; readonly value: string })
	/** `'…'`, or `$'…'` whose value is only known when it holds no backslash escape. */
	| (Span & { readonly kind: 'single'; readonly value: string | undefined })
	| (Span & { readonly kind: 'double'; readonly parts: readonly WordPart[] })
	| (Span & { readonly kind: 'parameter'; readonly text: string; readonly parts: readonly WordPart[]; readonly risk?: string })
	| (Span & { readonly kind: 'command'; readonly text: string; readonly body: Script })
	| (Span & { readonly kind: 'process'; readonly text: string; readonly body: Script })
	| (Span & { readonly kind: 'arithmetic'; readonly text: string; readonly expression: ArithmeticText });

const maximumDepth = 64;
const blanks = new Set([' ', '\t']);
const metacharacters = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const listTerminators = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}']);
const redirectOperators = ['<<<', '<<-', '&>>', '<<', '<>', '<&', '>>', '>&', '>|', '&>', '<', '>'];
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const assignmentPattern = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

interface PendingHeredoc {
	readonly delimiter: string;
	readonly stripTabs: boolean;
	readonly expands: boolean;
	readonly redirect: { heredocParts?: readonly WordPart[] };
}

/** How a run of word parts ends and which quoting applies inside it. */
interface PartsMode {
	readonly isEnd: (reader: Reader) => boolean;
	/** `'…'` and `$'…'` / `$"…"` quote (not inside double quotes or here-documents). */
	readonly quotes: boolean;
	/** `"` opens double quotes (false where it ends them or is plain text). */
	readonly doubleQuotes: boolean;
	/** Count `{ }`, `( )` or `[ ]` so the end is only seen at depth 0. */
	readonly nesting?: '{}' | '()' | '[]';
	/** A plain shell word, where `@(…)`-style extended globs would start. */
	readonly word?: boolean;
	/** What the run is called in error messages. */
	readonly what: string;
}

export function parseScript(source: string): Script {
	return new Reader(source, 0).readWholeScript();
}

class Reader {
	position = 0;
	private readonly pending: PendingHeredoc[] = [];

	/**
	 * @param nestingDepth How deep in commands, quotes and expansions the reader is; a reader for the
	 * inside of backquotes or a here-document goes on from its parent's depth, so one bound holds.
	 */
	constructor(
		readonly source: string,
		private nestingDepth: number,
	) {}

	readWholeScript(): Script {
		const script = this.readList();
		if (!this.atEnd()) {
			throw this.unexpected();
		}
		if (this.pending.length > 0) {
			this.readHeredocBodies();
		}
		return script;
	}

	// ---- characters

	atEnd(): boolean {
		return this.position >= this.source.length;
	}

	peek(ahead = 0): string {
		return this.source.charAt(this.position + ahead);
	}

	startsWith(text: string): boolean {
		return this.source.startsWith(text, this.position);
	}

	private unexpected(): UnsupportedSyntaxError {
		if (this.atEnd()) {
			return new UnsupportedSyntaxError('unexpected end of input');
		}
		return new UnsupportedSyntaxError(`unexpected \`${this.peek()}\` at offset ${this.position}`);
	}

	private skipBlanks(): void {
		for (;;) {
			if (blanks.has(this.peek())) {
				this.position++;
			} else if (this.startsWith('\\\n')) {
				this.position += 2;
			} else {
				return;
			}
		}
	}

	private skipComment(): void {
		if (this.peek() === '#') {
			while (!this.atEnd() && this.peek() !== '\n') {
				this.position++;
			}
		}
	}

	/** Blanks, comments and newlines (reading here-document bodies after each newline). */
	private skipLinebreaks(): boolean {
		let readHeredoc = false;
		for (;;) {
			this.skipBlanks();
			this.skipComment();
			if (this.peek() !== '\n') {
				return readHeredoc;
			}
			this.position++;
			if (this.pending.length > 0) {
				this.readHeredocBodies();
				readHeredoc = true;
			}
		}
	}

	/** The reserved word at the position, when one stands there as a whole word. */
	private reservedWord(): string | undefined {
		const match = /^(\{|\}|!|\[\[|[a-z]+)/.exec(this.source.slice(this.position, this.position + 10));
		if (!match) {
			return undefined;
		}
		const after = this.source.charAt(this.position + match[1].length);
		if (after !== '' && !metacharacters.has(after)) {
			return undefined;
		}
		return match[1];
	}

	private expectWord(word: string): void {
		this.skipLinebreaks();
		if (this.reservedWord() !== word) {
			throw new UnsupportedSyntaxError(`expected \`${word}\` at offset ${this.position}`);
		}
		this.position += word.length;
	}

	private expect(text: string): void {
		if (!this.startsWith(text)) {
			throw new UnsupportedSyntaxError(`expected \`${text}\` at offset ${this.position}`);
		}
		this.position += text.length;
	}

	// ---- lists

	/** Statements up to the end, `)`, `;;` or a closing reserved word (left for the caller). */
	private readList(): Script {
		const statements: Statement[] = [];
		let end = this.position;
		let start: number | undefined;
		for (;;) {
			if (this.skipLinebreaks()) {
				end = Math.max(end, this.position);
			}
			if (this.atListEnd()) {
				break;
			}
			const statement = this.readStatement();
			start ??= statement.start;
			statements.push(statement);
			end = Math.max(end, statement.end);
		}
		return { source: this.source, start: start ?? this.position, end: statements.length > 0 ? end : this.position, statements };
	}

	private atListEnd(): boolean {
		if (this.atEnd() || this.peek() === ')' || this.startsWith(';;') || this.startsWith(';&')) {
			return true;
		}
		const word = this.reservedWord();
		return word !== undefined && listTerminators.has(word);
	}

	private readStatement(): Statement {
		const start = this.position;
		const pipelines = [this.readPipeline()];
		for (;;) {
			this.skipBlanks();
			if (this.startsWith('&&') || this.startsWith('||')) {
				this.position += 2;
				this.skipLinebreaks();
				pipelines.push(this.readPipeline());
			} else {
				break;
			}
		}
		let end = this.position;
		let background = false;
		this.skipBlanks();
		this.skipComment();
		if (this.peek() === '&' && !this.startsWith('&>')) {
			background = true;
			this.position++;
			end = this.position;
		} else if (this.peek() === ';' && !this.startsWith(';;') && !this.startsWith(';&')) {
			this.position++;
			end = this.position;
		} else if (!this.atEnd() && this.peek() !== '\n' && !this.atListEnd()) {
			throw this.unexpected();
		}
		return { start, end, pipelines, background };
	}

	private readPipeline(): Pipeline {
		const start = this.position;
		let timed = false;
		let negated = false;
		if (this.reservedWord() === 'time') {
			timed = true;
			this.position += 4;
			this.skipBlanks();
			if (this.startsWith('-p') && (this.peek(2) === '' || metacharacters.has(this.peek(2)))) {
				this.position += 2;
				this.skipBlanks();
			}
		}
		while (this.reservedWord() === '!') {
			negated = !negated;
			this.position++;
			this.skipBlanks();
		}
		const commands = [this.readCommand()];
		for (;;) {
			this.skipBlanks();
			if (this.peek() === '|' && !this.startsWith('||')) {
				this.position += this.startsWith('|&') ? 2 : 1;
				this.skipLinebreaks();
				commands.push(this.readCommand());
			} else {
				break;
			}
		}
		return { start, end: this.position, commands, negated, timed };
	}

	// ---- commands

	private readCommand(): Command {
		this.skipBlanks();
		if (this.atEnd() || [';', '&', '|', ')', '\n'].includes(this.peek())) {
			throw new UnsupportedSyntaxError(`expected a command at offset ${this.position}`);
		}
		this.enter();
		try {
			if (this.startsWith('((')) {
				return this.withRedirects(this.readArithmeticCommand());
			}
			if (this.peek() === '(') {
				const start = this.position;
				this.position++;
				const body = this.readList();
				this.expect(')');
				return this.withRedirects({ kind: 'subshell', start, end: this.position, body, redirects: [] });
			}
			switch (this.reservedWord()) {
				case '{':
					return this.withRedirects(this.readGroup());
				case 'if':
					return this.withRedirects(this.readIf());
				case 'while':
				case 'until':
					return this.withRedirects(this.readLoop());
				case 'for':
					return this.withRedirects(this.readFor());
				case 'case':
					return this.withRedirects(this.readCase());
				case '[[':
					return this.withRedirects(this.readTest());
				case 'function':
					return this.readFunctionKeyword();
				case 'select':
				case 'coproc':
					throw new UnsupportedSyntaxError(`\`${this.reservedWord() ?? ''}\` is not supported`);
				case 'then':
				case 'elif':
				case 'else':
				case 'fi':
				case 'do':
				case 'done':
				case 'esac':
				case '}':
				case 'in':
					throw this.unexpected();
				default:
					return this.readSimpleCommand();
			}
		} finally {
			this.nestingDepth--;
		}
	}

	private enter(): void {
		this.nestingDepth++;
		if (this.nestingDepth > maximumDepth) {
			throw new UnsupportedSyntaxError('nesting is too deep');
		}
	}

	private withRedirects(command: CompoundCommand): CompoundCommand {
		const redirects: Redirect[] = [];
		for (;;) {
			this.skipBlanks();
			if (!this.atRedirect()) {
				break;
			}
			redirects.push(this.readRedirect());
		}
		return redirects.length > 0 ? { ...command, end: this.position, redirects } : command;
	}

	private readGroup(): CompoundCommand {
		const start = this.position;
		this.position++;
		const body = this.readList();
		this.expectWord('}');
		return { kind: 'group', start, end: this.position, body, redirects: [] };
	}

	private readIf(): CompoundCommand {
		const start = this.position;
		this.position += 2;
		const lists: Script[] = [];
		for (;;) {
			lists.push(this.readList());
			this.expectWord('then');
			lists.push(this.readList());
			this.skipLinebreaks();
			const word = this.reservedWord();
			if (word === 'elif') {
				this.position += 4;
				continue;
			}
			if (word === 'else') {
				this.position += 4;
				lists.push(this.readList());
			}
			this.expectWord('fi');
			return { kind: 'if', start, end: this.position, lists, redirects: [] };
		}
	}

	private readLoop(): CompoundCommand {
		const start = this.position;
		// `while` and `until` are both five letters.
		this.position += 5;
		const condition = this.readList();
		this.expectWord('do');
		const body = this.readList();
		this.expectWord('done');
		return { kind: 'loop', start, end: this.position, lists: [condition, body], redirects: [] };
	}

	private readFor(): CompoundCommand {
		const start = this.position;
		this.position += 3;
		this.skipBlanks();
		let arithmetic: ArithmeticText | undefined;
		const words: Word[] = [];
		if (this.startsWith('((')) {
			arithmetic = this.readArithmeticCommand().expression;
			this.skipBlanks();
			if (this.peek() === ';') {
				this.position++;
			}
		} else {
			const name = this.readWord();
			if (!namePattern.test(name.text)) {
				throw new UnsupportedSyntaxError(`\`${name.text}\` is not a loop variable name`);
			}
			this.skipLinebreaks();
			if (this.reservedWord() === 'in') {
				this.position += 2;
				for (;;) {
					this.skipBlanks();
					if (this.peek() === '#') {
						this.skipComment();
					}
					if (this.atEnd() || this.peek() === ';' || this.peek() === '\n') {
						break;
					}
					words.push(this.readWord());
				}
			}
			this.skipBlanks();
			if (this.peek() === ';') {
				this.position++;
			}
		}
		this.expectWord('do');
		const body = this.readList();
		this.expectWord('done');
		return { kind: 'for', start, end: this.position, words, ...(arithmetic ? { arithmetic } : {}), body, redirects: [] };
	}

	private readCase(): CompoundCommand {
		const start = this.position;
		this.position += 4;
		this.skipBlanks();
		const word = this.readWord();
		this.expectWord('in');
		const patterns: Word[] = [];
		const bodies: Script[] = [];
		for (;;) {
			this.skipLinebreaks();
			if (this.reservedWord() === 'esac') {
				this.position += 4;
				break;
			}
			if (this.peek() === '(') {
				this.position++;
			}
			for (;;) {
				this.skipBlanks();
				patterns.push(this.readWord());
				this.skipBlanks();
				if (this.peek() === '|') {
					this.position++;
					continue;
				}
				this.expect(')');
				break;
			}
			bodies.push(this.readList());
			if (this.startsWith(';;&')) {
				this.position += 3;
			} else if (this.startsWith(';;') || this.startsWith(';&')) {
				this.position += 2;
			} else {
				this.skipLinebreaks();
				this.expectWord('esac');
				break;
			}
		}
		return { kind: 'case', start, end: this.position, word, patterns, bodies, redirects: [] };
	}

	private readTest(): CompoundCommand {
		const start = this.position;
		this.position += 2;
		const words: Word[] = [];
		const operators: string[] = [];
		const regexWords: Word[] = [];
		let regexNext = false;
		for (;;) {
			this.skipLinebreaks();
			if (this.atEnd()) {
				throw this.unexpected();
			}
			if (this.startsWith(']]') && (this.peek(2) === '' || metacharacters.has(this.peek(2)))) {
				this.position += 2;
				break;
			}
			const operator = ['&&', '||', '(', ')', '<', '>'].find((candidate) => this.startsWith(candidate));
			if (operator && !regexNext) {
				operators.push(operator);
				this.position += operator.length;
				continue;
			}
			const word: Word = regexNext ? this.readRegexWord() : this.readWord();
			if (regexNext) {
				regexWords.push(word);
			}
			regexNext = word.text === '=~';
			if (word.text.startsWith('-') && namePattern.test(word.text.slice(1))) {
				operators.push(word.text);
			}
			words.push(word);
		}
		return { kind: 'test', start, end: this.position, words, operators, regexWords, redirects: [] };
	}

	/** The right side of `=~`, where `(`, `)` and `|` belong to the regular expression. */
	private readRegexWord(): Word {
		return this.readWordWith({
			isEnd: (reader) => reader.atEnd() || blanks.has(reader.peek()) || reader.peek() === '\n',
			quotes: true,
			doubleQuotes: true,
			nesting: '()',
			what: 'regular expression',
		});
	}

	private readArithmeticCommand(): Command & { readonly kind: 'arithmetic' } {
		const start = this.position;
		this.position += 2;
		const expression = this.readArithmeticUntil('))');
		return { kind: 'arithmetic', start, end: this.position, expression, redirects: [] };
	}

	private readFunctionKeyword(): Command {
		const start = this.position;
		this.position += 'function'.length;
		this.skipBlanks();
		const name = this.readWord();
		this.skipBlanks();
		if (this.startsWith('(')) {
			this.position++;
			this.skipBlanks();
			this.expect(')');
		}
		this.skipLinebreaks();
		const body = this.readCommand();
		return { kind: 'function', start, end: this.position, name: name.text, body };
	}

	private readSimpleCommand(): Command {
		const start = this.position;
		const assignments: Word[] = [];
		const words: Word[] = [];
		const redirects: Redirect[] = [];
		const elements: (Word | Redirect)[] = [];
		let end = this.position;
		for (;;) {
			this.skipBlanks();
			const next = this.peek();
			if (this.atEnd() || next === ';' || next === '|' || next === ')' || next === '\n' || (next === '&' && !this.startsWith('&>'))) {
				break;
			}
			if (next === '#') {
				this.skipComment();
				continue;
			}
			if (next === '(') {
				if (words.length === 1 && assignments.length === 0 && redirects.length === 0 && namePattern.test(words[0].text.replace(/[-.:]/g, '_'))) {
					this.position++;
					this.skipBlanks();
					this.expect(')');
					this.skipLinebreaks();
					const body = this.readCommand();
					return { kind: 'function', start, end: this.position, name: words[0].text, body };
				}
				throw this.unexpected();
			}
			if (this.atRedirect()) {
				const redirect = this.readRedirect();
				redirects.push(redirect);
				elements.push(redirect);
			} else {
				const word = this.readWord();
				if (words.length === 0 && assignmentPattern.test(word.text)) {
					if (this.peek() === '(') {
						throw new UnsupportedSyntaxError('array assignments are not supported');
					}
					assignments.push(word);
				} else {
					words.push(word);
				}
				elements.push(word);
			}
			end = this.position;
		}
		return { kind: 'simple', start, end, assignments, words, redirects, elements };
	}

	// ---- redirections

	private atRedirect(): boolean {
		if (/^\{[A-Za-z_][A-Za-z0-9_]*\}[<>]/.test(this.source.slice(this.position, this.position + 80))) {
			throw new UnsupportedSyntaxError('redirections to a `{variable}` file descriptor are not supported');
		}
		const match = /^[0-9]*/.exec(this.source.slice(this.position, this.position + 12));
		const afterDigits = this.position + (match ? match[0].length : 0);
		const next = this.source.charAt(afterDigits);
		if (next === '<' || next === '>') {
			// `<(` and `>(` start a process substitution, a word.
			return !(afterDigits === this.position && this.source.charAt(afterDigits + 1) === '(');
		}
		return afterDigits === this.position && this.startsWith('&>');
	}

	private readRedirect(): Redirect {
		const start = this.position;
		const digits = /^[0-9]*/.exec(this.source.slice(this.position, this.position + 12))?.[0] ?? '';
		this.position += digits.length;
		const operator = redirectOperators.find((candidate) => this.startsWith(candidate));
		if (!operator) {
			throw this.unexpected();
		}
		this.position += operator.length;
		this.skipBlanks();
		const target = this.readWord();
		const redirect: { kind: 'redirect'; start: number; end: number; operator: string; target: Word; heredocParts?: readonly WordPart[] } = {
			kind: 'redirect',
			start,
			end: this.position,
			operator: digits + operator,
			target,
		};
		if (operator === '<<' || operator === '<<-') {
			const delimiter = staticValue(target.parts);
			if (delimiter === undefined) {
				throw new UnsupportedSyntaxError('a here-document delimiter with expansions is not supported');
			}
			const quoted = target.parts.some((part) => part.kind !== 'literal') || target.text.includes('\\');
			this.pending.push({ delimiter, stripTabs: operator === '<<-', expands: !quoted, redirect });
		}
		return redirect;
	}

	private readHeredocBodies(): void {
		const pending = this.pending.splice(0);
		for (const heredoc of pending) {
			const bodyStart = this.position;
			let bodyEnd = this.source.length;
			while (!this.atEnd()) {
				const newline = this.source.indexOf('\n', this.position);
				const lineEnd = newline === -1 ? this.source.length : newline;
				const line = this.source.slice(this.position, lineEnd);
				const nextLine = newline === -1 ? this.source.length : newline + 1;
				if ((heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) {
					bodyEnd = this.position;
					this.position = nextLine;
					break;
				}
				this.position = nextLine;
			}
			if (heredoc.expands) {
				const body = new Reader(this.source.slice(bodyStart, bodyEnd), this.nestingDepth + 1);
				heredoc.redirect.heredocParts = body.readParts({ isEnd: (reader) => reader.atEnd(), quotes: false, doubleQuotes: false, what: 'here-document' });
			}
		}
	}

	// ---- words

	readWord(): Word {
		return this.readWordWith({
			isEnd: (reader) => reader.atEnd() || (metacharacters.has(reader.peek()) && !reader.atProcessSubstitution()),
			quotes: true,
			doubleQuotes: true,
			word: true,
			what: 'word',
		});
	}

	private atProcessSubstitution(): boolean {
		return (this.peek() === '<' || this.peek() === '>') && this.peek(1) === '(';
	}

	private readWordWith(mode: PartsMode): Word {
		const start = this.position;
		const parts = this.readParts(mode);
		if (this.position === start) {
			throw this.unexpected();
		}
		return { kind: 'word', start, end: this.position, text: this.source.slice(start, this.position), parts };
	}

	/** Word parts up to where `mode` says the run ends (the end itself is not consumed). */
	readParts(mode: PartsMode): WordPart[] {
		// Quotes and expansions nest without passing through a command (`"${a:-"${a:-…}"}"`).
		this.enter();
		try {
			return this.readPartsInside(mode);
		} finally {
			this.nestingDepth--;
		}
	}

	private readPartsInside(mode: PartsMode): WordPart[] {
		const parts: WordPart[] = [];
		let literalStart = -1;
		let literal = '';
		let depth = 0;
		const flush = () => {
			if (literalStart >= 0) {
				parts.push({ kind: 'literal', start: literalStart, end: this.position, value: literal });
				literalStart = -1;
				literal = '';
			}
		};
		const addLiteral = (value: string, length: number) => {
			if (literalStart < 0) {
				literalStart = this.position;
			}
			literal += value;
			this.position += length;
		};
		const [open, close] = mode.nesting ? [mode.nesting[0], mode.nesting[1]] : ['', ''];
		for (;;) {
			if (depth === 0 && mode.isEnd(this)) {
				break;
			}
			if (this.atEnd()) {
				throw new UnsupportedSyntaxError(`unterminated ${mode.what}`);
			}
			const next = this.peek();
			if (next === '\\') {
				const escaped = this.peek(1);
				if (escaped === '\n') {
					addLiteral('', 2);
				} else if (mode.quotes || '$`"\\'.includes(escaped)) {
					addLiteral(escaped, escaped === '' ? 1 : 2);
				} else {
					addLiteral('\\', 1);
				}
				continue;
			}
			if (next === "'" && mode.quotes) {
				flush();
				const start = this.position;
				const quoteEnd = this.source.indexOf("'", start + 1);
				if (quoteEnd === -1) {
					throw new UnsupportedSyntaxError('unterminated single quote');
				}
				this.position = quoteEnd + 1;
				parts.push({ kind: 'single', start, end: this.position, value: this.source.slice(start + 1, quoteEnd) });
				continue;
			}
			if (next === '"' && mode.doubleQuotes) {
				flush();
				parts.push(this.readDoubleQuoted(1));
				continue;
			}
			if (next === '`') {
				flush();
				parts.push(this.readBackquoted(!mode.quotes));
				continue;
			}
			if (next === '$') {
				const part = this.readDollar(mode.quotes);
				if (part) {
					flush();
					parts.push(part);
				} else {
					addLiteral('$', 1);
				}
				continue;
			}
			// Unquoted, bash substitutes `<(…)` anywhere, even in `${x:-<(…)}` and mid-word.
			if (this.atProcessSubstitution() && mode.quotes) {
				flush();
				parts.push(this.readProcessSubstitution());
				continue;
			}
			if (mode.word && '@?*+!'.includes(next) && this.peek(1) === '(') {
				throw new UnsupportedSyntaxError('extended glob patterns are not supported');
			}
			if (next === open) {
				depth++;
			} else if (next === close && depth > 0) {
				depth--;
			}
			addLiteral(next, 1);
		}
		flush();
		return parts;
	}

	/** `"…"` (prefix 1) or `$"…"` (prefix 2). */
	private readDoubleQuoted(prefix: number): WordPart {
		const start = this.position;
		this.position += prefix;
		const parts = this.readParts({ isEnd: (reader) => reader.peek() === '"', quotes: false, doubleQuotes: false, what: 'double quote' });
		this.position++;
		return { kind: 'double', start, end: this.position, parts };
	}

	/** `` `…` ``: the inside, with its backslash escapes undone, is a script of its own. */
	private readBackquoted(inDoubleQuotes: boolean): WordPart {
		const start = this.position;
		let inner = '';
		let index = start + 1;
		for (;;) {
			if (index >= this.source.length) {
				throw new UnsupportedSyntaxError('unterminated backquote');
			}
			const next = this.source.charAt(index);
			if (next === '`') {
				break;
			}
			if (next === '\\') {
				const escaped = this.source.charAt(index + 1);
				if ('$`\\'.includes(escaped) || (inDoubleQuotes && escaped === '"')) {
					inner += escaped;
				} else {
					inner += next + escaped;
				}
				index += 2;
				continue;
			}
			inner += next;
			index++;
		}
		this.position = index + 1;
		const body = new Reader(inner, this.nestingDepth + 1).readWholeScript();
		return { kind: 'command', start, end: this.position, text: this.source.slice(start, this.position), body };
	}

	private readProcessSubstitution(): WordPart {
		const start = this.position;
		this.position += 2;
		const body = this.readList();
		this.expect(')');
		return { kind: 'process', start, end: this.position, text: this.source.slice(start, this.position), body };
	}

	/** An expansion starting with `$`, or undefined when the `$` is plain text. */
	private readDollar(unquoted: boolean): WordPart | undefined {
		const start = this.position;
		const next = this.peek(1);
		if (next === '(' && this.peek(2) === '(') {
			this.position += 3;
			const expression = this.readArithmeticUntil('))');
			return { kind: 'arithmetic', start, end: this.position, text: this.source.slice(start, this.position), expression };
		}
		if (next === '(') {
			this.position += 2;
			const body = this.readList();
			this.expect(')');
			return { kind: 'command', start, end: this.position, text: this.source.slice(start, this.position), body };
		}
		if (next === '[') {
			this.position += 2;
			const expression = this.readArithmeticUntil(']');
			return { kind: 'arithmetic', start, end: this.position, text: this.source.slice(start, this.position), expression };
		}
		if (next === '{') {
			return this.readBraceParameter(unquoted);
		}
		if (next === "'" && unquoted) {
			let index = start + 2;
			while (index < this.source.length && this.source.charAt(index) !== "'") {
				index += this.source.charAt(index) === '\\' ? 2 : 1;
			}
			if (index >= this.source.length) {
				throw new UnsupportedSyntaxError('unterminated $\'…\' quote');
			}
			const content = this.source.slice(start + 2, index);
			this.position = index + 1;
			return { kind: 'single', start, end: this.position, value: content.includes('\\') ? undefined : content };
		}
		if (next === '"' && unquoted) {
			return this.readDoubleQuoted(2);
		}
		const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(this.source.slice(start + 1, start + 200));
		if (name) {
			this.position += 1 + name[1].length;
			return { kind: 'parameter', start, end: this.position, text: this.source.slice(start, this.position), parts: [] };
		}
		return undefined;
	}

	/**
	 * `${…}`. Expansions inside are read as parts; what bash evaluates as arithmetic (subscripts and
	 * substring offsets that name variables) or as code (`${!name}`, `${name@P}`) is noted as a risk.
	 */
	private readBraceParameter(unquoted: boolean): WordPart {
		const start = this.position;
		this.position += 2;
		let risk: string | undefined;
		if (this.peek() === '!') {
			risk = 'indirect expansion `${!…}`';
			this.position++;
		} else if (this.peek() === '#' && this.peek(1) !== '}') {
			this.position++;
		}
		const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(this.source.slice(this.position, this.position + 200));
		if (!name) {
			throw new UnsupportedSyntaxError(`a parameter expansion without a name at offset ${start}`);
		}
		this.position += name[1].length;
		const parts: WordPart[] = [];
		if (this.peek() === '[') {
			this.position++;
			const subscript = this.readArithmeticUntil(']');
			if (!/^\s*([0-9]+|@|\*)\s*$/.test(subscript.text)) {
				risk ??= 'an array subscript evaluated as arithmetic';
			}
			parts.push(...subscript.parts);
		}
		const operator = /^(:[-=+?]|[-=+?]|##?|%%?|\/[/#%]?|\^\^?|,,?|@|:)/.exec(this.source.slice(this.position, this.position + 3))?.[1];
		if (operator) {
			this.position += operator.length;
			if (operator === '@') {
				risk ??= 'a parameter transformation `${…@…}`';
			}
			const rest = this.readParts({
				isEnd: (reader) => reader.peek() === '}',
				quotes: unquoted,
				doubleQuotes: true,
				nesting: '{}',
				what: 'parameter expansion',
			});
			if (operator === ':') {
				const offsets = this.source.slice(rest[0]?.start ?? this.position, this.position);
				if (!/^[\s0-9:+-]*$/.test(offsets)) {
					risk ??= 'a substring offset evaluated as arithmetic';
				}
			}
			parts.push(...rest);
		}
		this.expect('}');
		return { kind: 'parameter', start, end: this.position, text: this.source.slice(start, this.position), parts, ...(risk ? { risk } : {}) };
	}

	/** An arithmetic expression up to `))` or `]` at parenthesis depth 0 (consumed). */
	private readArithmeticUntil(end: '))' | ']'): ArithmeticText {
		const start = this.position;
		const parts = this.readParts({
			isEnd: (reader) => reader.startsWith(end),
			quotes: false,
			doubleQuotes: true,
			nesting: end === ']' ? '[]' : '()',
			what: 'arithmetic expression',
		});
		const text = this.source.slice(start, this.position);
		this.position += end.length;
		return { text, parts };
	}
}

/** The word's value when it holds no expansion (quotes and escapes removed), else undefined. */
export function staticValue(parts: readonly WordPart[]): string | undefined {
	let value = '';
	for (const part of parts) {
		if (part.kind === 'literal') {
			value += part.value;
		} else if (part.kind === 'single') {
			if (part.value === undefined) {
				return undefined;
			}
			value += part.value;
		} else if (part.kind === 'double') {
			const inner = staticValue(part.parts);
			if (inner === undefined) {
				return undefined;
			}
			value += inner;
		} else {
			return undefined;
		}
	}
	return value;
}

/**
 * Whether unquoted text of the word could expand to other words: a glob (`*`, `?`, `[…]`) or a brace
 * expansion (`{a,b}`, `{1..3}`). A lone `[` (the test command) is none.
 */
export function hasUnquotedPattern(parts: readonly WordPart[]): boolean {
	return parts.some((part) => part.kind === 'literal' && (/[*?]/.test(part.value) || /\[.*\]/.test(part.value) || /\{.*(,|\.\.).*\}/.test(part.value)));
}
