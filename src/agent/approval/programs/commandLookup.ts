/**
 * Builtins after which a later command of the line, allowed by its name, runs something else: `alias`
 * defining one, `hash -p` pointing a name at a file, `enable` switching builtins on or off.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

export const commandLookup: ProgramKnowledge = {
	programs: ['alias', 'hash', 'enable'],
	judge({ program, args }): ProgramVerdict {
		const values = args.map((arg) => arg.value);
		const changes =
			(program === 'alias' && values.some((value) => value.includes('='))) ||
			(program === 'hash' && values.some((value) => /^-[a-zA-Z]*p/.test(value))) ||
			(program === 'enable' && values.length > 0);
		return changes ? { asks: [`\`${program}\` changes what a later command runs`] } : {};
	},
};
