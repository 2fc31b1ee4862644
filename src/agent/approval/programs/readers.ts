/**
 * Programs that print the contents of the files they are given (`cat`, `head`, `grep`, `rg`, `wc`, …):
 * their file arguments are reads, which must stay in the workspace (judged in workspacePaths.ts), so that
 * an allowed `cat` does not print `~/.ssh/id_rsa` or `/proc/self/environ`. Listing names (`ls ~`) is no
 * read. `printenv` prints the environment, where secrets are kept: it asks.
 */
import type { Argument, ProgramKnowledge, ProgramVerdict } from './knowledge';

interface Reader {
	/** Options that take the next argument as their value. */
	readonly optionsWithValue: ReadonlySet<string>;
	/** The first operand is no file (a pattern, a filter), unless an option gave one (`-e`, `-f`). */
	readonly patternFirst?: boolean;
	/** Options that give the pattern, after which every operand is a file. */
	readonly patternOptions?: ReadonlySet<string>;
	/** Options whose value is a file it reads. */
	readonly fileOptions?: ReadonlySet<string>;
	/** Options that write a file, and so ask. */
	readonly writeOptions?: ReadonlySet<string>;
}

const plain: Reader = { optionsWithValue: new Set() };
const counts: Reader = { optionsWithValue: new Set(['-n', '-c', '--lines', '--bytes']) };
const grep: Reader = {
	optionsWithValue: new Set(['-e', '-f', '-m', '-A', '-B', '-C', '-d', '-D', '--regexp', '--file', '--max-count', '--after-context', '--before-context', '--context', '--label']),
	patternFirst: true,
	patternOptions: new Set(['-e', '-f', '--regexp', '--file']),
	fileOptions: new Set(['-f', '--file']),
};
const ripgrep: Reader = {
	optionsWithValue: new Set(['-e', '-f', '-m', '-A', '-B', '-C', '-g', '-t', '-T', '-j', '-M', '-E', '--regexp', '--file', '--glob', '--type', '--type-not', '--max-count', '--context', '--encoding', '--max-columns', '--threads']),
	patternFirst: true,
	patternOptions: new Set(['-e', '-f', '--regexp', '--file']),
	fileOptions: new Set(['-f', '--file', '--ignore-file']),
};

const readersByProgram: ReadonlyMap<string, Reader> = new Map<string, Reader>([
	...['cat', 'tac', 'less', 'more', 'nl', 'rev', 'wc', 'strings', 'od', 'xxd', 'hexdump', 'base64', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'cksum', 'zcat', 'bat', 'batcat', 'diff', 'cmp', 'comm', 'paste', 'fold', 'fmt', 'column', 'uniq', 'expand', 'unexpand', 'iconv', 'pr'].map((name): [string, Reader] => [name, plain]),
	['head', counts],
	['tail', counts],
	['cut', { optionsWithValue: new Set(['-b', '-c', '-f', '-d', '--delimiter', '--fields', '--bytes', '--characters']) }],
	['sort', { optionsWithValue: new Set(['-k', '-t', '-o', '-T', '-S', '--key', '--field-separator', '--output', '--temporary-directory', '--buffer-size']), writeOptions: new Set(['-o', '--output']) }],
	['grep', grep],
	['egrep', grep],
	['fgrep', grep],
	['zgrep', grep],
	['rg', ripgrep],
	['jq', { optionsWithValue: new Set(['--indent', '--tab']), patternFirst: true, fileOptions: new Set(['-f', '--from-file', '--slurpfile', '--rawfile']) }],
]);

export const readers: ProgramKnowledge = {
	programs: [...readersByProgram.keys(), 'printenv'],
	judge({ program, args }): ProgramVerdict {
		if (program === 'printenv') {
			return { asks: ['`printenv` prints the environment, where secrets are kept'] };
		}
		const reader = readersByProgram.get(program);
		return reader === undefined ? {} : judgeReader(program, reader, args);
	},
};

function judgeReader(program: string, reader: Reader, args: readonly Argument[]): ProgramVerdict {
	const reads: number[] = [];
	const asks: string[] = [];
	let patternGiven = false;
	let options = true;
	let operands = 0;
	for (let index = 0; index < args.length; index++) {
		const { value } = args[index];
		if (options && value === '--') {
			options = false;
			continue;
		}
		if (options && value.startsWith('-') && value !== '-') {
			const name = value.startsWith('--') ? value.split('=')[0] : value.slice(0, 2);
			if (reader.writeOptions?.has(name)) {
				asks.push(`${program} option ${name} writes a file`);
			}
			if (reader.patternOptions?.has(name)) {
				patternGiven = true;
			}
			const attached = value.startsWith('--') ? value.includes('=') : value.length > 2 && reader.optionsWithValue.has(name);
			if (reader.fileOptions?.has(name) && !attached) {
				reads.push(index + 1);
			}
			if (reader.optionsWithValue.has(value)) {
				index++;
			}
			continue;
		}
		operands++;
		if (reader.patternFirst === true && !patternGiven && operands === 1) {
			continue;
		}
		reads.push(index);
	}
	return asks.length > 0 ? { asks, reads } : { reads };
}
