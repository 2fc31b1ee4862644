/**
 * `xargs`: runs the command after its options, with arguments read from its input, so it always asks; the
 * command is checked by the rules (a deny rule for it denies). GNU's `-i`, `-l` and `-e` take their value
 * attached (`-i{}`), never the next word: `xargs -i rm {}` runs `rm`.
 */
import type { ProgramKnowledge } from './knowledge';
import { skipOptions } from './options';

/** xargs options that take the next word as their value. */
const optionsWithValue = new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--process-slot-var']);

export const xargs: ProgramKnowledge = {
	programs: ['xargs'],
	judge: ({ args }) => ({
		asks: ['`xargs` runs a command built from its input'],
		wraps: { start: skipOptions(args, optionsWithValue) },
	}),
};
