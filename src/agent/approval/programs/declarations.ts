/**
 * Builtins that take variable names as arguments (`declare`, `printf -v`, `read`, `unset`, `test`, …):
 * given `'a[$(cmd)]'`, bash evaluates the subscript and runs `cmd`, though the argument is quoted. Those
 * that set variables from `NAME=value` arguments (`export`, `declare`, …) ask for the variables that
 * change what later commands run.
 */
import { arrayElement } from '../arithmetic';
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';
import { settingAsks } from './variables';

/** Builtins that set variables from `NAME=value` arguments. */
const declarationNames = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);

export const declarations: ProgramKnowledge = {
	programs: [...declarationNames, 'printf', 'read', 'unset', 'test', '[', 'mapfile', 'readarray', 'getopts', 'wait'],
	judge({ program, args }): ProgramVerdict {
		const asks: string[] = [];
		if (args.some(({ value }) => arrayElement.test(value))) {
			asks.push(`\`${program}\` is given an array element, whose subscript bash evaluates as code`);
		}
		if (declarationNames.has(program)) {
			for (const { value } of args) {
				const variable = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(value)?.[1];
				const reason = variable === undefined ? undefined : settingAsks(variable);
				if (reason !== undefined) {
					asks.push(reason);
				}
			}
		}
		return { asks };
	},
};
