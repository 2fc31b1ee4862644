/**
 * What a line does to files that the names of its programs do not show: writes through redirections,
 * reads of file contents (through `<`, and by programs that print files, see programs/readers.ts), and
 * network connections through bash's `/dev/tcp` and `/dev/udp`.
 *
 * A write asks unless a rule allows that write; a read is judged against the workspace folders when the
 * line is evaluated (evaluate.ts, workspacePaths.ts); a connection always asks.
 */
import type { Findings } from './findings';
import type { FileRedirect } from './redirects';
import { isPattern, shorten, staticValue } from './syntax';

/** A file a redirection writes: `text` is how rules see it (`>out.log`, `2>>~/.bashrc`). */
export interface FileWrite {
	readonly text: string;
	/** The target as written. */
	readonly target: string;
	/**
	 * The whole command the redirection belongs to, as written (none for a statement without a program).
	 * An allow rule that matches it only with the redirection allows the write explicitly.
	 */
	readonly within?: string;
	/** The command without its redirections, to tell whether a rule mentions the redirection. */
	readonly bare?: string;
}

/** A file whose contents a command reads. */
export interface FileRead {
	/** The path as bash gives it to the program (quotes removed), or as written when not fixed. */
	readonly path: string;
	/** Whether `path` is known from the line: no expansion (a pattern is checked as written). */
	readonly fixed: boolean;
	/** Who reads it, for the reason shown: "`cat`", "a redirection". */
	readonly by: string;
}

/** Targets a write to which leaves every file as it was. */
const harmlessTargets = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2', '/dev/tty']);
const writeOperators = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

/** Whether `path` is one of bash's network pseudo-files, which open a connection. */
export function isNetworkPath(path: string): boolean {
	return /^\/dev\/(tcp|udp)(\/|$)/.test(path);
}

/** The command and the same without its redirections, as written, for {@link FileWrite}. */
export interface RedirectOwner {
	readonly within: string;
	readonly bare: string;
}

/** Records what redirections to and from files do: writes, reads and connections. */
export function judgeRedirects(findings: Findings, redirects: readonly FileRedirect[], owner?: RedirectOwner): void {
	for (const { descriptor, operator, target } of redirects) {
		if (target.type === 'process_substitution') {
			// `> >(cmd)`: no file; the substitution is walked (and asks) as a word.
			continue;
		}
		const value = isPattern(target) ? undefined : staticValue(target);
		const shown = value ?? target.text;
		if (value !== undefined && isNetworkPath(value)) {
			findings.ask(`opens a network connection to ${shorten(value.slice('/dev/'.length))} through a redirection`);
			continue;
		}
		const duplicates = (operator === '>&' || operator === '<&') && value !== undefined && /^([0-9]+-?|-)$/.test(value);
		if (duplicates || (value !== undefined && harmlessTargets.has(value))) {
			continue;
		}
		if (operator === '<' || operator === '<&') {
			findings.read({ path: shown, fixed: value !== undefined, by: 'a redirection' });
		} else if (writeOperators.has(operator) || operator === '>&') {
			// Written as in the sub-command's text, so that one rule reads alike in both.
			const text = `${descriptor}${operator}${target.text}`;
			findings.write({ text, target: shown, ...(owner ?? {}) });
		}
	}
}
