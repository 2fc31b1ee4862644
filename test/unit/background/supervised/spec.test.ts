import * as assert from 'node:assert/strict';
import { DEFAULT_BACKGROUND_SETTINGS } from '../../../../src/background';
import { parseSupervisorSpec } from '../../../../src/background/supervised/protocol';
import { definedValues, supervisorSpec, supervisorUnavailable } from '../../../../src/background/supervised/spec';

describe('supervisor spec', () => {
	const task = { id: 'bg-7', logPath: '/storage/logs/bg-7.log' };
	const settings = { ...DEFAULT_BACKGROUND_SETTINGS, logMaxBytes: 1000, killGraceSeconds: 3 };

	it('builds a spawn spec the supervisor accepts, with the shell invocation, folder and environment', () => {
		const invocation = { file: '/bin/bash', args: ['-c', 'npm run dev'] };
		const spec = supervisorSpec(task, '/storage/supervised/bg-7.state.json', settings, { mode: 'spawn', invocation, cwd: '/work', env: { PATH: '/bin' } });
		assert.deepEqual(spec, {
			version: 1,
			mode: 'spawn',
			id: 'bg-7',
			logPath: '/storage/logs/bg-7.log',
			statePath: '/storage/supervised/bg-7.state.json',
			logMaxBytes: 1000,
			killGraceMilliseconds: 3000,
			invocation,
			cwd: '/work',
			env: { PATH: '/bin' },
		});
		assert.deepEqual(parseSupervisorSpec(JSON.stringify(spec)), spec);
	});

	it('builds a pipes spec the supervisor accepts, with the pid of the command handed over', () => {
		const spec = supervisorSpec(task, '/s.json', settings, { mode: 'pipes', pid: 4242 });
		assert.equal(spec.mode, 'pipes');
		assert.equal(spec.pid, 4242);
		assert.equal(spec.invocation, undefined);
		assert.equal(spec.killGraceMilliseconds, 3000);
		assert.deepEqual(parseSupervisorSpec(JSON.stringify(spec)), spec);
	});

	it('never asks for a negative cap or grace period', () => {
		const spec = supervisorSpec(task, '/s.json', { logMaxBytes: -1, killGraceSeconds: -2 }, { mode: 'pipes', pid: 1 });
		assert.equal(spec.logMaxBytes, 0);
		assert.equal(spec.killGraceMilliseconds, 0);
	});

	it('an environment in the spec holds strings only', () => {
		assert.deepEqual(definedValues({ A: 'a', B: undefined }), { A: 'a' });
	});

	it('says why tasks cannot be left running: Windows, or no supervisor', () => {
		assert.match(supervisorUnavailable('/dist/supervisor.js', 'win32') ?? '', /Windows/);
		assert.match(supervisorUnavailable(undefined, 'linux') ?? '', /no supervisor/);
		assert.equal(supervisorUnavailable('/dist/supervisor.js', 'linux'), undefined);
	});
});
