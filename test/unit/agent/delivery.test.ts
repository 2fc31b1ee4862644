/**
 * Every result reaches the conversation that started it, exactly once: across New Chat and Chat History
 * (sessions that come and go on one task engine), a window that dies before or after saving, and a turn
 * that fails with the user's input queued. Real task engine, real child processes, the fake API.
 */
import * as assert from 'node:assert/strict';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager } from '../../../src/background';
import { AgentSession } from '../../../src/agent/session';
import { blocksOf, gated, lastMessage, streamError, text, toolUse } from '../../fixtures/fakeAnthropic';
import { checkAndDispose, deliveredIds, Harness, notices, waitFor } from './harness';

describe('delivery of task results to their conversation', function () {
	this.timeout(20_000);
	let harness: Harness;
	const extraManagers: TaskManager[] = [];

	afterEach(async function () {
		for (const manager of extraManagers.splice(0)) {
			manager.dispose();
		}
		await checkAndDispose(this, harness);
	});

	/** The next window on the same store, after this one died or closed. */
	function nextWindow(instance: string): TaskManager {
		const manager = new TaskManager({
			storageDir: harness.storage,
			defaultCwd: harness.workspace,
			getSettings: () => ({ ...DEFAULT_BACKGROUND_SETTINGS, killGraceSeconds: 1 }),
			logger: harness.logger,
			window: { instance },
		});
		extraManagers.push(manager);
		return manager;
	}

	it("tells a task's end to the conversation that started it, never to the one shown instead", async () => {
		harness = await Harness.create({ settings: { autoContinue: true } });
		const first = harness.session;
		harness.fake.enqueue(text('Started.'));
		await first.send('hello');
		const task = harness.tasks.start('sleep 0.3; echo from the first chat', { origin: 'agent', conversationId: first.id });
		const saved = first.toJSON();
		// New Chat: the first conversation is saved and closed; another is shown.
		first.dispose();
		const second = harness.newSession();
		harness.session = second;
		await harness.tasks.whenFinished(task.id);
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.equal(harness.requests.length, 1, 'the empty chat takes no turn of its own for a task it did not start');
		harness.fake.enqueue(text('Hi.'));
		await second.send('something else');
		assert.deepEqual(notices(harness.requests[1]), [], 'the other chat is not told');
		assert.equal(harness.tasks.hasPendingNotices(first.id), true, 'the notice waits for its conversation');

		// Chat History reopens the first conversation: it wakes and tells the model on its own.
		harness.fake.enqueue(text('The task finished.'));
		second.dispose();
		const reopened = AgentSession.restore(saved, harness.sessionOptions());
		harness.session = reopened;
		reopened.wake();
		await waitFor(() => harness.requests.length === 3 && !reopened.busy);
		await reopened.whenIdle();
		assert.deepEqual(deliveredIds(harness), [task.id]);
		assert.match(blocksOf(lastMessage(harness.requests[2])).map((block) => block.text ?? '').join('\n'), /from the first chat/);
	});

	it('does not tell a notice twice when the window died after saving the conversation with it', async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
		const task = harness.tasks.start('echo told once', { origin: 'agent', conversationId: harness.session.id });
		await harness.tasks.whenFinished(task.id);
		harness.fake.enqueue(text('Noted.'));
		await harness.session.send('what happened?');
		assert.deepEqual(deliveredIds(harness), [task.id]);
		// Saved, but the window dies before the journal hears of the save.
		const { data } = harness.session.toSave();
		harness.session.dispose();
		harness.tasks.dispose();
		const tasks = nextWindow('after-crash');
		const restored = AgentSession.restore(JSON.parse(JSON.stringify(data)), harness.sessionOptions({ tasks }));
		harness.session = restored;
		harness.fake.enqueue(text('Nothing new.'));
		await restored.send('anything else?');
		assert.deepEqual(deliveredIds(harness), [task.id], 'dropped: the saved conversation had heard of it');
		const { covered } = restored.toSave();
		assert.deepEqual(covered, [task.id]);
		restored.acknowledgeSaved(covered);
		assert.equal(tasks.hasPendingNotices(), false);
		restored.dispose();
		assert.deepEqual(nextWindow('third').drain(), [], 'acknowledged: the journal forgot it');
	});

	it('tells a notice again when the window died before the conversation was saved with it', async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
		harness.fake.enqueue(text('Hi.'));
		await harness.session.send('hello');
		const before = harness.session.toJSON();
		const task = harness.tasks.start('echo not lost', { origin: 'agent', conversationId: harness.session.id });
		await harness.tasks.whenFinished(task.id);
		harness.fake.enqueue(text('Noted.'));
		await harness.session.send('what happened?');
		// The window dies with only the earlier save on disk, and no acknowledgment.
		harness.session.dispose();
		harness.tasks.dispose();
		const tasks = nextWindow('after-crash');
		const restored = AgentSession.restore(before, harness.sessionOptions({ tasks }));
		harness.session = restored;
		harness.fake.enqueue(text('Noted again.'));
		await restored.send('what happened?');
		assert.deepEqual(deliveredIds(harness), [task.id, task.id], 'the second conversation on disk never had it: told again, once');
		assert.match(blocksOf(lastMessage(harness.requests[2])).map((block) => block.text ?? '').join('\n'), /not lost/);
	});

	it('drops the notice of a task whose end a tool returned, also after a reload', async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
		harness.fake.enqueue(toolUse('bash', { command: 'echo via the tool' }), text('Done.'));
		await harness.session.send('run it');
		const data = JSON.parse(JSON.stringify(harness.session.toJSON())) as { heardTasks: string[] };
		assert.equal(data.heardTasks.length, 1);
		harness.session.dispose();
		harness.tasks.dispose();
		const tasks = nextWindow('after-reload');
		const restored = AgentSession.restore(data, harness.sessionOptions({ tasks }));
		harness.session = restored;
		harness.fake.enqueue(text('Ok.'));
		await restored.send('and?');
		assert.deepEqual(deliveredIds(harness), []);
	});

	it('keeps input sent during a turn that fails, saved, and sends it on Retry after a reload', async () => {
		harness = await Harness.create({ settings: { autoContinue: false }, maxRetries: 0 });
		harness.fake.enqueue(streamError(gated(text('Working on it, slowly and carefully.'), 1), 5, 'api_error', 'Internal server error'));
		const first = harness.session.send('start');
		await harness.fake.waitForGate();
		const queued = harness.session.send('also this, typed meanwhile');
		harness.fake.release();
		await Promise.all([first, queued]);
		assert.equal(harness.items().at(-1)?.kind, 'error');
		const data = JSON.parse(JSON.stringify(harness.session.toJSON())) as { queued: unknown[] };
		assert.deepEqual(data.queued, [{ type: 'text', text: 'also this, typed meanwhile' }]);
		harness.session.dispose();
		const restored = AgentSession.restore(data, harness.sessionOptions());
		harness.session = restored;
		harness.fake.enqueue(text('Both done.'));
		await restored.retry();
		assert.equal(harness.requests.length, 2);
		const sent = blocksOf(lastMessage(harness.requests[1])).map((block) => block.text);
		assert.deepEqual(sent, ['start', 'also this, typed meanwhile']);
		assert.deepEqual(restored.toJSON().queued, []);
	});

	it('resolves a message sent during a turn when the turn that answers it ends, with its own reply', async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
		harness.fake.enqueue(gated(text('First answer, streaming.'), 1), text('Second answer.'));
		const first = harness.session.sendAndTrack('one');
		await harness.fake.waitForGate();
		const second = harness.session.sendAndTrack('two');
		let secondDone = false;
		void second.answered.then(() => {
			secondDone = true;
		});
		harness.fake.release();
		await first.answered;
		await second.answered;
		assert.equal(harness.requests.length, 2, 'the queued message started the next turn');
		assert.ok(secondDone);
		const items = harness.items();
		const secondIndex = items.findIndex((item) => item.id === second.itemId);
		const after = items.slice(secondIndex + 1);
		assert.ok(after.some((item) => item.kind === 'assistant' && item.blocks.some((block) => block.kind === 'text' && block.text === 'Second answer.')));
	});
});
