/**
 * Builtins that take variable names as arguments (`declare`, `printf -v`, `read`, `unset`, `test`, …):
 * given `'a[$(cmd)]'`, bash evaluates the subscript and runs `cmd`, though the argument is quoted. Those
 * that set variables from `NAME=value` arguments (`export`, `declare`, …) ask for the variables that
 * change what later commands run.
 */
import { arrayElement } from '../arithmetic';
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';
import { environmentAsks } from './variables';

/** Builtins that set variables from `NAME=value` arguments. */
const declarationNames = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);

export const declarations: ProgramKnowledge = {
	programs: [...declarationNames, 'printf', 'read', 'unset', 'test', '[', 'mapfile', 'readarray', 'getopts', 'wait'],
	judge({ program, args }): ProgramVerdict {
		const asks: string[] = [];
		if (args.some(({ value }) => arrayElement.test(value))) {
			asks.push(`\`${program}\` is given an array element, whose subscript bash evaluates as code`);
		}
		// The variables it sets: `NAME=value` of a declaration, the names `read` and `mapfile` fill, `printf -v NAME`.
		const names = declarationNames.has(program)
			? args.map(({ value }) => /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(value)?.[1])
			: program === 'read' || program === 'mapfile' || program === 'readarray' || program === 'getopts'
				? args.map(({ value }) => value)
				: program === 'printf'
					? args.map(({ value }, index) => (args[index - 1]?.value === '-v' ? value : /^-v(.+)$/.exec(value)?.[1]))
					: [];
		for (const name of names) {
			const reason = name === undefined ? undefined : environmentAsks(name);
			if (reason !== undefined) {
				asks.push(reason);
			}
		}
		return { asks };
	},
};
