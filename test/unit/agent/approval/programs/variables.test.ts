import * as assert from 'node:assert/strict';
import { assignmentAsks, settingAsks } from '../../../../../src/agent/approval/programs/variables';
import { analyzed, itAsks } from '../helpers';

describe('programs: variables that change what later commands run', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([['setting PATH for later commands', 'PATH=./evil-bin; npm test', /sets `PATH`/]]);
	});

	it('does not ask for a variable given to one command only', async () => {
		assert.deepEqual((await analyzed('PATH=./bin npm test')).alwaysAsk, []);
	});

	it('knows the variables that choose programs or what they load', () => {
		for (const name of ['PATH', 'IFS', 'BASH_ENV', 'NODE_OPTIONS', 'PYTHONPATH', 'LD_PRELOAD', 'DYLD_INSERT_LIBRARIES', 'GIT_DIR']) {
			assert.equal(settingAsks(name), `sets \`${name}\`, which changes what later commands run`, name);
		}
		for (const name of ['FOO', 'PATHS', 'MY_PATH', 'LD_', 'NODE_ENV']) {
			assert.equal(settingAsks(name), undefined, name);
		}
	});

	it('asks for an assignment only when no program follows it', () => {
		assert.equal(assignmentAsks('PATH=x', false), 'sets `PATH`, which changes what later commands run');
		assert.equal(assignmentAsks('PATH+=:x', false), 'sets `PATH`, which changes what later commands run');
		assert.equal(assignmentAsks('PATH=x', true), undefined);
		assert.equal(assignmentAsks('FOO=x', false), undefined);
	});
});
