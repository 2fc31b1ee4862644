import * as assert from 'node:assert/strict';
import { wrappers } from '../../../../../src/agent/approval/programs/wrappers';
import { analyzed, invocation, itAsks, itDecides } from '../helpers';

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

	describe('deny rules see the command a wrapper runs', () => {
		itDecides([
			['time -- rm -rf build', 'deny', /approval\.deny rule `rm`/],
			['time -p -- rm -rf build', 'deny', /rm/],
			['time -p rm -rf build', 'deny', /rm/],
			['command time -o /dev/null rm -rf build', 'deny', /rm/],
			['env -- rm -rf build', 'deny', /rm/],
			['env -i PATH=/bin rm -rf build', 'deny', /rm/],
			['stdbuf -o0 rm -rf build', 'deny', /rm/],
			['stdbuf --output=L rm -rf build', 'deny', /rm/],
			['setsid rm -rf build', 'deny', /rm/],
			['setsid -f rm -rf build', 'deny', /rm/],
			['busybox rm -rf build', 'deny', /rm/],
			['command -p rm -rf build', 'deny', /rm/],
			['command rm -rf build', 'deny', /rm/],
			['builtin command rm x', 'deny', /rm/],
			['nice -n 5 rm x', 'deny', /rm/],
			['nice -10 rm x', 'deny', /rm/],
			['timeout -s KILL 5 rm x', 'deny', /rm/],
			['nohup rm x &', 'deny', /rm/],
			['xargs rm < list', 'deny', /rm/],
			['xargs -i rm {}', 'deny', /rm/],
			['xargs -I {} rm {}', 'deny', /rm/],
			['xargs -0 -n 1 rm', 'deny', /rm/],
			['ionice -c 3 rm x', 'deny', /rm/],
			['sudo -u root rm x', 'deny', /rm/],
			['nice $opt rm x', 'deny', /rm/],
		]);
	});

	describe('wrapper options that ask', () => {
		itDecides([
			["command time -o ~/.bashrc -f 'x' cat /dev/null", 'ask', /time option -o writes the file it is given/],
			['command time --output=x.txt ls', 'ask', /time option --output writes/],
			['command time -a -o x.txt ls', 'ask', /time option -a/],
			['env -C /tmp npm test', 'ask', /`env -C` runs the command in another folder/],
			['env --chdir=/tmp npm test', 'ask', /`env -C`/],
			['env -S "rm -rf x"', 'ask', /hides which command runs/],
			['timeout $t ls', 'ask'],
		]);
	});

	describe('constructs that always ask', () => {
		itAsks([
			['sudo', 'sudo apt-get install -y jq', /`sudo`/, ['apt-get install -y jq']],
			['exec', 'exec npm start', /`exec`/],
		]);
	});

	it('finds the command after the options, and the values options take', () => {
		assert.deepEqual(wrappers.judge(invocation('nice', '-n', '5', 'make')), { wraps: { start: 2 } });
		assert.deepEqual(wrappers.judge(invocation('time', '-f', '%e', 'ls')), { wraps: { start: 2 } });
		assert.deepEqual(wrappers.judge(invocation('time', '-f', '%e', '-o', 'out', 'ls')), { asks: ['time option -o writes the file it is given'], wraps: { start: 4 } });
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
