/**
 * `git`: its global options come before the verb (`git -C web --no-pager log`), so rules see the command
 * as git reads it, the global options set aside (`git log`, `git push`): `git --no-pager log -5` is allowed
 * by `git log`, and `git -C . push` denied by `git push`.
 *
 * What asks even when the verb is allowed: global options that change which repository, configuration or
 * programs git uses (`-c`, `--git-dir`, `--exec-path`, …); options that write a file (`--output`) or run
 * programs (`--ext-diff`, `--textconv`, `--upload-pack`, `--exec`, `-O`); `git config` writing the
 * configuration (which can make a later git command run a program); and a verb or option that is not a
 * fixed string. `git diff --no-index` reads the files it is given, which must be in the workspace.
 */
import type { Argument, ProgramKnowledge, ProgramVerdict } from './knowledge';

/** Global options that change nothing the rules care about. */
const harmlessGlobals = new Set([
	'--no-pager', '-P', '--paginate', '-p', '--no-optional-locks', '--literal-pathspecs', '--glob-pathspecs', '--noglob-pathspecs',
	'--icase-pathspecs', '--no-replace-objects', '--no-lazy-fetch', '--no-advice', '--bare', '--version', '--help', '-h', '--html-path',
	'--man-path', '--info-path',
]);
/** Global options that change the repository, the configuration or the programs git runs, with whether they take the next argument. */
const riskyGlobals = new Map([
	['-c', true], ['--config-env', true], ['--git-dir', true], ['--work-tree', true], ['--exec-path', false], ['--namespace', true],
	['--super-prefix', true], ['--attr-source', true], ['--list-cmds', false],
]);
/** Options of verbs, and what they do that the verb does not say. */
const riskyOptions = new Map([
	['--output', 'writes a file'],
	['-o', 'writes a file'],
	['--ext-diff', 'runs the external diff program of the configuration'],
	['--textconv', 'runs the text conversion programs of the configuration'],
	['--upload-pack', 'runs a program it is given'],
	['--receive-pack', 'runs a program it is given'],
	['--exec', 'runs a program it is given'],
	['-x', 'runs a command it is given'],
	['--open-files-in-pager', 'runs a pager program it is given'],
	['-O', 'runs a pager program it is given'],
	['--run', 'runs a command it is given'],
]);
/** Verbs whose `-o`, `-x` and `-O` mean what {@link riskyOptions} says. */
const shortOptionVerbs: ReadonlyMap<string, readonly string[]> = new Map([
	['format-patch', ['-o']],
	['rebase', ['-x']],
	['grep', ['-O']],
]);
/** `git config` forms that only read. */
const readingConfig = /^(--get|--get-all|--get-regexp|--get-urlmatch|--list|-l|get|list)$/;
/** Options of verbs whose value is the next argument (a message, a format, a count), which is no option however it is written. */
const valueOptions = new Set(['-m', '--message', '-F', '--file', '--author', '--format', '--pretty', '-n', '--max-count', '--since', '--until', '--grep', '-S', '-G', '-b', '-B', '-U']);

export const git: ProgramKnowledge = {
	programs: ['git'],
	judge({ args }): ProgramVerdict {
		const asks: string[] = [];
		const reads: number[] = [];
		let index = 0;
		for (; index < args.length; index++) {
			const { value, literal, text } = args[index];
			if (!literal) {
				asks.push(`\`git\` is given \`${text}\`, known only when the line runs, where an option or the verb is expected`);
				return { asks };
			}
			if (!value.startsWith('-')) {
				break;
			}
			const name = value.split('=')[0];
			if (harmlessGlobals.has(value)) {
				continue;
			}
			if (name === '-C') {
				// `git -C dir`: the repository is that folder's, which must be in the workspace.
				reads.push(index + 1);
				index++;
				continue;
			}
			if (riskyGlobals.has(name)) {
				asks.push(`git option ${name} changes the repository, configuration or programs git uses`);
				if (riskyGlobals.get(name) === true && !value.includes('=')) {
					index++;
				}
				continue;
			}
			asks.push(`git option ${name} is not one approval knows`);
		}
		const verb = args[index]?.value;
		const rest = args.slice(index + 1);
		if (verb !== undefined) {
			asks.push(...verbAsks(verb, rest));
			if (verb === 'diff' && rest.some(({ value }) => value === '--no-index')) {
				rest.forEach(({ value }, position) => {
					if (!value.startsWith('-')) {
						reads.push(index + 1 + position);
					}
				});
			}
		}
		return { asks, reads, canonical: args.slice(index).map(({ text }) => text) };
	},
};

function verbAsks(verb: string, rest: readonly Argument[]): string[] {
	const asks: string[] = [];
	const shortOptions = shortOptionVerbs.get(verb) ?? [];
	for (let index = 0; index < rest.length; index++) {
		const { value, literal, text } = rest[index];
		if (value === '--') {
			// Paths follow.
			break;
		}
		// `--format=$f` is the option --format whatever its value; `$x` alone could be any option.
		const written = /^(--?[A-Za-z0-9-]+)(=|$)/.exec(literal ? value : text)?.[1];
		if (!literal && written === undefined) {
			asks.push(`\`git ${verb}\` is given \`${text}\`, known only when the line runs: it could be an option such as --output`);
			continue;
		}
		const name = written === undefined ? undefined : value.startsWith('--') ? written : value.slice(0, 2);
		const what = name === undefined ? undefined : riskyOptions.get(name);
		if (name !== undefined && what !== undefined && (name.startsWith('--') || shortOptions.includes(name))) {
			asks.push(`git option ${name} ${what}`);
		}
		if (name !== undefined && valueOptions.has(value)) {
			index++;
		}
	}
	if (verb === 'config') {
		const reading = rest.some(({ value }) => readingConfig.test(value));
		const operands = rest.filter(({ value }) => !value.startsWith('-'));
		const writing = rest.some(({ value }) => /^(--(unset|unset-all|add|replace-all|rename-section|remove-section|edit)|-e|set|unset|edit|rename-section|remove-section)$/.test(value));
		if (writing || (!reading && operands.length >= 2)) {
			asks.push('`git config` changes git’s configuration, which can make a later git command run a program');
		}
	}
	return asks;
}
