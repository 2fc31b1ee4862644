import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STOPPED_WHEN_WINDOW_CLOSED, type TaskManager } from '../../../src/background';
import { Fixture, savedTaskLists, waitFor } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

/** A process identity that no live process has: a window that died (kill -9) and never disposed. */
const deadWindow = (instance: string) => ({ instance, identity: { pid: 2 ** 22 + 23, startTime: 'long gone' } });

describePosix('TaskManager: windows that share one store, and notices that survive them', function () {
	this.timeout(30_000);
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	function manager(storageDir: string, window?: { instance: string; identity?: { pid: number; startTime?: string } }): TaskManager {
		return fixture.manager({ maxConcurrent: 4 }, { storageDir, takeOverIntervalMilliseconds: 100, ...(window ? { window } : {}) });
	}

	it('two windows at once: unique ids, their own rows, their own records, logs that nobody truncates', async () => {
		const storageDir = fixture.folder();
		const left = manager(storageDir, { instance: 'left' });
		const right = manager(storageDir, { instance: 'right' });
		const started: { window: TaskManager; id: string }[] = [];
		for (let index = 0; index < 10; index++) {
			const window = index % 2 === 0 ? left : right;
			started.push({ window, id: window.start(`echo output of task ${index}`, { origin: 'agent' }).id });
		}
		const ids = started.map((each) => each.id);
		assert.equal(new Set(ids).size, ids.length, `an id was given twice: ${ids.join(' ')}`);
		await Promise.all(started.map(({ window, id }) => window.whenFinished(id)));
		assert.deepEqual(
			left.list().map((task) => task.id).sort(),
			started.filter((each) => each.window === left).map((each) => each.id).sort(),
			'each window shows the tasks it can act on: its own',
		);
		for (const [index, { window, id }] of started.entries()) {
			assert.equal(fs.readFileSync(window.get(id)?.logPath ?? '', 'utf8'), `output of task ${index}\n`);
		}
		await waitFor(() => savedTaskLists(storageDir).get('left')?.length === 5 && savedTaskLists(storageDir).get('right')?.length === 5, 5000, 'both task lists saved');
		assert.equal(left.drain().length, 5, 'a window drains only its own notices');
		assert.equal(right.drain().length, 5);
	});

	it('when one window closes, the other takes its tasks and undelivered notices over, once', async () => {
		const storageDir = fixture.folder();
		const staying = manager(storageDir, { instance: 'staying' });
		const closing = manager(storageDir, { instance: 'closing' });
		const done = closing.start('echo finished before closing', { origin: 'agent', conversationId: 'conversation-a' });
		await closing.whenFinished(done.id);
		const running = closing.start('sleep 30', { origin: 'agent', conversationId: 'conversation-a' });
		await waitFor(() => closing.get(running.id)?.status === 'running', 5000, 'the task to run');
		closing.dispose();
		await waitFor(() => staying.get(running.id) !== undefined, 5000, 'the take-over');
		assert.equal(staying.get(done.id)?.status, 'succeeded');
		assert.equal(staying.get(running.id)?.status, 'cancelled');
		assert.equal(fs.existsSync(path.join(storageDir, 'windows', 'closing')), false, 'its folder is gone');
		assert.equal(staying.drain('another conversation').length, 0, 'not delivered to another conversation');
		assert.deepEqual(
			staying.drain('conversation-a').map((notice) => `${notice.task.id} ${notice.task.status}`),
			[`${done.id} succeeded`, `${running.id} cancelled`],
		);
		assert.deepEqual(staying.drain('conversation-a'), []);
	});

	it('a window that died (no dispose): the next window announces its running task as stopped and delivers its pending notice, each once', async () => {
		const storageDir = fixture.folder();
		const dead = manager(storageDir, deadWindow('dead'));
		const finished = dead.start('echo done before the crash', { origin: 'agent', conversationId: 'c1' });
		await dead.whenFinished(finished.id);
		const running = dead.start('sleep 30', { origin: 'agent', conversationId: 'c1' });
		await waitFor(() => dead.get(running.id)?.status === 'running', 5000, 'the task to run');
		// Saved as running, as a window that crashes leaves it.
		await waitFor(() => savedTaskLists(storageDir).get('dead')?.some((task) => task.id === running.id && task.status === 'running') === true, 5000, 'the record saved');

		const next = manager(storageDir, { instance: 'next' });
		const notices = next.drain('c1');
		assert.deepEqual(
			notices.map((notice) => `${notice.task.id} ${notice.task.status}`),
			[`${finished.id} succeeded`, `${running.id} cancelled`],
		);
		assert.equal(notices[1].task.reason, STOPPED_WHEN_WINDOW_CLOSED);
		next.acknowledge(notices.map((notice) => notice.task.id));
		next.dispose();
		const third = manager(storageDir, { instance: 'third' });
		assert.deepEqual(third.drain('c1'), [], 'acknowledged notices are not delivered again');
		assert.equal(third.get(running.id)?.status, 'cancelled', 'the history goes on');
	});

	it('a window that dies right after starting a task: the next window still knows it and tells its conversation', () => {
		const storageDir = fixture.folder();
		const dead = manager(storageDir, deadWindow('dead-at-start'));
		const started = [0, 1, 2].map((index) => dead.start(`sleep 30; echo ${index}`, { origin: 'agent', conversationId: 'c1' }));
		// No time passes: a crash in the same tick as the starts.
		const next = manager(storageDir, { instance: 'next-after-start' });
		const told = next.drain('c1').map((notice) => `${notice.task.id} ${notice.task.status}`);
		assert.deepEqual(told, started.map((task) => `${task.id} cancelled`));
	});

	it('a notice drained but not yet saved with its conversation is delivered again by the next window', async () => {
		const storageDir = fixture.folder();
		const first = manager(storageDir, { instance: 'first' });
		const info = first.start('echo delivered twice at most', { origin: 'agent', conversationId: 'c1' });
		await first.whenFinished(info.id);
		assert.equal(first.drain('c1').length, 1);
		assert.equal(first.hasPendingNotices('c1'), false);
		// The window closes before the conversation was saved with the notice: no acknowledgment.
		first.dispose();
		const second = manager(storageDir, { instance: 'second' });
		assert.deepEqual(
			second.drain('c1').map((notice) => notice.task.id),
			[info.id],
		);
		second.acknowledge([info.id]);
		second.dispose();
		assert.deepEqual(manager(storageDir, { instance: 'third' }).drain('c1'), []);
	});

	it('delivers a notice only to the conversation that started its task; one of no conversation to whichever asks first', async () => {
		const storageDir = fixture.folder();
		const window = manager(storageDir);
		const ofA = window.start('echo a', { origin: 'agent', conversationId: 'A' });
		const ofB = window.start('echo b', { origin: 'agent', conversationId: 'B' });
		const ofNone = window.start('echo none', { origin: 'user' });
		await Promise.all([ofA, ofB, ofNone].map((task) => window.whenFinished(task.id)));
		// Notices queue in the order the tasks ended, which the three processes decide among themselves.
		assert.deepEqual(
			[...window.pendingNotices()].map((task) => `${task.id} ${task.conversationId ?? '-'}`).sort(),
			[`${ofA.id} A`, `${ofB.id} B`, `${ofNone.id} -`].sort(),
		);
		assert.equal(window.hasPendingNotices('B'), true);
		assert.deepEqual(
			window.drain('A').map((notice) => notice.task.id).sort(),
			[ofA.id, ofNone.id].sort(),
		);
		assert.deepEqual(
			window.drain('B').map((notice) => notice.task.id),
			[ofB.id],
		);
	});
});
