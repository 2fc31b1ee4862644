/**
 * The prefix rule "Always Allow" proposes for a sub-command: the program, plus the verb for tools whose
 * second word says what they do (`npm test`, `git status`, `cargo test`), the script for runners
 * (`npm run build`) and the module for `python3 -m pytest`.
 */
import type { SubCommand } from './analyze';
import { matchesRule } from './rules';

/** Tools whose first word after options is the verb. */
const verbTools = new Set([
	'npm', 'pnpm', 'yarn', 'bun', 'npx', 'pnpx', 'bunx', 'git', 'cargo', 'go', 'docker', 'podman', 'kubectl', 'helm', 'make', 'pip', 'pip3',
	'poetry', 'uv', 'dotnet', 'mvn', 'mvnw', 'gradle', 'gradlew', 'deno', 'gh', 'terraform', 'brew', 'composer', 'bundle', 'rake', 'mix',
	'swift', 'rustup', 'conda', 'nx', 'turbo', 'flutter', 'dart',
]);
/** After these verbs the next word names what runs: a package.json script, a package, a compose command. */
const runVerbs = new Set(['run', 'run-script', 'exec', 'dlx', 'x', 'compose']);
/** Options of verb tools that take the next word as their value. */
const optionsWithValue = new Set([
	'-C', '-c', '-f', '--prefix', '-n', '--namespace', '--context', '-w', '--workspace', '--filter', '-F', '-p', '--project', '--manifest-path',
]);
const interpreters = new Set(['python', 'python3', 'python2', 'node', 'ruby', 'perl', 'php']);
/** Interpreter options whose value is code: a rule ending there would allow any program. */
const codeOptions = new Set(['-c', '-e', '-E', '--eval', '-p', '--print', '-r']);
const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Redirections are written after the command's words in its text (`>out`, `2>&1`): never a verb. */
const redirection = /^[0-9]*[<>&]/;

/** The suggested prefix rule, or undefined when no prefix would be safe or usable. */
export function suggestRule(subCommand: SubCommand): string | undefined {
	const tokens = subCommand.text.split(' ');
	let index = 0;
	while (index < tokens.length && assignment.test(tokens[index])) {
		index++;
	}
	const program = tokens[index];
	if (program === undefined || redirection.test(program)) {
		return undefined;
	}
	const base = program.slice(program.lastIndexOf('/') + 1);
	let end = index + 1;
	if (interpreters.has(base)) {
		// Up to the script or `-m module`; options before it are kept, options taking code refuse a rule.
		while (end < tokens.length && tokens[end].startsWith('-') && tokens[end] !== '-m') {
			if (codeOptions.has(tokens[end])) {
				return undefined;
			}
			end++;
		}
		if (end < tokens.length && !redirection.test(tokens[end])) {
			end += tokens[end] === '-m' ? 2 : 1;
		}
	} else if (verbTools.has(base)) {
		while (end < tokens.length && tokens[end].startsWith('-')) {
			end += optionsWithValue.has(tokens[end]) ? 2 : 1;
		}
		if (end < tokens.length && !redirection.test(tokens[end])) {
			end += runVerbs.has(tokens[end]) && end + 1 < tokens.length && !redirection.test(tokens[end + 1]) ? 2 : 1;
		}
	}
	const prefix = tokens.slice(0, Math.min(end, tokens.length));
	// Words with quotes, escapes or expansions make poor prefixes (and may be split mid-word here).
	if (prefix.some((token) => /['"\\$`]/.test(token))) {
		return undefined;
	}
	const rule = prefix.join(' ');
	return matchesRule(subCommand.text, rule) ? rule : undefined;
}
