/**
 * `env`: runs the command after its options and `NAME=value` assignments, which that command receives.
 * An option it does not know (`-S` splits a string into a command) hides which command runs: it asks.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

/** Options that take no value. */
const flags = new Set(['-', '-i', '--ignore-environment', '-0', '--null', '-v']);
/** Options that take the next argument as their value. */
const optionsWithValue = new Set(['-u', '--unset', '-C', '--chdir']);

export const env: ProgramKnowledge = {
	programs: ['env'],
	judge({ args }): ProgramVerdict {
		const assignments: string[] = [];
		let index = 0;
		for (; index < args.length; index++) {
			const value = args[index].value;
			if (flags.has(value)) {
				continue;
			}
			if (optionsWithValue.has(value)) {
				index++;
				continue;
			}
			if (value.startsWith('--unset=') || value.startsWith('--chdir=') || /^-[uC]./.test(value)) {
				continue;
			}
			if (value.startsWith('-')) {
				return { asks: [`\`env ${value}\` hides which command runs`], wholeIsTheCommand: true };
			}
			if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) {
				assignments.push(args[index].text);
				continue;
			}
			break;
		}
		return index >= args.length ? { wholeIsTheCommand: true } : { wraps: { start: index, assignments } };
	},
};
