import * as assert from 'node:assert/strict';
import { blocksOf, lastMessage, toolUse } from '../../../fixtures/fakeAnthropic';
import { checkAndDispose, expectResults, Harness, isNotice, results } from '../harness';

describe('background_cancel', function () {
	this.timeout(20_000);
	let harness: Harness;

	beforeEach(async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
	});

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	it('kills the task the way the user\'s cancel does and returns its final status; no notice follows', async () => {
		harness.fake.enqueue(toolUse('background_run', { command: 'echo started; sleep 30' }), (request) => {
			const id = /^task_id: (bg-\d+)/.exec(results(request)[0])?.[1] ?? '?';
			return toolUse('background_cancel', { task_id: id });
		}, expectResults(([result]) => {
			assert.match(result, /^task_id: bg-\d+\nstatus: cancelled\n/);
			assert.match(result, /\nreason: cancelled by the agent\n/);
			assert.match(result, /\nThe task was cancelled\.\n/);
		}), toolUse('background_cancel', { task_id: 'bg-1' }), expectResults(([result]) => {
			assert.match(result, /^task_id: bg-1\nstatus: cancelled\n/);
			assert.match(result, /The task had already ended; there was nothing to cancel/);
		}));
		await harness.session.send('start and cancel it');
		const [task] = harness.tasks.list();
		assert.equal(task.status, 'cancelled');
		assert.equal(task.reason, 'cancelled by the agent');
		await harness.session.send('cancel it again');
		assert.ok(!harness.requests.some((request) => blocksOf(lastMessage(request)).some(isNotice)), 'no notice for a task the agent cancelled');
	});
});
