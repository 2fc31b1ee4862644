import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AutoTurns } from '../../../src/agent/autoTurns';
import { gated, text, toolUse, toolUses } from '../../fixtures/fakeAnthropic';
import { checkAndDispose, delay, deliveredIds, Harness, notices, waitFor } from './harness';

describe('AutoTurns', () => {
	const on = { autoContinue: true, autoContinueMaxTurns: 2 };

	it('wakes for a finished task until its result is delivered', () => {
		const auto = new AutoTurns();
		assert.equal(auto.shouldStart(on), false, 'nothing finished');
		auto.taskFinished('bg-1');
		assert.equal(auto.shouldStart(on), true);
		assert.equal(auto.shouldStart({ ...on, autoContinue: false }), false, 'not when autoContinue is off');
		auto.delivered('bg-1');
		assert.equal(auto.shouldStart(on), false);
	});

	it('takes at most the maximum in a row, none while blocked, and the user resets both', () => {
		const auto = new AutoTurns();
		auto.taskFinished('bg-1');
		auto.countTurn();
		auto.countTurn();
		assert.equal(auto.shouldStart(on), false, 'two in a row');
		auto.userSpoke();
		assert.equal(auto.shouldStart(on), true);
		auto.block();
		assert.equal(auto.blocked, true);
		assert.equal(auto.shouldStart(on), false);
		auto.unblock();
		assert.equal(auto.shouldStart(on), true);
		auto.block();
		auto.userSpoke();
		assert.equal(auto.blocked, false);
	});
});

describe('AgentSession turns of its own', function () {
	this.timeout(20_000);
	let harness: Harness;

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	it('takes a turn when a task the agent started finishes while idle', async () => {
		harness = await Harness.create({ settings: { autoContinue: true, autoContinueMaxTurns: 3 } });
		harness.fake.enqueue(toolUse('background_run', { command: 'sleep 0.2' }), text('Started.'), text('It finished.'));
		await harness.session.send('start it');
		assert.equal(harness.requests.length, 2);
		await waitFor(() => harness.requests.length === 3, 5_000, 'the turn of its own');
		await harness.session.whenIdle();
		assert.equal(notices(harness.requests[2]).length, 1);
	});

	it('does not wake for a task the user started', async () => {
		harness = await Harness.create({ settings: { autoContinue: true, autoContinueMaxTurns: 3 } });
		harness.fake.enqueue(text('Hello.'));
		await harness.session.send('hi');
		const task = harness.tasks.start('echo mine', { origin: 'user' });
		await harness.tasks.whenFinished(task.id);
		await delay(300);
		assert.equal(harness.requests.length, 1);
		harness.fake.enqueue(text('I see your task finished.'));
		await harness.session.send('what happened?');
		assert.deepEqual(deliveredIds(harness), [task.id]);
	});

	it('does not wake when autoContinue is off', async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
		harness.fake.enqueue(toolUse('background_run', { command: 'echo x' }), text('Started.'));
		await harness.session.send('start it');
		await harness.tasks.whenFinished(harness.tasks.list()[0].id);
		await delay(300);
		assert.equal(harness.requests.length, 2);
	});

	it('takes at most autoContinueMaxTurns turns in a row, and a user message resets the count', async () => {
		harness = await Harness.create({ settings: { autoContinue: true, autoContinueMaxTurns: 1 } });
		harness.fake.setDefaultReply(text('Noted.'));
		// Each task ends when the test creates its release file: no race on a busy machine.
		const releaseFast = path.join(harness.workspace, 'release-fast');
		const releaseSlow = path.join(harness.workspace, 'release-slow');
		harness.fake.enqueue(
			toolUses([
				{ name: 'background_run', input: { command: `until [ -f '${releaseFast}' ]; do sleep 0.02; done` } },
				{ name: 'background_run', input: { command: `until [ -f '${releaseSlow}' ]; do sleep 0.02; done` } },
			]),
			text('Both started.'),
		);
		await harness.session.send('start two');
		const [slow, fast] = harness.tasks.list();
		fs.writeFileSync(releaseFast, '');
		await waitFor(() => harness.requests.length === 3, 5_000, 'the first turn of its own');
		await harness.session.whenIdle();
		assert.deepEqual(deliveredIds(harness), [fast.id]);
		fs.writeFileSync(releaseSlow, '');
		await harness.tasks.whenFinished(slow.id);
		await delay(300);
		assert.equal(harness.requests.length, 3, 'no second turn of its own');
		await harness.session.send('status?');
		assert.deepEqual(deliveredIds(harness), [fast.id, slow.id]);
	});

	it('never starts a turn of its own while a request is in flight', async () => {
		harness = await Harness.create({ settings: { autoContinue: true, autoContinueMaxTurns: 3 } });
		harness.fake.enqueue(toolUse('background_run', { command: 'echo quick' }), gated(text('Started it and waiting here.'), 1), text('Saw the notice.'));
		const done = harness.session.send('go');
		await harness.fake.waitForGate();
		await harness.tasks.whenFinished(harness.tasks.list()[0].id);
		await delay(200);
		assert.equal(harness.requests.length, 2, 'no request while one is in flight');
		harness.fake.release();
		await done;
		await waitFor(() => harness.requests.length === 3, 5_000, 'the turn after');
		await harness.session.whenIdle();
		assert.equal(notices(harness.requests[2]).length, 1);
	});

	it('does not wake after the user pressed stop', async () => {
		harness = await Harness.create({ settings: { autoContinue: true, autoContinueMaxTurns: 3 } });
		harness.fake.enqueue(toolUse('background_run', { command: 'sleep 0.3' }), gated(text('waiting here'), 1));
		const done = harness.session.send('go');
		await harness.fake.waitForGate();
		harness.session.stop();
		await done;
		harness.fake.release();
		await harness.tasks.whenFinished(harness.tasks.list()[0].id);
		await delay(300);
		assert.equal(harness.requests.length, 2);
	});
});
