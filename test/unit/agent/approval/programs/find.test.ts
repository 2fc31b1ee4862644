import * as assert from 'node:assert/strict';
import { find } from '../../../../../src/agent/approval/programs/find';
import { invocation, itAsks, texts } from '../helpers';

describe('programs: find', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['find -exec', "find . -name '*.tmp' -exec rm {} \\;", /`find -exec`/, ["find . -name '*.tmp' -exec rm {} \\;", 'rm {}']],
			['find -execdir', 'find . -execdir touch x +', /`find -execdir`/],
			['find -ok', 'find . -ok rm {} \\;', /`find -ok`/],
		]);
	});

	it('runs the command of each -exec, -execdir, -ok and -okdir up to `;` or `+`', () => {
		assert.deepEqual(find.judge(invocation('find', '.', '-exec', 'rm', '{}', ';', '-okdir', 'ls', '+')), {
			runs: [
				{ start: 2, end: 4, reason: '`find -exec` runs a command for each file' },
				{ start: 6, end: 7, reason: '`find -okdir` runs a command for each file' },
			],
		});
	});

	it('asks for an -exec with no command, and runs nothing for it', async () => {
		assert.deepEqual(find.judge(invocation('find', '.', '-exec')), { runs: [{ start: 2, end: 2, reason: '`find -exec` runs a command for each file' }] });
		assert.deepEqual(await texts('find . -exec \\;'), ['find . -exec \\;']);
	});

	it('runs nothing without an executor', () => {
		assert.deepEqual(find.judge(invocation('find', '.', '-name', '*.ts', '-delete')), { runs: [] });
	});
});
