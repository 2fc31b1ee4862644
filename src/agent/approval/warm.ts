/**
 * Warming the parsers up: the first lines a fresh extension host decides cost far more than the next
 * ones (the WebAssembly of both parsers is compiled, then tiered up to optimised code as it runs, and our
 * own code and the rules' regular expression engine are compiled on first use). The extension runs this
 * while it is idle after activation, so that the first command the model issues is decided in milliseconds.
 */
import type { CommandParser } from './commandParser';
import { evaluateCommand, type ApprovalPolicy } from './evaluate';

/** Lines that together go through most of the analysis: lists, pipelines, loops, words, here-documents, programs' knowledge. */
const warmLines = [
	'git --no-pager log -5 && npm test -- --grep x 2>&1 | tail -n 20 > /dev/null',
	'for f in src/*.ts; do [[ -f "$f" ]] && echo "${f%.ts}" $((1 + 2)); done',
	"cat <<'EOF' | grep -c x\nhello\nEOF",
	'find . -name "*.js" -type f -exec wc -l {} + ; CI=true timeout 60 env A=1 make -j4 test',
	"git ls-files '*.md' | xargs grep -n 'deprecated' | sed -n '1,20p' | head -5",
];

/**
 * The lines over and over in one long line: WebAssembly is tiered up by how much of it runs, not by how
 * often it is called, and short lines that are mostly plain words give mvdan/sh little to run.
 */
const longLine = Array.from({ length: 20 }, () => `${warmLines[0]}; ${warmLines[1]}; ${warmLines[3]}`).join('\n');

/** Rules of each kind (prefixes, regular expressions), so that matching them is warm too; no file is read. */
const warmPolicy: ApprovalPolicy = {
	mode: 'auto',
	allow: ['git log', 'npm test', 'echo', '/^(cat|grep|tail) /'],
	deny: ['rm', '/^curl /'],
	workspaceFolders: ['/workspace'],
};

/** Lets the event loop run between two lines: the extension host serves other work meanwhile. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Decides a few lines `rounds` times over with `parser`, and twice a long line made of them. Resolves
 * when done; never rejects (a parser that cannot load only makes the decisions ask, and the first real
 * command reports it).
 */
export async function warmUp(parser: CommandParser, rounds = 20): Promise<void> {
	for (let round = 0; round < rounds; round++) {
		for (const line of [...warmLines, ...(round % 10 === 0 ? [longLine] : [])]) {
			await evaluateCommand(line, warmPolicy, parser);
			await yieldToEventLoop();
		}
	}
}
