import * as assert from 'node:assert/strict';
import { wrappers } from '../../../../../src/agent/approval/programs/wrappers';
import { analyzed, invocation, itAsks } from '../helpers';

describe('programs: wrappers', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	it('checks the command a wrapper runs, and keeps the whole for deny rules', async () => {
		const subCommands = (await analyzed('timeout 60 npm test; nice -n 5 make; nohup node server.js & env FOO=1 npm start; command ls; time cargo build')).subCommands;
		assert.deepEqual(
			subCommands.map((subCommand) => [subCommand.text, subCommand.wrapper]),
			[
				['npm test', 'timeout 60 npm test'],
				['make', 'nice -n 5 make'],
				['node server.js', 'nohup node server.js'],
				['FOO=1 npm start', 'env FOO=1 npm start'],
				['ls', 'command ls'],
				['cargo build', undefined],
			],
		);
	});

	describe('constructs that always ask', () => {
		itAsks([
			['sudo', 'sudo apt-get install -y jq', /`sudo`/, ['apt-get install -y jq']],
			['exec', 'exec npm start', /`exec`/],
		]);
	});

	it('finds the command after the options, and the values options take', () => {
		assert.deepEqual(wrappers.judge(invocation('nice', '-n', '5', 'make')), { wraps: { start: 2 } });
		assert.deepEqual(wrappers.judge(invocation('time', '-f', '%e', '-o', 'out', 'ls')), { wraps: { start: 4 } });
		assert.deepEqual(wrappers.judge(invocation('nohup', '--', 'ls')), { wraps: { start: 1 } });
		assert.deepEqual(wrappers.judge(invocation('builtin', 'echo', 'hi')), { wraps: { start: 0 } });
	});

	it('skips the duration of timeout', () => {
		assert.deepEqual(wrappers.judge(invocation('timeout', '-s', 'KILL', '-k', '3', '5', 'ls')), { wraps: { start: 5 } });
		assert.deepEqual(wrappers.judge(invocation('timeout', '5')), { wraps: { start: 1 } });
	});

	it('asks for sudo, doas and exec, which run the command with other privileges or in place of the shell', () => {
		assert.deepEqual(wrappers.judge(invocation('sudo', '-u', 'root', 'ls')), { asks: ['`sudo` runs a command with other privileges'], wraps: { start: 2 } });
		assert.deepEqual(wrappers.judge(invocation('doas', 'ls')), { asks: ['`doas` runs a command with other privileges'], wraps: { start: 0 } });
		assert.deepEqual(wrappers.judge(invocation('exec', '-a', 'name', 'ls')), { asks: ['`exec` replaces the shell'], wraps: { start: 2 } });
	});

	it('reads `command -v` as a lookup that runs nothing', () => {
		assert.deepEqual(wrappers.judge(invocation('command', '-v', 'ls')), {});
		assert.deepEqual(wrappers.judge(invocation('command', '-pV', 'ls')), {});
		assert.deepEqual(wrappers.judge(invocation('command', '-p', 'ls')), { wraps: { start: 1 } });
	});
});
