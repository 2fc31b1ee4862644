/**
 * What a command line runs: its simple commands (through lists, pipelines, subshells, blocks, `if` /
 * loop / `case` bodies, functions and substitutions) and the constructs that must always ask because
 * what they run cannot be known from the line.
 */
import { defaultCommandParser, ShellParseError, type CommandParser } from './commandParser';
import {
	hasUnquotedPattern,
	parseScript,
	staticValue,
	UnsupportedSyntaxError,
	type ArithmeticText,
	type Command,
	type Redirect,
	type Script,
	type SimpleCommand,
	type Word,
	type WordPart,
} from './shellSyntax';
import { verifyStructure } from './verify';

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

/**
 * Splits a command line into what it runs. It is parsed twice: by mvdan/sh (a line it rejects is
 * unparseable) and by our reader, whose statement and word boundaries mvdan/sh must confirm.
 */
export async function analyzeCommand(line: string, parser: CommandParser = defaultCommandParser()): Promise<CommandAnalysis> {
	try {
		const parsed = await parser.parse(line);
		const script = parseScript(line);
		const difference = await verifyStructure(line, script, parsed, parser);
		if (difference !== undefined) {
			return { ok: false, reason: `could not parse: the shell parser reads ${difference} differently` };
		}
		const walker = new Walker();
		walker.script(script);
		return { ok: true, subCommands: walker.subCommands, alwaysAsk: [...new Set(walker.alwaysAsk)] };
	} catch (error) {
		// Whatever went wrong (even a bug of ours), the line is not understood, so it asks: never throw.
		const known = error instanceof ShellParseError || error instanceof UnsupportedSyntaxError;
		return { ok: false, reason: `could not parse: ${known ? error.message : `unexpected error (${String(error)})`}` };
	}
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

function shorten(text: string): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length > 80 ? `${oneLine.slice(0, 77)}…` : oneLine;
}

/** The word's value (quotes removed) when static, else its text. */
function wordValue(word: Word): string {
	return staticValue(word.parts) ?? word.text;
}

function redirectText(redirect: Redirect): string {
	// `> >(cat)` must not read as `>>(cat)`.
	const space = /^[<>]\(/.test(redirect.target.text) ? ' ' : '';
	return `${redirect.operator}${space}${redirect.target.text}`;
}

function elementText(element: Word | Redirect): string {
	return element.kind === 'word' ? element.text : redirectText(element);
}

class Walker {
	readonly subCommands: SubCommand[] = [];
	readonly alwaysAsk: string[] = [];

	script(script: Script): void {
		for (const statement of script.statements) {
			for (const pipeline of statement.pipelines) {
				for (const command of pipeline.commands) {
					this.command(command);
				}
			}
		}
	}

	private command(command: Command): void {
		switch (command.kind) {
			case 'simple':
				this.simple(command);
				return;
			case 'function':
				this.alwaysAsk.push(`defines a function \`${command.name}\` (it can replace a command that rules allow)`);
				this.command(command.body);
				return;
			case 'subshell':
			case 'group':
				this.script(command.body);
				break;
			case 'if':
			case 'loop':
				command.lists.forEach((list) => this.script(list));
				break;
			case 'for':
				command.words.forEach((word) => this.word(word));
				if (command.arithmetic) {
					this.arithmetic(command.arithmetic, `for ((${command.arithmetic.text}))`);
				}
				this.script(command.body);
				break;
			case 'case':
				this.word(command.word);
				command.patterns.forEach((word) => this.word(word));
				command.bodies.forEach((body) => this.script(body));
				break;
			case 'arithmetic':
				this.arithmetic(command.expression, `((${command.expression.text}))`);
				break;
			case 'test':
				this.test(command.words);
				break;
		}
		command.redirects.forEach((redirect) => this.redirect(redirect));
	}

	private simple(command: SimpleCommand): void {
		command.assignments.forEach((word) => this.word(word));
		command.words.forEach((word) => this.word(word));
		command.redirects.forEach((redirect) => this.redirect(redirect));
		for (const assignment of command.assignments) {
			const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(assignment.text)?.[0] ?? '';
			const subscript = /^[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]/.exec(assignment.text)?.[1];
			if (subscript !== undefined && !/^\s*[0-9]+\s*$/.test(subscript)) {
				this.alwaysAsk.push(`an array subscript evaluated as arithmetic: \`${shorten(assignment.text)}\``);
			}
			if (command.words.length === 0 && hijackingVariables.test(name)) {
				this.alwaysAsk.push(`sets \`${name}\`, which changes what later commands run`);
			}
		}
		if (command.words.length === 0) {
			// Assignments or redirections alone run no program.
			return;
		}
		this.run(command, command.words, undefined);
	}

	/**
	 * Records the program `words` run, looking through wrappers to the command they run. `wrapper` is the
	 * whole command as written once a wrapper was removed.
	 */
	private run(command: SimpleCommand, words: readonly Word[], wrapper: string | undefined, extraAssignments: readonly string[] = []): void {
		const [first, ...rest] = words;
		const name = staticValue(first.parts);
		const args = rest.map(wordValue);
		// A wrapped command keeps the assignments and redirections of the whole, which apply to it too.
		const text =
			wrapper === undefined
				? command.elements.map(elementText).join(' ')
				: [...command.assignments.map((word) => word.text), ...extraAssignments, ...words.map((word) => word.text), ...command.redirects.map(redirectText)].join(' ');
		const subCommand: SubCommand = { text, name: name ?? first.text, args, ...(wrapper !== undefined ? { wrapper } : {}) };
		if (name === undefined) {
			this.subCommands.push(subCommand);
			this.alwaysAsk.push(`the program name comes from an expansion: \`${shorten(first.text)}\``);
			return;
		}
		if (hasUnquotedPattern(first.parts)) {
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
		if (nameTakers.has(program) && args.some((arg) => arrayElement.test(arg))) {
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

	private test(words: readonly Word[]): void {
		words.forEach((word) => this.word(word));
		for (let index = 0; index < words.length; index++) {
			if (/^-(eq|ne|lt|le|gt|ge)$/.test(words[index].text)) {
				const operands = [words[index - 1], words[index + 1]].filter((word): word is Word => word !== undefined);
				if (operands.some((word) => !/^[0-9]+$/.test(staticValue(word.parts) ?? ''))) {
					this.alwaysAsk.push(`\`[[ … ${words[index].text} … ]]\` evaluates its operands as arithmetic`);
				}
			}
		}
	}

	private redirect(redirect: Redirect): void {
		this.word(redirect.target);
		this.parts(redirect.heredocParts ?? []);
	}

	private word(word: Word): void {
		this.parts(word.parts);
	}

	private parts(parts: readonly WordPart[]): void {
		for (const part of parts) {
			switch (part.kind) {
				case 'literal':
				case 'single':
					break;
				case 'double':
					this.parts(part.parts);
					break;
				case 'parameter':
					if (part.risk) {
						this.alwaysAsk.push(`${part.risk}: \`${shorten(part.text)}\``);
					}
					this.parts(part.parts);
					break;
				case 'arithmetic':
					this.arithmetic(part.expression, part.text);
					break;
				case 'command':
					this.alwaysAsk.push(`command substitution \`${shorten(part.text)}\``);
					this.script(part.body);
					break;
				case 'process':
					this.alwaysAsk.push(`process substitution \`${shorten(part.text)}\``);
					this.script(part.body);
					break;
			}
		}
	}

	/** bash evaluates a variable's value in arithmetic as an expression, and `a[$(…)]` in it runs code. */
	private arithmetic(expression: ArithmeticText, text: string): void {
		// Numbers may be written in hexadecimal (`0x1F`) or another base (`2#101`, `16#ff`).
		const withoutNumbers = expression.text.replace(/\b0[xX][0-9a-fA-F]+\b|\b[0-9]+#[0-9a-zA-Z@_]+/g, '0');
		if (!numericArithmetic.test(withoutNumbers)) {
			this.alwaysAsk.push(`arithmetic on variables (their values are evaluated as code): \`${shorten(text)}\``);
		}
		this.parts(expression.parts);
	}
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
