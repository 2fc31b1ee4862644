/**
 * Warming the parsers up: the first lines a fresh extension host analyses cost far more than the next
 * ones (the WebAssembly of both parsers is compiled, then tiered up to optimised code as it runs). The
 * extension runs this while it is idle after activation, so that the first command the model issues is
 * decided in milliseconds.
 */
import { analyzeCommand } from './analyze';
import type { CommandParser } from './commandParser';

/** Lines that together go through most of the analysis: lists, pipelines, loops, words, here-documents, programs' knowledge. */
const warmLines = [
	'git --no-pager log -5 && npm test -- --grep x 2>&1 | tail -n 20 > /dev/null',
	'for f in src/*.ts; do [[ -f "$f" ]] && echo "${f%.ts}" $((1 + 2)); done',
	"cat <<'EOF' | grep -c x\nhello\nEOF",
	'find . -name "*.js" -type f -exec wc -l {} + ; CI=true timeout 60 env A=1 make -j4 test',
];

/**
 * Analyses a few lines `rounds` times over with `parser`. Resolves when done; never rejects (a parser that
 * cannot load only makes the analyses ask, and the first real command reports it).
 */
export async function warmUp(parser: CommandParser, rounds = 20): Promise<void> {
	for (let round = 0; round < rounds; round++) {
		for (const line of warmLines) {
			await analyzeCommand(line, parser);
		}
	}
}
