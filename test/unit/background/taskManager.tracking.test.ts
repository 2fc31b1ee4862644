import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { TaskInfo, TaskManager } from '../../../src/background';
import { Fixture, processesWith, savedRecords, uniqueMarker, waitFor } from './helpers';

const describeLinux = process.platform === 'linux' ? describe : describe.skip;

/** The shapes in which a command leaves processes behind that leave its process group, or hold no pipe of ours. */
function shapes(marker: string): { readonly name: string; readonly command: string }[] {
	const sleeper = `sleep 300.${marker}`;
	return [
		{ name: '& with its output redirected', command: `${sleeper} > /dev/null 2>&1 &` },
		{ name: 'setsid', command: `setsid ${sleeper} > /dev/null 2>&1 &` },
		{ name: 'nohup', command: `nohup ${sleeper} > /dev/null 2>&1 &` },
		{ name: 'a double fork', command: `( ${sleeper} > /dev/null 2>&1 & ) ; echo forked` },
		{ name: 'a daemon that closes its descriptors', command: `setsid sh -c 'exec 0<&- 1>&- 2>&-; exec ${sleeper}' &` },
	];
}

describeLinux('TaskManager: every process a task starts is tracked (Linux)', function () {
	this.timeout(30_000);
	let fixture: Fixture;
	const markers: string[] = [];

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
		for (const marker of markers.splice(0)) {
			spawnSync('pkill', ['-KILL', '-f', marker]);
		}
	});

	function marked(): string {
		const marker = uniqueMarker();
		markers.push(marker);
		return marker;
	}

	async function lingering(manager: TaskManager, id: string): Promise<TaskInfo> {
		await waitFor(() => (manager.get(id)?.processesLeft?.length ?? 0) > 0, 10_000, `${id} to show the processes it left`);
		const task = manager.get(id);
		assert.ok(task);
		return task;
	}

	for (const shape of shapes('MARKER')) {
		it(`a task whose main process exited stays running while what it started via ${shape.name} runs, and Cancel stops all of it`, async () => {
			const marker = marked();
			const command = shape.command.replace('MARKER', marker);
			const manager = fixture.manager({ killGraceSeconds: 1 });
			const info = manager.start(command, { origin: 'agent' });
			await waitFor(() => processesWith(marker).length > 0, 10_000, 'the command to run');
			const task = await lingering(manager, info.id);
			assert.equal(task.status, 'running');
			assert.deepEqual(task.mainExit, { exitCode: 0, signal: null });
			assert.ok(task.processesLeft?.some((each) => each.command.includes(marker)), JSON.stringify(task.processesLeft));
			assert.equal(manager.hasPendingNotices(), false, 'no notice while something of it runs');

			const cancelled = await manager.cancel(info.id);
			assert.equal(cancelled?.status, 'cancelled');
			await waitFor(() => processesWith(marker).length === 0, 5000, 'every process of the task to end');
			assert.equal(manager.get(info.id)?.processesLeft, undefined);
		});
	}

	it('finds what a task left as its main process ends, also when that process is caught in the middle of exec (30 tasks, none missed)', async function () {
		this.timeout(120_000);
		// `setsid` then `sleep` are executed right as the shell exits: the one pass over /proc made then
		// can meet the process with its environment not yet in place (it reads empty during exec).
		const manager = fixture.manager({ killGraceSeconds: 1 });
		const missed: string[] = [];
		for (let index = 0; index < 30; index++) {
			const marker = marked();
			const info = manager.start(`setsid sleep 300.${marker} > /dev/null 2>&1 & echo started`, { origin: 'agent' });
			const final = await Promise.race([
				manager.whenFinished(info.id),
				waitFor(() => (manager.get(info.id)?.processesLeft?.length ?? 0) > 0, 10_000, `${info.id} to show the process it left`).then(() => undefined),
			]);
			if (final) {
				missed.push(`${info.id} ended ${final.status}`);
			}
			await manager.cancel(info.id);
			await waitFor(() => processesWith(marker).length === 0, 5000, `what ${info.id} left to be stopped`);
		}
		assert.deepEqual(missed, [], 'every task stays running with the process it left');
	});

	it('Cancel as the main process ends (its log still being flushed) stops what it left, and the task ends cancelled', async () => {
		const manager = fixture.manager({ killGraceSeconds: 1 });
		for (let index = 0; index < 10; index++) {
			const marker = marked();
			const info = manager.start(`setsid sleep 300.${marker} > /dev/null 2>&1 & echo started`, { origin: 'agent' });
			// The main process's exit, before its log is flushed and what it left is looked for.
			await manager.whenMainEnded(info.id);
			const cancelled = await manager.cancel(info.id);
			assert.equal(cancelled?.status, 'cancelled', `${info.id} ends cancelled`);
			await waitFor(() => processesWith(marker).length === 0, 5000, `what ${info.id} left to be stopped`);
		}
	});

	it('the notice comes when the last process ends, with the exit code of the main process', async () => {
		const marker = marked();
		const manager = fixture.manager();
		const info = manager.start(`setsid sleep 1.${marker} > /dev/null 2>&1 & echo main done; exit 3`, { origin: 'agent' });
		const task = await lingering(manager, info.id);
		assert.deepEqual(task.mainExit, { exitCode: 3, signal: null });
		const ended = await manager.whenFinished(info.id);
		assert.equal(ended.status, 'failed');
		assert.equal(ended.exitCode, 3);
		assert.deepEqual(processesWith(marker), []);
		const [notice] = manager.drain();
		assert.equal(notice.task.id, info.id);
		assert.match(notice.outputTail, /main done/);
	});

	it('a process that left the group but holds the output pipe is shown, and Cancel stops it', async () => {
		const marker = marked();
		const manager = fixture.manager({ killGraceSeconds: 1 });
		const info = manager.start(`setsid sleep 42.${marker} & echo started`, { origin: 'agent' });
		const task = await lingering(manager, info.id);
		assert.equal(task.status, 'running');
		assert.equal(task.mainExit?.exitCode, 0);
		assert.equal((await manager.cancel(info.id))?.status, 'cancelled');
		await waitFor(() => processesWith(marker).length === 0, 5000, 'the detached process to end');
	});

	it('closing the window stops every tracked process of its tasks, also those that left the group', async () => {
		const markersOfShapes = shapes('MARKER').map(() => marked());
		const manager = fixture.manager();
		shapes('MARKER').forEach((shape, index) => manager.start(shape.command.replace('MARKER', markersOfShapes[index]), { origin: 'agent' }));
		const running = manager.start(`sleep 300.${marked()}`, { origin: 'agent' });
		await waitFor(() => markersOfShapes.every((marker) => processesWith(marker).length > 0), 10_000, 'every shape to run');
		assert.equal(manager.get(running.id)?.status, 'running');
		manager.dispose();
		await waitFor(() => markersOfShapes.every((marker) => processesWith(marker).length === 0), 5000, 'every process to end with the window');
	});

	it('a window that died (no dispose) leaves processes behind: the next window stops them and the row says so', async () => {
		const marker = marked();
		const storageDir = fixture.folder();
		const dead = fixture.manager({}, { storageDir, window: { instance: 'dead', identity: { pid: 2 ** 22 + 13, startTime: 'gone' } } });
		const info = dead.start(`setsid sleep 300.${marker} > /dev/null 2>&1 &`, { origin: 'agent' });
		await lingering(dead, info.id);
		await waitFor(() => savedRecords(storageDir).some((task) => task.id === info.id && task.status === 'running'), 10_000, 'the dead window to have saved its task');
		const next = fixture.manager({ killGraceSeconds: 1 }, { storageDir });
		await waitFor(() => processesWith(marker).length === 0, 10_000, 'the next window to stop what the dead one left');
		await waitFor(() => /stopped when this window opened/.test(next.get(info.id)?.reason ?? ''), 5000, 'the row to say so');
		assert.equal(next.get(info.id)?.status, 'cancelled');
	});
});
