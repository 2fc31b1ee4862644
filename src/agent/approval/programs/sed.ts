/**
 * `sed`: `-i` edits the files it is given in place, and a script can run commands (`e`, the `e` flag of
 * `s`) and write files (`w`, `W`, the `w` flag of `s`). Those ask even when `sed` is allowed, and so does
 * a script read from a file or not a fixed string.
 */
import type { Argument, ProgramKnowledge, ProgramVerdict } from './knowledge';

export const sed: ProgramKnowledge = {
	programs: ['sed', 'gsed'],
	judge({ program, args }): ProgramVerdict {
		const asks: string[] = [];
		const scripts: Argument[] = [];
		let explicitScript = false;
		for (let index = 0; index < args.length; index++) {
			const { value } = args[index];
			if (value === '--') {
				break;
			}
			if (/^(-i|-I|--in-place)/.test(value) || (/^-[a-zA-Z]+$/.test(value) && /[iI]/.test(value) && !value.startsWith('--'))) {
				asks.push(`\`${program} -i\` edits files in place`);
			} else if (value === '-e' || value === '--expression') {
				explicitScript = true;
				if (args[index + 1] !== undefined) {
					scripts.push(args[index + 1]);
				}
				index++;
			} else if (value.startsWith('--expression=') || /^-e./.test(value)) {
				explicitScript = true;
				scripts.push({ ...args[index], value: value.replace(/^(--expression=|-e)/, '') });
			} else if (value === '-f' || value.startsWith('--file') || /^-f./.test(value)) {
				asks.push(`\`${program} -f\` runs a script from a file, which can run commands and write files`);
				explicitScript = true;
			} else if (!value.startsWith('-') && !explicitScript) {
				scripts.push(args[index]);
				explicitScript = true;
			}
		}
		for (const script of scripts) {
			if (!script.literal) {
				asks.push(`the \`${program}\` script \`${script.text}\` is known only when the line runs`);
			} else if (scriptRunsOrWrites(script.value)) {
				asks.push(`the \`${program}\` script can run commands or write files (\`e\`, \`w\`)`);
			}
		}
		return { asks };
	},
};

/**
 * Whether a sed script holds a command `e`, `w`, `W`, `r` or `R`, or an `s` command with the `e` or `w`
 * flag. Substitutions and transliterations are set aside first, so that the letters of their text count
 * for nothing; what remains is judged by its letters, leaning towards yes.
 */
function scriptRunsOrWrites(script: string): boolean {
	let rest = '';
	for (let index = 0; index < script.length; ) {
		const character = script[index];
		if ((character === 's' || character === 'y') && index + 1 < script.length && !/[\s\n;a-zA-Z0-9\\]/.test(script[index + 1])) {
			const delimiter = script[index + 1];
			let position = index + 2;
			for (let part = 0; part < 2 && position <= script.length; part++) {
				while (position < script.length && script[position] !== delimiter) {
					position += script[position] === '\\' ? 2 : 1;
				}
				position++;
			}
			const flags = /^[a-zA-Z0-9]*/.exec(script.slice(position))?.[0] ?? '';
			if (character === 's' && /[ewW]/.test(flags)) {
				return true;
			}
			index = position + flags.length;
			continue;
		}
		if (character === '/' || character === '\\') {
			// An address `/regex/`: its text is no command.
			let position = index + (character === '\\' ? 2 : 1);
			while (position < script.length && script[position] !== '/') {
				position += script[position] === '\\' ? 2 : 1;
			}
			index = position + 1;
			continue;
		}
		rest += character;
		index++;
	}
	return /[ewWrR]/.test(rest);
}
