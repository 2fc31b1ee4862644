/** `xargs`: runs the command after its options, with arguments read from its input, so it always asks. */
import type { ProgramKnowledge } from './knowledge';
import { skipOptions } from './options';

/** xargs options that take the next word as their value. */
const optionsWithValue = new Set(['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars']);

export const xargs: ProgramKnowledge = {
	programs: ['xargs'],
	judge: ({ args }) => ({
		asks: ['`xargs` runs a command built from its input'],
		wraps: { start: skipOptions(args, optionsWithValue) },
	}),
};
