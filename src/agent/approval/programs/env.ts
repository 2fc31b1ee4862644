/**
 * `env`: runs the command after its options and `NAME=value` assignments, which that command receives.
 * `-C`/`--chdir` runs it in another folder (where the files a rule expects are not), and an assignment of
 * a variable that changes what programs load (`HOME`, `NODE_OPTIONS`, …) changes what it does: both ask.
 * An option it does not know (`-S` splits a string into a command) hides which command runs: it asks.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';
import { environmentAsks } from './variables';

/** Options that take no value. */
const flags = new Set(['-', '-i', '--ignore-environment', '-0', '--null', '-v', '--debug']);
/** Options that take the next argument as their value. */
const optionsWithValue = new Set(['-u', '--unset', '-C', '--chdir']);

export const env: ProgramKnowledge = {
	programs: ['env'],
	judge({ args }): ProgramVerdict {
		const assignments: string[] = [];
		const asks: string[] = [];
		let index = 0;
		for (; index < args.length; index++) {
			const { value, literal, text } = args[index];
			if (!literal && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
				return { asks: [...asks, `\`env\` is given \`${text}\`, known only when the line runs: it could be an option such as -S`], wholeIsTheCommand: true };
			}
			if (value === '--') {
				index++;
				break;
			}
			if (flags.has(value)) {
				continue;
			}
			if (value === '-C' || value === '--chdir' || value.startsWith('--chdir=') || /^-C./.test(value)) {
				asks.push('`env -C` runs the command in another folder');
			}
			if (optionsWithValue.has(value)) {
				index++;
				continue;
			}
			if (value.startsWith('--unset=') || value.startsWith('--chdir=') || /^-[uC]./.test(value)) {
				continue;
			}
			if (value.startsWith('-')) {
				return { asks: [...asks, `\`env ${value}\` hides which command runs`], wholeIsTheCommand: true };
			}
			if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) {
				assignments.push(text);
				const reason = environmentAsks(value.slice(0, value.indexOf('=')));
				if (reason !== undefined) {
					asks.push(reason);
				}
				continue;
			}
			break;
		}
		if (index >= args.length) {
			// No command: `env` prints the environment.
			asks.push('`env` prints the environment, where secrets are kept');
		}
		const verdict = index >= args.length ? { wholeIsTheCommand: true } : { wraps: { start: index, assignments } };
		return asks.length > 0 ? { asks, ...verdict } : verdict;
	},
};
