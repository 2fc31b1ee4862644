import * as assert from 'node:assert/strict';
import { declarations } from '../../../../../src/agent/approval/programs/declarations';
import { invocation, itAsks } from '../helpers';

describe('programs: declarations and builtins taking variable names', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['a variable name with a subscript given to a builtin', "printf -v 'a[$(id)]' %s 1", /array element/],
			['exporting PATH for later commands', 'export PATH=./evil-bin:$PATH && npm test', /sets PATH/],
		]);
	});

	it('asks for an array element whose subscript is code, given to any builtin taking names', () => {
		for (const program of ['read', 'unset', 'test', '[', 'mapfile', 'getopts', 'wait', 'local']) {
			assert.deepEqual(declarations.judge(invocation(program, 'a[$i]')), { asks: [`\`${program}\` is given an array element, whose subscript bash evaluates as code`] }, program);
		}
		assert.deepEqual(declarations.judge(invocation('read', '-r', 'a[0]')), { asks: [] });
	});

	it('asks for a declaration setting a variable that changes what later commands run', () => {
		assert.deepEqual(declarations.judge(invocation('typeset', '-x', 'LD_PRELOAD=x.so', 'FOO=1', 'NODE_OPTIONS+=--require=x')), {
			asks: ['sets LD_PRELOAD, which changes what programs read and run', 'sets NODE_OPTIONS, which changes what programs read and run'],
		});
		assert.deepEqual(declarations.judge(invocation('export', 'FOO=1', 'PATH')), { asks: [] });
		// printf sets no variable from `NAME=value`, only with -v.
		assert.deepEqual(declarations.judge(invocation('printf', 'PATH=x')), { asks: [] });
		assert.deepEqual(declarations.judge(invocation('printf', '-v', 'HOME', 'x')), { asks: ['sets HOME, which changes what programs read and run'] });
		assert.deepEqual(declarations.judge(invocation('read', '-r', 'GIT_DIR')), { asks: ['sets GIT_DIR, which changes what programs read and run'] });
	});
});
