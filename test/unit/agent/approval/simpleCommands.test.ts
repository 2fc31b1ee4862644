import * as assert from 'node:assert/strict';
import type { SubCommand } from '../../../../src/agent/approval';
import type { Invocation, ProgramKnowledge } from '../../../../src/agent/approval/programs/knowledge';
import { ProgramRegistry } from '../../../../src/agent/approval/programs/registry';
import { analyzed, itAsks, texts, walked } from './helpers';

describe('simple commands', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('their text, program and arguments', () => {
		it('gives each sub-command its text, its program and its arguments with quotes removed', async () => {
			const [subCommand] = (await analyzed(`git commit -m "fix: a && b; c | d" --author='Ann <a@b.c>'`)).subCommands;
			assert.deepEqual(subCommand, {
				text: `git commit -m "fix: a && b; c | d" --author='Ann <a@b.c>'`,
				name: 'git',
				args: ['commit', '-m', 'fix: a && b; c | d', '--author=Ann <a@b.c>'],
				bare: `git commit -m "fix: a && b; c | d" --author='Ann <a@b.c>'`,
			} satisfies SubCommand);
		});

		it('does not split on operators that are quoted, escaped or in a comment', async () => {
			assert.deepEqual(await texts(`echo 'a; b' "c && d" e\\;f # g; rm -rf /`), [`echo 'a; b' "c && d" e\\;f`]);
		});

		it('writes the sub-command with one space between words, line continuations joined', async () => {
			assert.deepEqual(await texts('npm   test \\\n  --coverage'), ['npm test --coverage']);
		});

		it('reads a word tree-sitter-bash splits as the one word bash reads', async () => {
			const [, echo] = (await analyzed('echo a>(rm x)b')).subCommands;
			// The process substitution's output is known only when the line runs.
			assert.deepEqual(echo, { text: 'echo a>(rm x)b', name: 'echo', args: ['a>(rm x)b'], bare: 'echo a>(rm x)b', pattern: 'echo a\u0000b' } satisfies SubCommand);
		});

		it('reads builtins tree-sitter-bash gives nodes of their own as commands', async () => {
			assert.deepEqual(await texts('local x=$(id) y; unset z; export A=1; [ -n "$x" ] > /dev/null'), ['id', 'local x=$(id) y', 'unset z', 'export A=1', '[ -n "$x" ] >/dev/null']);
			const [declare] = (await analyzed("declare -r 'A'=1")).subCommands;
			assert.deepEqual(declare.args, ['-r', 'A=1']);
		});

		it('reads `time` as the keyword where bash does, and as the program /usr/bin/time elsewhere', async () => {
			const keyword = (await analyzed('time -p FOO=1 make && ! time ls')).subCommands;
			assert.deepEqual(
				keyword.map((subCommand) => [subCommand.text, subCommand.name, subCommand.wrapper]),
				[
					['FOO=1 make', 'make', undefined],
					['ls', 'ls', undefined],
				],
			);
			const [, program] = (await analyzed('a | time -v ls')).subCommands;
			assert.deepEqual([program.text, program.wrapper], ['ls', 'time -v ls']);
		});
	});

	describe('constructs that always ask', () => {
		itAsks([
			['a program name from an expansion', '$CMD --version', /program's name is known only when the line runs/],
			['a program name that is a pattern', 'r*m -rf /', /program's name is a pattern/],
			['a program name that is a bracket pattern', '/bin/r[m] -rf /', /program's name is a pattern/],
		]);
	});

	describe('what the program registry says', () => {
		/** A module for a made-up program `pack`, as the next program's module would be written. */
		const seen: Invocation[] = [];
		const pack: ProgramKnowledge = {
			programs: ['pack'],
			judge(invocation) {
				seen.push(invocation);
				const [verb] = invocation.args;
				switch (verb?.value) {
					case 'with':
						return { asks: ['`pack with` runs a command'], wraps: { start: 1, assignments: ['PACKED=1'] } };
					case 'each':
						return { runs: [{ start: 1, end: invocation.args.length, reason: '`pack each` runs a command for each file' }] };
					case 'hidden':
						return { asks: ['`pack hidden` hides which command runs'], wholeIsTheCommand: true };
				}
				return {};
			},
		};
		const registry = new ProgramRegistry([pack]);

		it('asks the registry for each command by its file name, with its arguments as written and unquoted', async () => {
			seen.length = 0;
			await walked(`/opt/bin/pack 'a b' "$x" && ls`, registry);
			assert.deepEqual(seen, [
				{
					program: 'pack',
					args: [
						{ text: "'a b'", value: 'a b', literal: true },
						{ text: '"$x"', value: '"$x"', literal: false },
					],
				},
			]);
		});

		it('checks the command a wrapper runs in its place, with the assignments it gives, and keeps the whole', async () => {
			const walk = await walked('pack with npm test > out', registry);
			assert.deepEqual(walk.subCommands, [{ text: 'PACKED=1 npm test >out', name: 'npm', args: ['test'], bare: 'npm test', wrapper: 'pack with npm test >out' }]);
			assert.deepEqual(walk.alwaysAsk, ['`pack with` runs a command']);
			// Nothing to wrap: the wrapper is the command.
			assert.deepEqual((await walked('pack with', registry)).subCommands, [{ text: 'pack with', name: 'pack', args: ['with'], bare: 'pack with' }]);
		});

		it('records a program and the commands it runs besides, each with its reason', async () => {
			const walk = await walked('pack each rm -f x', registry);
			assert.deepEqual(
				walk.subCommands.map((subCommand) => [subCommand.text, subCommand.wrapper]),
				[
					['pack each rm -f x', undefined],
					['rm -f x', 'pack each rm -f x'],
				],
			);
			assert.deepEqual(walk.alwaysAsk, ['`pack each` runs a command for each file']);
		});

		it('records the whole, outer wrappers included, where the command run cannot be told', async () => {
			const walk = await walked('pack with /opt/bin/pack hidden x', registry);
			assert.deepEqual(walk.subCommands, [{ text: 'pack with /opt/bin/pack hidden x', name: 'pack', args: ['hidden', 'x'], bare: 'pack with /opt/bin/pack hidden x' }]);
			assert.deepEqual(walk.alwaysAsk, ['`pack with` runs a command', '`pack hidden` hides which command runs']);
		});

		it('knows nothing of a program the registry does not know, wrappers included', async () => {
			const walk = await walked('timeout 5 bash -c x', registry);
			assert.deepEqual(walk.subCommands, [{ text: 'timeout 5 bash -c x', name: 'timeout', args: ['5', 'bash', '-c', 'x'], bare: 'timeout 5 bash -c x' }]);
			assert.deepEqual(walk.alwaysAsk, []);
		});
	});
});
