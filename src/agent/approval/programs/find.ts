/** `find`: a command of its own, which runs the command of each `-exec`, `-execdir`, `-ok` and `-okdir` for each file. */
import type { InnerCommand, ProgramKnowledge } from './knowledge';

const executors = new Set(['-exec', '-execdir', '-ok', '-okdir']);

export const find: ProgramKnowledge = {
	programs: ['find'],
	judge({ args }) {
		const runs: InnerCommand[] = [];
		for (let index = 0; index < args.length; index++) {
			const option = args[index].value;
			if (!executors.has(option)) {
				continue;
			}
			// The command ends at `;` or `+` (or with the arguments).
			let end = index + 1;
			while (end < args.length && args[end].value !== ';' && args[end].value !== '+') {
				end++;
			}
			runs.push({ start: index + 1, end, reason: `\`find ${option}\` runs a command for each file` });
			index = end;
		}
		return { runs };
	},
};
