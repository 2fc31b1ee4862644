/**
 * `find`: a command of its own, which runs the command of each `-exec`, `-execdir`, `-ok` and `-okdir`
 * for each file, deletes with `-delete` and writes files with `-fprint`, `-fprint0`, `-fprintf` and
 * `-fls`. Those ask even when `find` is allowed.
 *
 * Its expression is read from its words, so a word that is not a fixed string (`$x`, `-exe$9c`, a pattern
 * such as `-exe?` or `{-exec,id}`) could be any action: it asks, and the words after it are checked as a
 * command it could run (so that a deny rule for that command denies).
 */
import type { InnerCommand, ProgramKnowledge, ProgramVerdict } from './knowledge';

const executors = new Set(['-exec', '-execdir', '-ok', '-okdir']);
/** Actions that write a file named by the next argument. */
const writers = new Set(['-fprint', '-fprint0', '-fprintf', '-fls']);
/** Tests and options whose next argument is a value (a name pattern, a size, a file to compare with), never an action. */
const withValue = new Set([
	'-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname', '-type', '-xtype', '-size', '-perm',
	'-user', '-group', '-uid', '-gid', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-anewer', '-cnewer', '-samefile', '-inum',
	'-links', '-maxdepth', '-mindepth', '-fstype', '-used', '-regextype', '-context', '-printf', '-D',
]);

export const find: ProgramKnowledge = {
	programs: ['find'],
	judge({ args }): ProgramVerdict {
		const runs: InnerCommand[] = [];
		const asks: string[] = [];
		for (let index = 0; index < args.length; index++) {
			const { value, text, literal } = args[index];
			if (!literal) {
				asks.push(`\`find\` is given \`${text}\`, known only when the line runs: it could be an action such as -exec or -delete`);
				runs.push({ start: index + 1, end: commandEnd(args, index + 1), reason: `\`find\` could run the words after \`${text}\` as a command` });
				continue;
			}
			if (withValue.has(value) || /^-newer[a-zA-Z]{2}$/.test(value)) {
				index++;
			} else if (value === '-delete') {
				asks.push('`find -delete` deletes the files it finds');
			} else if (writers.has(value)) {
				const file = args[index + 1]?.value ?? '';
				asks.push(`\`find ${value}\` writes the file ${file}`);
				index += value === '-fprintf' ? 2 : 1;
			} else if (executors.has(value)) {
				const end = commandEnd(args, index + 1);
				runs.push({ start: index + 1, end, reason: `\`find ${value}\` runs a command for each file` });
				index = end;
			}
		}
		return { asks, runs };
	},
};

/** Where a command `find` runs ends: at `;` or `+` (or with the arguments). */
function commandEnd(args: readonly { readonly value: string }[], start: number): number {
	let end = start;
	while (end < args.length && args[end].value !== ';' && args[end].value !== '+') {
		end++;
	}
	return end;
}
