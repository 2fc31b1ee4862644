/**
 * mvdan/sh's confirmation of what tree-sitter-bash read. mvdan/sh's JavaScript API hands over only
 * top-level statements and their redirections, so each piece tree-sitter-bash found is written as a
 * line of its own and the lines parsed together, in one parse (or one per 500 pieces):
 * - a list of statements (a subshell's, a block's, a loop body's, a substitution's …), as it is: its
 *   statements must start where tree-sitter-bash's do (so no `;`, `&&`, `|` or newline was missed, and
 *   no command is hidden in a comment, a word or a here-document);
 * - a shell word, as the target of a redirection (`: > WORD`): it must be exactly one word to mvdan/sh
 *   (so an operator or blank hidden in a word, as tree-sitter-bash does with `echo == x && rm -rf /` in a
 *   subshell, shows);
 * - an operand of `[[ … ]]`, as `[[ x == WORD ]]` (or `=~` for a regular expression): the test must end
 *   right after it.
 * Any difference means the line may run something other than what the analysis found: it asks.
 *
 * Pieces that cannot read otherwise are not sent (see {@link isCertain}): most words of most lines are
 * plain, and each piece sent costs mvdan/sh a statement of its own.
 */
import type { CommandParser, ShellStatement } from './commandParser';
import { byteTable, reservedWords, shorten } from './syntax';

/** A piece of a line as tree-sitter-bash read it, for mvdan/sh to read alike. */
export type Probe =
	/** A list of statements; `starts` are where tree-sitter-bash's statements start in `text`. */
	| { readonly kind: 'list'; readonly text: string; readonly starts: readonly number[] }
	/** One shell word: a command's word, a redirection's target, an assignment. */
	| { readonly kind: 'word'; readonly text: string }
	/** An operand of `[[ … ]]`: a pattern, or the regular expression right of `=~`. */
	| { readonly kind: 'pattern' | 'regex'; readonly text: string };

/**
 * Pieces per parse: mvdan/sh answers with about 700 bytes of JSON per statement, and its Go heap works
 * hardest on big answers (10,000 pieces take twice as long in one parse as in batches of 500).
 */
const probesPerParse = 500;

const prefixes = { list: '', word: ': > ', pattern: '[[ x == ', regex: '[[ x =~ ' } as const;
const suffixes = { list: '', word: '', pattern: ' ]]', regex: ' ]]' } as const;

/**
 * Characters that neither quote, expand, end a word, start a comment nor make a glob or a brace expansion
 * (ASCII only): a run of them is one plain word to bash and to both parsers.
 */
const plainWord = /^[A-Za-z0-9_./:,+%@=-]+$/;

/**
 * Whether mvdan/sh cannot read `probe` otherwise than tree-sitter-bash did, so that confirming it would
 * only cost time: a word of plain characters is one word; a list that is plain words separated by single
 * spaces, none of them reserved, is one simple command starting where the list does.
 */
export function isCertain(probe: Probe): boolean {
	if (probe.kind === 'word') {
		return plainWord.test(probe.text);
	}
	if (probe.kind !== 'list' || probe.starts.length !== 1 || probe.starts[0] !== 0) {
		return false;
	}
	const words = probe.text.split(' ');
	return words.every((word) => plainWord.test(word) && !reservedWords.has(word) && word !== 'time');
}

/** What mvdan/sh reads otherwise than tree-sitter-bash, described for the reason shown; undefined when all agree. */
export async function confirm(probes: readonly Probe[], parser: CommandParser): Promise<string | undefined> {
	const uncertain = probes.filter((probe) => !isCertain(probe));
	for (let first = 0; first < uncertain.length; first += probesPerParse) {
		const difference = await confirmBatch(uncertain.slice(first, first + probesPerParse), parser);
		if (difference !== undefined) {
			return difference;
		}
	}
	return undefined;
}

function describe(probe: Probe): string {
	const what = probe.kind === 'list' ? 'the statements of' : probe.kind === 'word' ? 'the word' : 'the test operand';
	return `${what} \`${shorten(probe.text)}\``;
}

async function confirmBatch(probes: readonly Probe[], parser: CommandParser): Promise<string | undefined> {
	let text = '';
	const lines: { readonly start: number; readonly end: number }[] = [];
	for (const probe of probes) {
		const start = text.length;
		text += `${prefixes[probe.kind]}${probe.text}${suffixes[probe.kind]}`;
		lines.push({ start, end: text.length });
		text += '\n';
	}
	let statements: readonly ShellStatement[];
	try {
		statements = await parser.statements(text);
	} catch {
		return probes.length === 1 ? describe(probes[0]) : 'the pieces of the line';
	}
	const bytes = byteTable(text);
	let next = 0;
	for (let index = 0; index < probes.length; index++) {
		const probe = probes[index];
		const { start, end } = lines[index];
		if (probe.kind === 'list') {
			for (const offset of probe.starts) {
				if (statements[next]?.start !== bytes[start + offset]) {
					return describe(probe);
				}
				next++;
			}
			continue;
		}
		const statement = statements[next];
		next++;
		if (statement?.start !== bytes[start]) {
			return describe(probe);
		}
		if (probe.kind === 'word') {
			const [redirect, ...others] = statement.redirects;
			const wordStart = bytes[start + prefixes.word.length];
			if (redirect === undefined || others.length > 0 || redirect.operator !== '>' || redirect.start !== wordStart || redirect.end !== bytes[end]) {
				return describe(probe);
			}
		} else if (statement.end !== bytes[end]) {
			return describe(probe);
		}
	}
	return next === statements.length ? undefined : 'the statements of the line';
}
