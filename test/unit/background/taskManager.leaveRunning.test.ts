import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENDED_WHILE_NO_WINDOW, STOPPED_WITH_WINDOW, type TaskManager } from '../../../src/background';
import { Fixture, SUPERVISOR_SCRIPT, alive, delay, processesWith, savedRecords, uniqueMarker, waitFor } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

interface SavedState {
	status: string;
	pid?: number;
	pgid?: number;
	supervisorPid: number;
	supervisorStartTime?: string;
	startTime?: string;
	exitCode?: number | null;
}

function statePath(storageDir: string, id: string): string {
	return path.join(storageDir, 'supervised', `${id}.state.json`);
}

function readState(storageDir: string, id: string): SavedState | undefined {
	try {
		return JSON.parse(fs.readFileSync(statePath(storageDir, id), 'utf8')) as SavedState;
	} catch {
		return undefined;
	}
}

/** The numbers a `tick N` loop printed, in order. */
function ticks(text: string): number[] {
	return [...text.matchAll(/^tick (\d+)$/gm)].map((match) => Number(match[1]));
}

function assertConsecutive(numbers: readonly number[], what: string): void {
	numbers.forEach((value, index) => assert.equal(value, numbers[0] + index, `${what}: no line lost or repeated (${numbers.join(',')})`));
}

describePosix('TaskManager leave running', function () {
	this.timeout(30_000);
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	function manager(storageDir: string): TaskManager {
		return fixture.manager({ killGraceSeconds: 1 }, { storageDir, supervisorScript: SUPERVISOR_SCRIPT });
	}

	it('a task started with leaveRunning survives dispose, is adopted by the next manager with its output going on, and cancel there kills its group', async () => {
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const first = manager(storageDir);
		const info = first.start(`sleep 300.${marker} & i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done`, { origin: 'agent', leaveRunning: true });
		assert.equal(info.leaveRunning, true);
		assert.equal((await first.waitFor(info.id, { pattern: '^tick 3$' }, { timeoutMs: 10_000 })).outcome, 'pattern');
		const pid = first.get(info.id)?.pid;
		assert.ok(pid, 'the pid is known once the supervisor started the command');
		const supervisorPid = readState(storageDir, info.id)?.supervisorPid ?? 0;

		first.dispose();
		assert.ok(processesWith(marker).length > 0, 'dispose leaves the task running');
		assert.ok(alive(supervisorPid), 'and its supervisor');
		assert.equal(savedRecords(storageDir).find((task) => task.id === info.id)?.status, 'running');
		await delay(300);

		const second = manager(storageDir);
		const adopted = second.get(info.id);
		assert.equal(adopted?.status, 'running');
		assert.equal(adopted?.adopted, true);
		assert.equal(adopted?.pid, pid);
		const before = ticks(second.readOutput(info.id));
		assert.ok(before.length >= 3, 'the output so far comes from the log');
		const next = await second.waitFor(info.id, { pattern: '^tick \\d+$' }, { timeoutMs: 10_000, includeExistingOutput: false });
		assert.equal(next.outcome, 'pattern');
		assert.ok(Number(next.line?.slice(5)) > before[before.length - 1], 'new output arrives after adoption');
		await delay(200);
		assertConsecutive(ticks(second.readOutput(info.id)), 'output across the reload');

		const cancelled = await second.cancel(info.id, 'cancelled by the user');
		assert.equal(cancelled?.status, 'cancelled');
		assert.equal(cancelled?.reason, 'cancelled by the user');
		assert.deepEqual(processesWith(marker), [], 'cancel kills the whole group');
		await waitFor(() => !alive(supervisorPid), 5000, 'the supervisor to exit');
		assert.deepEqual(
			second.drain().map((notice) => `${notice.task.id}:${notice.task.status}`),
			[`${info.id}:cancelled`],
		);
		await waitFor(() => !fs.existsSync(statePath(storageDir, info.id)), 2000, 'the state file to be removed');
	});

	it('a supervisor killed with kill -9 leaves its task running and cancellable, its row saying what happened', async function () {
		if (process.platform !== 'linux') {
			this.skip();
		}
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const tasks = manager(storageDir);
		const info = tasks.start(`echo up; sleep 300.${marker}`, { origin: 'agent', leaveRunning: true });
		try {
			assert.equal((await tasks.waitFor(info.id, { pattern: '^up$' }, { timeoutMs: 10_000 })).outcome, 'pattern');
			const supervisorPid = readState(storageDir, info.id)?.supervisorPid ?? 0;
			assert.ok(supervisorPid > 0 && alive(supervisorPid));
			process.kill(supervisorPid, 'SIGKILL');
			await waitFor(() => (tasks.get(info.id)?.processesLeft?.length ?? 0) > 0, 15_000, 'the task to follow its command without the supervisor');
			const task = tasks.get(info.id);
			assert.equal(task?.status, 'running');
			assert.match(task?.reason ?? '', /supervisor ended unexpectedly/);
			assert.ok(processesWith(marker).length > 0, 'the command runs on');
			const cancelled = await tasks.cancel(info.id);
			assert.equal(cancelled?.status, 'cancelled');
			await waitFor(() => processesWith(marker).length === 0, 5000, 'Cancel to stop the command');
		} finally {
			spawnSync('pkill', ['-KILL', '-f', marker]);
		}
	});

	it('a task left running whose command ended but left a process running is adopted as running by the next window, and Cancel there stops it', async function () {
		if (process.platform !== 'linux') {
			this.skip();
		}
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const first = manager(storageDir);
		const info = first.start(`setsid sleep 300.${marker} > /dev/null 2>&1 & echo up`, { origin: 'agent', leaveRunning: true });
		try {
			await waitFor(() => (first.get(info.id)?.processesLeft?.length ?? 0) > 0, 15_000, 'the first window to follow what the command left');
			first.dispose();
			assert.ok(processesWith(marker).length > 0, 'left running with the window');
			const second = manager(storageDir);
			const adopted = second.get(info.id);
			assert.equal(adopted?.status, 'running');
			assert.equal(adopted?.adopted, true);
			assert.ok(adopted?.processesLeft?.some((each) => each.command.includes(marker)));
			assert.equal((await second.cancel(info.id))?.status, 'cancelled');
			await waitFor(() => processesWith(marker).length === 0, 5000, 'Cancel to stop it');
		} finally {
			spawnSync('pkill', ['-KILL', '-f', marker]);
		}
	});

	it('every file under the store is the user\'s alone (0600) and every folder too (0700), whatever the umask', async () => {
		const storageDir = fixture.folder();
		const previous = process.umask(0o022);
		try {
			const tasks = manager(storageDir);
			const plain = tasks.start('echo secret-output', { origin: 'agent' });
			const left = tasks.start('echo left; sleep 30', { origin: 'agent', leaveRunning: true });
			await tasks.whenFinished(plain.id);
			assert.equal((await tasks.waitFor(left.id, { pattern: '^left$' }, { timeoutMs: 10_000 })).outcome, 'pattern');
			tasks.drain();
			tasks.dispose();
			const seen: string[] = [];
			const walk = (folder: string): void => {
				assert.equal(fs.statSync(folder).mode & 0o777, 0o700, folder);
				for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
					const full = path.join(folder, entry.name);
					if (entry.isDirectory()) {
						walk(full);
					} else if (entry.isFile()) {
						seen.push(entry.name);
						assert.equal(fs.statSync(full).mode & 0o777, 0o600, full);
					}
				}
			};
			walk(storageDir);
			for (const expected of [`${plain.id}.log`, `${left.id}.log`, 'tasks.json', `${left.id}.state.json`]) {
				assert.ok(seen.includes(expected), `${expected} among ${seen.join(', ')}`);
			}
			const second = manager(storageDir);
			await second.cancel(left.id);
		} finally {
			process.umask(previous);
		}
	});

	it('a task left running that ends while no manager exists is reported by the next one with its real exit code, exactly once', async () => {
		const storageDir = fixture.folder();
		const first = manager(storageDir);
		const info = first.start('sleep 0.5; echo finished-alone; exit 7', { origin: 'agent', leaveRunning: true });
		first.dispose();
		await waitFor(() => readState(storageDir, info.id)?.status === 'exited', 10_000, 'the supervisor to record the exit');

		const second = manager(storageDir);
		const ended = second.get(info.id);
		assert.equal(ended?.status, 'failed');
		assert.equal(ended?.exitCode, 7);
		assert.equal(second.hasPendingNotices(), true);
		const notices = second.drain();
		assert.equal(notices.length, 1);
		assert.equal(notices[0].task.id, info.id);
		assert.equal(notices[0].task.exitCode, 7);
		assert.equal(notices[0].outputTail, 'finished-alone\n');
		assert.deepEqual(second.drain(), []);
		assert.equal(fs.existsSync(statePath(storageDir, info.id)), false, 'its state file is cleaned up');
		second.dispose();

		const third = manager(storageDir);
		assert.equal(third.hasPendingNotices(), false, 'not announced a second time');
		assert.equal(third.get(info.id)?.exitCode, 7);
	});

	it('a manager that comes right after the start, before the supervisor has written anything, adopts the task all the same', async () => {
		const storageDir = fixture.folder();
		const first = manager(storageDir);
		const info = first.start('sleep 0.5; echo quick; exit 0', { origin: 'agent', leaveRunning: true });
		first.dispose();
		const second = manager(storageDir);
		assert.equal(second.get(info.id)?.status, 'running');
		assert.equal(second.get(info.id)?.adopted, true);
		const done = await second.whenFinished(info.id);
		assert.equal(done.status, 'succeeded');
		assert.equal(done.exitCode, 0);
		assert.ok(done.pid, 'the pid became known meanwhile');
		assert.equal(second.readOutput(info.id), 'quick\n');
	});

	it('a window that dies (no dispose) right after starting a task left running: the next window adopts it, its state file kept', async () => {
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		// A window whose process is gone: it never disposes, as after kill -9.
		const dead = fixture.manager({ killGraceSeconds: 1 }, { storageDir, supervisorScript: SUPERVISOR_SCRIPT, window: { instance: 'dead', identity: { pid: 2 ** 22 + 11, startTime: 'gone' } } });
		const info = dead.start(`sleep 300.${marker}; echo never`, { origin: 'agent', leaveRunning: true });
		// At once: no debounced save has run, and the supervisor may not have started yet.
		const second = manager(storageDir);
		try {
			assert.equal(second.get(info.id)?.status, 'running', 'adopted, not lost');
			assert.equal(second.get(info.id)?.adopted, true);
			await waitFor(() => processesWith(marker).length > 0, 10_000, 'the command to run');
			await delay(700);
			assert.ok(fs.existsSync(statePath(storageDir, info.id)), 'its state file is not cleaned away');
			assert.equal((await second.cancel(info.id))?.status, 'cancelled');
			assert.deepEqual(processesWith(marker), []);
		} finally {
			spawnSync('pkill', ['-KILL', '-f', marker]);
		}
	});

	it('after a hand-over, the notice quotes the newest lines written to stderr, not stale ones', async () => {
		const storageDir = fixture.folder();
		const first = manager(storageDir);
		// After the new error, more lines of stdout than a notice keeps.
		const release = path.join(storageDir, 'release');
		const info = first.start(`echo "old error" >&2; echo go; until [ -f '${release}' ]; do sleep 0.05; done; echo "new error after hand-over" >&2; sleep 0.2; for i in $(seq 60); do echo "out $i"; done; exit 4`, { origin: 'agent' });
		await first.waitFor(info.id, { pattern: '^go$' }, { timeoutMs: 10_000 });
		first.setLeaveRunning(info.id, true);
		// The new error only once the supervisor follows the task, however slow the machine.
		await waitFor(() => readState(storageDir, info.id)?.status === 'running', 10_000, 'the supervisor to follow the task');
		fs.writeFileSync(release, '');
		await first.whenFinished(info.id);
		const [notice] = first.drain();
		assert.equal(notice.task.exitCode, 4);
		const [tail, stderrSection] = notice.outputTail.split('--- the last lines written to stderr ---');
		assert.match(tail, /out 60/);
		// Two pipes: the supervisor may read the error after the 60 lines (then the tail ends with it) or among
		// them, beyond the tail (then only the stderr section can carry it). Either way the newest error is told.
		assert.match(notice.outputTail, /new error after hand-over/);
		if (stderrSection !== undefined) {
			assert.match(stderrSection, /new error after hand-over\s*$/, 'the last stderr line is the newest one');
		} else {
			assert.match(tail, /new error after hand-over\s*$/, 'the tail ends with the newest error');
		}
	});

	it('a record whose supervisor pid now belongs to another process is not adopted, and that process is left alone', async () => {
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const first = manager(storageDir);
		// Without the task's marker, as a process that is not the task's would be.
		const info = first.start(`exec env -u MEANWHILE_TASK sleep 300.${marker}`, { origin: 'agent', leaveRunning: true });
		await waitFor(() => first.get(info.id)?.pid !== undefined, 10_000, 'the supervisor to start the command');
		const pgid = first.get(info.id)?.pid ?? 0;
		first.dispose();
		// As if both pids had been reused by processes that started at another time.
		const state = readState(storageDir, info.id);
		assert.ok(state);
		fs.writeFileSync(statePath(storageDir, info.id), JSON.stringify({ ...state, supervisorStartTime: 'another-process', startTime: 'another-process' }));
		try {
			const second = manager(storageDir);
			const stale = second.get(info.id);
			assert.equal(stale?.status, 'failed');
			assert.equal(stale?.reason, ENDED_WHILE_NO_WINDOW);
			assert.equal(stale?.adopted, undefined);
			assert.equal(second.drain().length, 1, 'reported once as ended');
			await delay(300);
			assert.ok(processesWith(marker).length > 0, 'a process that is not ours is not signalled');
		} finally {
			process.kill(-pgid, 'SIGKILL');
			process.kill(state.supervisorPid, 'SIGKILL');
		}
	});

	it('a running task marked later is handed over without losing output, and its exit code still comes from this window', async () => {
		const storageDir = fixture.folder();
		const first = manager(storageDir);
		const info = first.start('i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo tick $i; sleep 0.02; done; exit 3', { origin: 'agent' });
		await first.waitFor(info.id, { pattern: '^tick 5$' }, { timeoutMs: 10_000 });
		assert.equal(first.setLeaveRunning(info.id, true)?.leaveRunning, true);
		const done = await first.whenFinished(info.id);
		assert.equal(done.status, 'failed');
		assert.equal(done.exitCode, 3);
		const numbers = ticks(first.readOutput(info.id));
		assert.equal(numbers.length, 40);
		assertConsecutive(numbers, 'in memory');
		assert.deepEqual(ticks(fs.readFileSync(info.logPath, 'utf8')), numbers, 'the log has every line once, in order');
		assert.equal(first.get(info.id)?.outputBytes, fs.statSync(info.logPath).size);
	});

	it('a running task marked later survives dispose and is adopted by the next manager', async () => {
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const first = manager(storageDir);
		const info = first.start(`sleep 300.${marker} & i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done`, { origin: 'agent' });
		await first.waitFor(info.id, { pattern: '^tick 2$' }, { timeoutMs: 10_000 });
		first.setLeaveRunning(info.id, true);
		await first.waitFor(info.id, { pattern: '^tick 6$' }, { timeoutMs: 10_000 });
		first.dispose();
		assert.ok(processesWith(marker).length > 0, 'dispose leaves it running');
		await delay(300);

		const second = manager(storageDir);
		assert.equal(second.get(info.id)?.status, 'running');
		assert.equal(second.get(info.id)?.adopted, true);
		const next = await second.waitFor(info.id, { pattern: '^tick \\d+$' }, { timeoutMs: 10_000, includeExistingOutput: false });
		assert.equal(next.outcome, 'pattern');
		assertConsecutive(ticks(fs.readFileSync(info.logPath, 'utf8')), 'the log across the hand-over and the reload');
		assert.equal((await second.cancel(info.id))?.status, 'cancelled');
		assert.deepEqual(processesWith(marker), []);
	});

	it('without a supervisor, a task to leave running runs as a normal task, stops with the window, and the logger says so', async () => {
		const storageDir = fixture.folder();
		const marker = uniqueMarker();
		const plain = fixture.manager({}, { storageDir });
		const info = plain.start(`sleep 300.${marker}`, { origin: 'agent', leaveRunning: true });
		assert.equal(info.status, 'running');
		assert.ok(info.pid, 'started at once, as a child of this process');
		plain.dispose();
		assert.deepEqual(processesWith(marker), []);
		assert.equal((await plain.whenFinished(info.id)).reason, STOPPED_WITH_WINDOW);
		assert.ok(fixture.logger.lines.some((line) => line.message.includes(info.id) && line.message.includes('stops with the window')));
	});
});
