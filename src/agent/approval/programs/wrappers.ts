/**
 * Wrappers: programs and builtins that run the command written after their options (`timeout 60 npm
 * test` runs `npm test`, `busybox rm x` runs `rm x`), some of them in a way that always asks (`sudo`,
 * `exec`). The command they run is what the rules check; deny rules see the whole too.
 *
 * Their own options can do what the command does not say: `time -o FILE` writes a file. Such options
 * ask, and so does an option that is not a fixed string (it could be any of them).
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';
import { skipOptions } from './options';

interface Wrapper {
	/** Options that take the next argument as their value. */
	readonly optionsWithValue: ReadonlySet<string>;
	/** Arguments between the options and the command (`timeout`'s duration). */
	readonly operands: number;
	/** Why running a command through it asks, if it does. */
	readonly asks?: string;
	/** Options (also written `--name=value` or `-oVALUE`) that do something of their own, and what. */
	readonly risky?: ReadonlyMap<string, string>;
}

const privileges = (program: string): Wrapper => ({
	optionsWithValue: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-R']),
	operands: 0,
	asks: `\`${program}\` runs a command with other privileges`,
});

const plain: Wrapper = { optionsWithValue: new Set(), operands: 0 };

const wrappersByProgram: ReadonlyMap<string, Wrapper> = new Map([
	['exec', { optionsWithValue: new Set(['-a']), operands: 0, asks: '`exec` replaces the shell' }],
	['sudo', privileges('sudo')],
	['doas', privileges('doas')],
	['nice', { optionsWithValue: new Set(['-n', '--adjustment']), operands: 0 }],
	['nohup', plain],
	['builtin', plain],
	['command', plain],
	['setsid', plain],
	['busybox', plain],
	['stdbuf', { optionsWithValue: new Set(['-i', '-o', '-e', '--input', '--output', '--error']), operands: 0 }],
	['ionice', { optionsWithValue: new Set(['-c', '-n', '--class', '--classdata']), operands: 0 }],
	['chrt', { optionsWithValue: new Set(['-T', '-P', '-D']), operands: 1 }],
	[
		'time',
		{
			optionsWithValue: new Set(['-f', '-o', '--format', '--output']),
			operands: 0,
			risky: new Map([
				['-o', 'writes the file it is given'],
				['--output', 'writes the file it is given'],
				['-a', 'writes the file it is given'],
				['--append', 'writes the file it is given'],
			]),
		},
	],
	['timeout', { optionsWithValue: new Set(['-s', '-k', '--signal', '--kill-after']), operands: 1 }],
]);

export const wrappers: ProgramKnowledge = {
	programs: [...wrappersByProgram.keys()],
	judge({ program, args }): ProgramVerdict {
		const wrapper = wrappersByProgram.get(program);
		if (wrapper === undefined) {
			return {};
		}
		if (program === 'command' && args.some((arg) => /^-[a-zA-Z]*[vV]/.test(arg.value))) {
			// `command -v x` only looks a program up.
			return {};
		}
		const start = skipOptions(args, wrapper.optionsWithValue) + wrapper.operands;
		const asks = wrapper.asks === undefined ? [] : [wrapper.asks];
		for (const { value, literal, text } of args.slice(0, start)) {
			if (!literal) {
				asks.push(`\`${program}\` is given \`${text}\`, known only when the line runs, where its options are`);
				continue;
			}
			const name = value.startsWith('--') ? value.split('=')[0] : value.slice(0, 2);
			const what = wrapper.risky?.get(name);
			if (what !== undefined) {
				asks.push(`${program} option ${name} ${what}`);
			}
		}
		const wraps = { start };
		return asks.length === 0 ? { wraps } : { asks, wraps };
	},
};
