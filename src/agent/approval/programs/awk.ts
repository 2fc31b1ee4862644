/**
 * `awk`: its program can run commands (`system(…)`, `"cmd" | getline`, `print | "cmd"`) and write files
 * (`print > "file"`). A program that could do either asks even when `awk` is allowed, and so does one read
 * from a file (`-f`), loaded as an extension (`-l`, `-i`), or not a fixed string. The judgement leans
 * towards asking: `$3 > 10` reads like a redirection only after `print`.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

/** Options whose value is the next argument and is no program. */
const optionsWithValue = new Set(['-F', '-v', '--field-separator', '--assign']);

export const awk: ProgramKnowledge = {
	programs: ['awk', 'gawk', 'mawk', 'nawk'],
	judge({ program, args }): ProgramVerdict {
		for (let index = 0; index < args.length; index++) {
			const { value, literal, text } = args[index];
			if (value === '--') {
				return judgeProgram(program, args[index + 1]);
			}
			if (/^(-f|--file|-i|--include|-l|--load|-E|--exec)/.test(value)) {
				return { asks: [`\`${program} ${value.slice(0, 2)}\` runs a program from a file`] };
			}
			if (optionsWithValue.has(value)) {
				index++;
				continue;
			}
			if (!literal && /^["$]/.test(text)) {
				return { asks: [`\`${program}\` is given \`${text}\`, known only when the line runs, where its program or options are`] };
			}
			if (!value.startsWith('-')) {
				return judgeProgram(program, args[index]);
			}
		}
		return {};
	},
};

function judgeProgram(program: string, source: { readonly value: string; readonly literal: boolean; readonly text: string } | undefined): ProgramVerdict {
	if (source === undefined) {
		return {};
	}
	if (!source.literal) {
		return { asks: [`the \`${program}\` program \`${source.text}\` is known only when the line runs`] };
	}
	const code = source.value;
	if (/\bsystem\s*\(|\bgetline\b|\||\b(print|printf)\b[^;{}]*>|\bfflush\b|\bclose\b/.test(code)) {
		return { asks: [`the \`${program}\` program can run commands or write files (\`system\`, \`|\`, \`>\`)`] };
	}
	return {};
}
