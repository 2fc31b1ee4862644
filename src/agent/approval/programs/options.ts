/** Reading a program's options off its arguments, for modules that need to find what follows them. */
import type { Argument } from './knowledge';

/**
 * The index in `args` of the first argument that is not an option (options in `withValue` take the next
 * one); after `--`, the one that follows it. May be past the end.
 */
export function skipOptions(args: readonly Argument[], withValue: ReadonlySet<string> = new Set()): number {
	let index = 0;
	while (index < args.length && args[index].value.startsWith('-') && args[index].value !== '-') {
		if (args[index].value === '--') {
			return index + 1;
		}
		index += withValue.has(args[index].value) ? 2 : 1;
	}
	return index;
}
