/** `tee`: writes its input to the files it is given, which asks even when `tee` is allowed (as a redirection's write does). */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

/** Files a write to which changes nothing. */
const harmless = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

export const tee: ProgramKnowledge = {
	programs: ['tee'],
	judge({ args }): ProgramVerdict {
		const asks: string[] = [];
		let options = true;
		for (const { value, literal, text } of args) {
			if (options && value === '--') {
				options = false;
			} else if (options && value.startsWith('-') && value !== '-' && literal) {
				continue;
			} else if (!harmless.has(value) || !literal) {
				asks.push(`\`tee\` writes ${literal ? value : text}`);
			}
		}
		return { asks };
	},
};
