import * as assert from 'node:assert/strict';
import { xargs } from '../../../../../src/agent/approval/programs/xargs';
import { invocation, itAsks } from '../helpers';

describe('programs: xargs', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([['xargs', "find . -name '*.ts' | xargs grep -n TODO", /`xargs`/, ["find . -name '*.ts'", 'grep -n TODO']]]);
	});

	it('runs the command after its options, skipping the values options take', () => {
		const asks = ['`xargs` runs a command built from its input'];
		assert.deepEqual(xargs.judge(invocation('xargs', '-0', '-n', '1', '-I', '{}', 'echo', '{}')), { asks, wraps: { start: 5 } });
		assert.deepEqual(xargs.judge(invocation('xargs', '--max-args', '2', 'rm')), { asks, wraps: { start: 2 } });
		assert.deepEqual(xargs.judge(invocation('xargs')), { asks, wraps: { start: 0 } });
	});
});
