import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STOPPED_WHEN_WINDOW_CLOSED, STOPPED_WITH_WINDOW } from '../../../src/background';
import { Fixture, processesWith, savedRecords, savedTaskLists, uniqueMarker, waitFor } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('TaskManager persistence', () => {
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	it('ids continue across a new manager on the same folder, and a task running at dispose comes back as cancelled', async () => {
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const first = fixture.manager({ maxConcurrent: 1 }, { storageDir });
		const done = first.start('echo kept', { origin: 'agent' });
		const flagged = first.start('echo flagged', { origin: 'user' });
		await Promise.all([first.whenFinished(done.id), first.whenFinished(flagged.id)]);
		first.setLeaveRunning(flagged.id, true);
		// Delivered in this window: not announced again in the next.
		assert.deepEqual(
			first.drain().map((notice) => notice.task.id),
			[done.id, flagged.id],
		);
		const running = first.start(`sleep 300.${marker} & sleep 301.${marker} & wait`, { origin: 'agent' });
		const queued = first.start('echo never', { origin: 'agent' });
		assert.equal(queued.status, 'queued');
		await waitFor(() => processesWith(marker).length >= 2, 10_000, 'the sleeps running');

		first.dispose();
		assert.deepEqual(processesWith(marker), [], 'dispose stops running tasks with their groups');
		assert.equal((await first.whenFinished(running.id)).status, 'cancelled');

		const second = fixture.manager({}, { storageDir });
		for (const id of [running.id, queued.id]) {
			assert.equal(second.get(id)?.status, 'cancelled');
			assert.equal(second.get(id)?.reason, STOPPED_WITH_WINDOW);
		}
		assert.equal(second.get(done.id)?.status, 'succeeded');
		assert.equal(second.get(flagged.id)?.leaveRunning, true);
		assert.equal(second.readOutput(done.id), 'kept\n', 'finished tasks come back with their logs');
		assert.deepEqual(second.readOutputSince(done.id, 0, { keepAnsi: true }), { text: 'kept\n', skipped: 0, cursor: 5 });
		assert.deepEqual(
			second.list().map((task) => task.id),
			[queued.id, running.id, flagged.id, done.id],
		);
		// The tasks the window's closing stopped are announced once, in the next window, with why; the others are not announced again.
		const notices = second.drain();
		assert.deepEqual(
			notices.map((notice) => `${notice.task.id} ${notice.task.status} ${notice.task.reason ?? ''}`),
			[`${running.id} cancelled ${STOPPED_WITH_WINDOW}`, `${queued.id} cancelled ${STOPPED_WITH_WINDOW}`],
		);
		assert.equal(second.hasPendingNotices(), false);
		const next = second.start('true', { origin: 'agent' });
		assert.equal(next.id, 'bg-5');
		await second.whenFinished(next.id);
	});

	it('tasks that were running when the previous manager died come back as cancelled', async () => {
		const storageDir = fixture.folder();
		const record = { id: 'bg-7', command: 'npm run dev', cwd: storageDir, origin: 'agent', status: 'running', queuedAt: 1, startedAt: 2, pid: 999999, outputBytes: 10 };
		const queued = { ...record, id: 'bg-8', status: 'queued', startedAt: undefined, pid: undefined };
		fs.mkdirSync(path.join(storageDir, 'logs'));
		fs.writeFileSync(path.join(storageDir, 'logs', 'bg-7.log'), 'listening\n');
		fs.writeFileSync(path.join(storageDir, 'tasks.json'), JSON.stringify({ version: 1, nextId: 9, tasks: [record, queued] }));
		const manager = fixture.manager({}, { storageDir });
		for (const id of ['bg-7', 'bg-8']) {
			assert.equal(manager.get(id)?.status, 'cancelled');
			assert.equal(manager.get(id)?.reason, STOPPED_WHEN_WINDOW_CLOSED);
			assert.equal((await manager.whenFinished(id)).status, 'cancelled');
		}
		assert.equal(manager.readOutput('bg-7'), 'listening\n', 'their logs are kept');
		// Their window could not say they ended: the next one does, once, with why.
		assert.deepEqual(
			manager.drain().map((notice) => `${notice.task.id} ${notice.task.reason ?? ''}`),
			[`bg-7 ${STOPPED_WHEN_WINDOW_CLOSED}`, `bg-8 ${STOPPED_WHEN_WINDOW_CLOSED}`],
		);
		assert.equal(manager.start('true', { origin: 'agent' }).id, 'bg-9');
		assert.equal(fs.existsSync(path.join(storageDir, 'tasks.json')), false, 'the task list of an earlier version is taken over');
	});

	it('a corrupt tasks.json is moved aside with a warning, not thrown', async () => {
		const storageDir = fixture.folder();
		fs.writeFileSync(path.join(storageDir, 'tasks.json'), '{"nextId": 3, "tasks": [');
		const manager = fixture.manager({}, { storageDir, now: () => 1234 });
		assert.deepEqual(manager.list(), []);
		const aside = path.join(storageDir, 'tasks.json.corrupt-1234');
		assert.equal(fs.readFileSync(aside, 'utf8'), '{"nextId": 3, "tasks": [');
		assert.ok(fixture.logger.warnings().some((message) => message.includes('corrupt-1234')));
		const info = manager.start('true', { origin: 'agent' });
		await manager.whenFinished(info.id);
		manager.dispose();
		assert.deepEqual(
			savedRecords(storageDir).map((task) => task.id),
			[info.id],
		);
	});

	it('ids are not reused even when tasks.json is lost, as long as the logs remain', async () => {
		const storageDir = fixture.folder();
		const first = fixture.manager({}, { storageDir });
		const ids = [first.start('true', { origin: 'agent' }).id, first.start('true', { origin: 'agent' }).id];
		await Promise.all(ids.map((id) => first.whenFinished(id)));
		first.dispose();
		fs.rmSync(path.join(storageDir, 'windows'), { recursive: true });
		fs.rmSync(path.join(storageDir, 'ids.json'));
		const second = fixture.manager({}, { storageDir });
		assert.equal(second.start('true', { origin: 'agent' }).id, 'bg-3');
	});

	it('saves on its own, debounced, with an atomic rename', async () => {
		const storageDir = fixture.folder();
		const manager = fixture.manager({}, { storageDir, window: { instance: 'this-window' } });
		const info = manager.start('echo x', { origin: 'agent' });
		await manager.whenFinished(info.id);
		const counter = JSON.parse(fs.readFileSync(path.join(storageDir, 'ids.json'), 'utf8')) as { nextId: number };
		assert.equal(counter.nextId, 2, 'the id counter is saved as each id is given');
		await waitFor(() => savedTaskLists(storageDir).get('this-window')?.[0]?.status === 'succeeded', 5000, 'tasks.json to be saved');
		assert.deepEqual(
			fs.readdirSync(path.join(storageDir, 'windows', 'this-window')).filter((name) => name.endsWith('.tmp')),
			[],
		);
	});

	it('keeps at most 200 finished tasks, removing the oldest with their logs once their notices are drained', async function () {
		this.timeout(90_000);
		const storageDir = fixture.folder();
		const manager = fixture.manager({ maxConcurrent: 16 }, { storageDir });
		const ids: string[] = [];
		for (let index = 0; index < 205; index++) {
			ids.push(manager.start('true', { origin: 'agent' }).id);
		}
		await Promise.all(ids.map((id) => manager.whenFinished(id)));
		assert.equal(manager.list().length, 205, 'tasks whose notice waits are kept');
		manager.drain();
		assert.equal(manager.list().length, 200);
		assert.equal(manager.get(ids[0]), undefined);
		assert.equal(manager.get(ids[5])?.status, 'succeeded');
		await waitFor(() => !fs.existsSync(path.join(storageDir, 'logs', `${ids[0]}.log`)), 10_000, 'the pruned log removed');
		assert.equal(fs.existsSync(path.join(storageDir, 'logs', `${ids[5]}.log`)), true);
	});
});
