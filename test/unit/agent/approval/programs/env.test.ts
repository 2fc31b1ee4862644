import * as assert from 'node:assert/strict';
import { env } from '../../../../../src/agent/approval/programs/env';
import { analyzed, invocation, literal } from '../helpers';

describe('programs: env', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	it('keeps the assignments of an outer env through further wrappers', async () => {
		const [subCommand] = (await analyzed('env A=1 timeout 5 nice npm test')).subCommands;
		assert.equal(subCommand.text, 'A=1 npm test');
		assert.equal(subCommand.wrapper, 'env A=1 timeout 5 nice npm test');
	});

	it('runs the command after its options and assignments, which it gives as written', () => {
		const quoted = { program: 'env', args: [literal('-i'), { text: "B='x y'", value: 'B=x y', literal: true }, literal('npm')] };
		assert.deepEqual(env.judge(quoted), { wraps: { start: 2, assignments: ["B='x y'"] } });
		assert.deepEqual(env.judge(invocation('env', '-u', 'X', '--unset=Y', '-0', 'A=1', 'ls')), { wraps: { start: 5, assignments: ['A=1'] } });
		assert.deepEqual(env.judge(invocation('env', '-C', 'dir', '-Cdir', 'ls')), {
			asks: ['`env -C` runs the command in another folder', '`env -C` runs the command in another folder'],
			wraps: { start: 3, assignments: [] },
		});
		assert.deepEqual(env.judge(invocation('env', '-', 'ls')), { wraps: { start: 1, assignments: [] } });
	});

	it('asks for an option it does not know, and then the whole is the command', () => {
		assert.deepEqual(env.judge(invocation('env', '-S', 'a b')), { asks: ['`env -S` hides which command runs'], wholeIsTheCommand: true });
		assert.deepEqual(env.judge(invocation('env', '--', 'ls')), { wraps: { start: 1, assignments: [] } });
		assert.deepEqual(env.judge({ program: 'env', args: [{ text: '$X', value: '$X', literal: false }, literal('ls')] }), {
			asks: ['`env` is given `$X`, known only when the line runs: it could be an option such as -S'],
			wholeIsTheCommand: true,
		});
	});

	it('is the command itself when it runs none, and then prints the environment, which asks', () => {
		const prints = '`env` prints the environment, where secrets are kept';
		assert.deepEqual(env.judge(invocation('env')), { asks: [prints], wholeIsTheCommand: true });
		assert.deepEqual(env.judge(invocation('env', 'A=1')), { asks: [prints], wholeIsTheCommand: true });
		assert.deepEqual(env.judge(invocation('env', '-0')), { asks: [prints], wholeIsTheCommand: true });
	});
});
