/**
 * Programs that run text as shell code, which the line does not show as commands: shells given `-c` or
 * reading their input, `eval`, `trap`, `source` and `.`, and `let`, whose arithmetic can run code.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

const shellNames = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh'];

export const shells: ProgramKnowledge = {
	programs: [...shellNames, 'eval', 'trap', 'let', 'source', '.'],
	judge({ program, args }): ProgramVerdict {
		switch (program) {
			case 'eval':
			case 'trap':
				return { asks: [`\`${program}\` runs a string as shell code`] };
			case 'let':
				return { asks: ['`let` evaluates its arguments as arithmetic, which can run code'] };
			case 'source':
			case '.':
				return { asks: [`\`${program}\` runs the commands of a file`] };
		}
		if (args.some(({ value }) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(value) || value === '--command')) {
			return { asks: [`\`${program} -c\` runs a string as shell code`] };
		}
		if (args.every(({ value }) => value.startsWith('-') || value.startsWith('+'))) {
			// No script file: the shell runs whatever arrives on its input (`curl … | bash`).
			return { asks: [`\`${program}\` runs the commands it reads from its input`] };
		}
		return {};
	},
};
