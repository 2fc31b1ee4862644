import * as assert from 'node:assert/strict';
import { commandLookup } from '../../../../../src/agent/approval/programs/commandLookup';
import { invocation, itAsks } from '../helpers';

describe('programs: builtins that change what a command name runs', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['an alias for later commands', 'alias ls=rm; ls', /`alias` changes what a later command runs/],
			['hash -p for later commands', 'hash -p ./evil ls; ls', /`hash` changes what a later command runs/],
		]);
	});

	it('asks for alias defining one, hash -p and enable with arguments', () => {
		assert.deepEqual(commandLookup.judge(invocation('alias', 'ls=rm')), { asks: ['`alias` changes what a later command runs'] });
		assert.deepEqual(commandLookup.judge(invocation('hash', '-rp', './evil', 'ls')), { asks: ['`hash` changes what a later command runs'] });
		assert.deepEqual(commandLookup.judge(invocation('enable', '-n', 'echo')), { asks: ['`enable` changes what a later command runs'] });
	});

	it('does not ask where they only list or forget', () => {
		for (const [program, ...args] of [['alias'], ['alias', 'ls'], ['hash'], ['hash', '-r'], ['enable']]) {
			assert.deepEqual(commandLookup.judge(invocation(program, ...args)), {}, [program, ...args].join(' '));
		}
	});
});
