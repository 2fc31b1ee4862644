/**
 * Wrappers: programs and builtins that run the command written after their options (`timeout 60 npm
 * test` runs `npm test`), some of them in a way that always asks (`sudo`, `exec`).
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
	['time', { optionsWithValue: new Set(['-f', '-o', '--format', '--output']), operands: 0 }],
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
		const wraps = { start: skipOptions(args, wrapper.optionsWithValue) + wrapper.operands };
		return wrapper.asks === undefined ? { wraps } : { asks: [wrapper.asks], wraps };
	},
};
