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
		// The options up to the script: one that is not a fixed string (`-$9c`) could be -c.
		const script = args.findIndex(({ value, literal }) => literal && !value.startsWith('-') && !value.startsWith('+'));
		const unknown = args.slice(0, script === -1 ? args.length : script).find(({ literal }) => !literal);
		if (unknown !== undefined) {
			return { asks: [`\`${program}\` is given \`${unknown.text}\`, known only when the line runs: it could be -c, which runs a string as shell code`] };
		}
		if (script === -1 || /^(-|\/dev\/stdin|\/dev\/fd\/[0-9]+|\/proc\/self\/fd\/[0-9]+)$/.test(args[script].value)) {
			// No script file: the shell runs whatever arrives on its input (`curl … | bash`, `bash /dev/stdin <<<…`).
			return { asks: [`\`${program}\` runs the commands it reads from its input`] };
		}
		return {};
	},
};
