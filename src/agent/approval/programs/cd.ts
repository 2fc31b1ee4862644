/**
 * `cd` and `pushd`: the commands after them run in the folder they go to, and read relative paths from
 * there (`cd ~ && cat .ssh/id_rsa`). Going outside the workspace (the home folder when none is given, `-`
 * the previous folder) is judged as a read of that folder, so it asks.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

export const cd: ProgramKnowledge = {
	programs: ['cd', 'pushd'],
	judge({ program, args }): ProgramVerdict {
		const target = args.findIndex(({ value }) => !/^-[LPe@]+$/.test(value));
		if (target === -1) {
			return { asks: [`\`${program}\` goes to the home folder, outside the workspace`] };
		}
		if (args[target].value === '-' || /^[+-][0-9]+$/.test(args[target].value)) {
			return { asks: [`\`${program} ${args[target].value}\` goes to an earlier folder, which the line does not show`] };
		}
		return { reads: [target] };
	},
};
