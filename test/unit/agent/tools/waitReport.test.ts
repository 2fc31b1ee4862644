import * as assert from 'node:assert/strict';
import {
	clampWaitSeconds,
	invalidPattern,
	patternOrPort,
	taskAfterWait,
	waitForTask,
	waitReport,
} from '../../../../src/agent/tools/waitReport';
import { useToolBench } from './context';

describe('waitReport', function () {
	this.timeout(10_000);
	const bench = useToolBench();

	it('caps the seconds to wait at 600 with a note naming the field', () => {
		assert.deepEqual(clampWaitSeconds(undefined, 60), { seconds: 60 });
		assert.deepEqual(clampWaitSeconds(900, 60, 'ready.timeout_seconds'), {
			seconds: 600,
			note: 'ready.timeout_seconds 900 is above the maximum of 600; waited at most 600 s.',
		});
	});

	it('refuses an invalid pattern with the field, and builds the condition from what was given', () => {
		assert.equal(invalidPattern(undefined, 'until.pattern'), undefined);
		assert.equal(invalidPattern('ready', 'until.pattern'), undefined);
		const refused = invalidPattern('(', 'until.pattern');
		assert.equal(refused?.isError, true);
		assert.equal(refused?.summary, 'invalid pattern');
		assert.match(refused?.content ?? '', /^until.pattern is not a pattern Meanwhile can use/);
		assert.deepEqual(patternOrPort({ pattern: 'x' }), { pattern: 'x' });
		assert.deepEqual(patternOrPort({ port: 3000 }), { port: 3000 });
		assert.deepEqual(patternOrPort({}), {});
	});

	it('reports a finished task with the outcome first or the header first, the note, the tail and the log, and marks it delivered', async () => {
		const { tasks, delivered } = bench();
		const task = tasks.start('seq 1 50', { origin: 'agent' });
		const context = bench().context();
		const result = await waitForTask(context, task.id, { exit: true }, 5, true);
		assert.equal(result.outcome, 'exited');
		const after = taskAfterWait(context, task.id, result);
		assert.equal(after.status, 'succeeded');
		assert.deepEqual(delivered, [task.id], 'its end is in the result');

		const first = waitReport(context, after, { outcome: 'outcome: ended', summary: 'ended', note: 'a note' }, 'outcomeFirst', 3);
		assert.match(first.content, /^outcome: ended\na note\ntask_id: bg-1\nstatus: succeeded\n/);
		assert.match(first.content, /\nlast lines of output:\n48\n49\n50\nfull log: .*bg-1\.log$/);
		assert.equal(first.summary, 'ended');
		assert.equal(first.isError, undefined);

		const header = waitReport(context, after, { outcome: 'ready: no', summary: 'stopped', isError: true }, 'headerFirst', 1);
		assert.match(header.content, /^task_id: bg-1\nstatus: succeeded\n(.*\n)*ready: no\nlast lines of output:\n50\nfull log: /);
		assert.equal(header.isError, true);
	});

	it('reports a task still running without marking it delivered', async () => {
		const { tasks, delivered } = bench();
		const task = tasks.start('sleep 5', { origin: 'agent' });
		const context = bench().context();
		const result = await waitForTask(context, task.id, { exit: true }, 0.2, true);
		assert.equal(result.outcome, 'timeout');
		assert.equal(taskAfterWait(context, task.id, result).status, 'running');
		assert.deepEqual(delivered, []);
	});
});
