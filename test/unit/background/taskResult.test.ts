import * as assert from 'node:assert/strict';
import { ENDED_EXIT_UNKNOWN, ENDED_WHILE_NO_WINDOW, STOPPED_WHILE_NO_WINDOW } from '../../../src/background';
import { resultOf } from '../../../src/background/taskResult';

describe('resultOf', () => {
	it('reads an exit code and a signal', () => {
		assert.deepEqual(resultOf({ exitCode: 0, signal: null }, undefined, 5), { status: 'succeeded', exitCode: 0, signal: null, endedAt: 5 });
		assert.deepEqual(resultOf({ exitCode: 2, signal: null }, undefined, 5), { status: 'failed', exitCode: 2, signal: null, endedAt: 5 });
		assert.deepEqual(resultOf({ exitCode: null, signal: 'SIGKILL' }, undefined, 5), { status: 'failed', reason: 'killed by SIGKILL', exitCode: null, signal: 'SIGKILL', endedAt: 5 });
	});

	it('a stop we asked for wins over how the process ended, but not over a failure to start', () => {
		const stop = { status: 'timed out', reason: 'timed out after 3 s' } as const;
		assert.deepEqual(resultOf({ exitCode: 0, signal: null }, stop, 5), { ...stop, exitCode: 0, signal: null, endedAt: 5 });
		assert.deepEqual(resultOf({ exitCode: null, signal: null, error: new Error('ENOENT') }, stop, 5), {
			status: 'failed',
			reason: 'could not start: ENOENT',
			exitCode: null,
			signal: null,
			endedAt: 5,
		});
		assert.equal(resultOf({ exitCode: null, signal: null, failure: 'its supervisor ended before it started the command' }, stop, 5).reason, 'its supervisor ended before it started the command');
	});

	it('says whether a window saw a supervised task stopped or end without an exit code', () => {
		assert.equal(resultOf({ exitCode: null, signal: 'SIGTERM', stopped: true }, undefined, 5).reason, 'its supervisor was told to stop it');
		assert.equal(resultOf({ exitCode: null, signal: 'SIGTERM', stopped: true }, undefined, 5, true).reason, STOPPED_WHILE_NO_WINDOW);
		assert.equal(resultOf({ exitCode: null, signal: null, exitUnknown: true }, undefined, 5).reason, ENDED_EXIT_UNKNOWN);
		assert.deepEqual(resultOf({ exitCode: null, signal: null, exitUnknown: true }, undefined, 5, true), {
			status: 'failed',
			reason: ENDED_WHILE_NO_WINDOW,
			exitCode: null,
			signal: null,
			endedAt: 5,
		});
	});
});
