import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { TaskChange, TaskInfo } from '../../../src/background';
import { Fixture, delay, processesWith, uniqueMarker, waitFor } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('TaskManager', () => {
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	describe('statuses', () => {
		it('exit 0 ends as succeeded with exit code 0', async () => {
			const manager = fixture.manager();
			const started = manager.start('echo hello', { origin: 'agent' });
			assert.match(started.id, /^bg-\d+$/);
			assert.equal(started.status, 'running');
			assert.ok(started.pid);
			const done = await manager.whenFinished(started.id);
			assert.equal(done.status, 'succeeded');
			assert.equal(done.exitCode, 0);
			assert.equal(done.signal, null);
			assert.ok(done.startedAt !== undefined && done.endedAt !== undefined && done.endedAt >= done.startedAt);
			assert.equal(manager.readOutput(started.id), 'hello\n');
		});

		it('a non-zero exit code ends as failed and keeps the code', async () => {
			const manager = fixture.manager();
			const done = await manager.whenFinished(manager.start('exit 3', { origin: 'agent' }).id);
			assert.equal(done.status, 'failed');
			assert.equal(done.exitCode, 3);
			assert.equal(done.signal, null);
		});

		it('death by a signal ends as failed and keeps the signal', async () => {
			const manager = fixture.manager();
			const done = await manager.whenFinished(manager.start('kill -9 $$', { origin: 'agent' }).id);
			assert.equal(done.status, 'failed');
			assert.equal(done.signal, 'SIGKILL');
			assert.equal(done.exitCode, null);
			assert.match(done.reason ?? '', /SIGKILL/);
		});

		it('a missing working folder fails the task instead of throwing', async () => {
			const manager = fixture.manager();
			const info = manager.start('true', { origin: 'agent', cwd: `${os.tmpdir()}/meanwhile-no-such-folder-${uniqueMarker()}` });
			const done = await manager.whenFinished(info.id);
			assert.equal(done.status, 'failed');
			assert.match(done.reason ?? '', /working folder does not exist/);
		});

		it('runs in the default cwd unless told otherwise', async () => {
			const folder = fixture.folder();
			const manager = fixture.manager({}, { defaultCwd: folder });
			const first = manager.start('pwd', { origin: 'agent' });
			const second = manager.start('pwd', { origin: 'agent', cwd: os.tmpdir() });
			fs.mkdirSync(`${folder}/sub`);
			const third = manager.start('pwd', { origin: 'agent', cwd: 'sub' });
			assert.equal(third.cwd, `${folder}/sub`, 'a relative folder is taken from the default one');
			await Promise.all([first, second, third].map((info) => manager.whenFinished(info.id)));
			assert.equal(fs.realpathSync(manager.readOutput(first.id).trim()), fs.realpathSync(folder));
			assert.equal(fs.realpathSync(manager.readOutput(second.id).trim()), fs.realpathSync(os.tmpdir()));
			assert.equal(fs.realpathSync(manager.readOutput(third.id).trim()), fs.realpathSync(`${folder}/sub`));
		});
	});

	describe('cancel', () => {
		it('cancel kills the whole process group, grandchildren included', async () => {
			const manager = fixture.manager();
			const marker = uniqueMarker();
			const info = manager.start(`sleep 300.${marker} & sleep 301.${marker} & wait`, { origin: 'agent' });
			await waitFor(() => processesWith(marker).length >= 2, 10_000, 'the sleeps running');
			const cancelled = await manager.cancel(info.id, 'cancelled by the user');
			assert.equal(cancelled?.status, 'cancelled');
			assert.equal(cancelled?.reason, 'cancelled by the user');
			assert.deepEqual(processesWith(marker), []);
		});

		it('cancel sends SIGKILL after the grace period to processes that ignore SIGTERM', async () => {
			const manager = fixture.manager({ killGraceSeconds: 1 });
			const marker = uniqueMarker();
			// The trap must be in place before the cancel, else SIGTERM alone would do: wait for the line after it.
			const info = manager.start(`trap '' TERM; sleep 300.${marker} & sleep 301.${marker} & echo trapped; wait`, { origin: 'agent' });
			await waitFor(() => manager.readOutput(info.id).includes('trapped') && processesWith(marker).length >= 2, 10_000, 'the trap and the sleeps');
			const before = Date.now();
			const cancelled = await manager.cancel(info.id);
			assert.equal(cancelled?.status, 'cancelled');
			assert.ok(Date.now() - before >= 900, 'SIGKILL should come after the grace period');
			assert.deepEqual(processesWith(marker), []);
		});

		it('cancel of a task whose shell has exited still kills what holds its output', async () => {
			const manager = fixture.manager();
			const marker = uniqueMarker();
			const info = manager.start(`sleep 300.${marker} & echo started`, { origin: 'agent' });
			await waitFor(() => manager.readOutput(info.id).includes('started') && processesWith(marker).length >= 1, 10_000, 'the sleep started');
			assert.equal(manager.get(info.id)?.status, 'running', 'the background sleep holds the pipes');
			const cancelled = await manager.cancel(info.id);
			assert.equal(cancelled?.status, 'cancelled');
			assert.deepEqual(processesWith(marker), []);
		});

		it('cancel of a queued task makes it cancelled without starting it', async () => {
			const manager = fixture.manager({ maxConcurrent: 1 });
			const marker = uniqueMarker();
			const running = manager.start(`sleep 300.${marker}`, { origin: 'agent' });
			const queued = manager.start('echo should-not-run', { origin: 'agent' });
			assert.equal(queued.status, 'queued');
			const cancelled = await manager.cancel(queued.id);
			assert.equal(cancelled?.status, 'cancelled');
			assert.equal(cancelled?.startedAt, undefined);
			assert.equal(cancelled?.pid, undefined);
			assert.equal(manager.get(running.id)?.status, 'running');
			await manager.cancel(running.id);
			assert.equal(manager.readOutput(queued.id), '');
			assert.deepEqual(processesWith(marker), []);
		});

		it('cancel of an unknown task gives undefined, and cancel of a finished one leaves it as it was', async () => {
			const manager = fixture.manager();
			assert.equal(await manager.cancel('bg-999'), undefined);
			const info = manager.start('true', { origin: 'agent' });
			await manager.whenFinished(info.id);
			assert.equal((await manager.cancel(info.id))?.status, 'succeeded');
			await assert.rejects(manager.whenFinished('bg-999'));
		});

		it('a timeout ends the task as timed out and kills its group', async () => {
			const manager = fixture.manager();
			const marker = uniqueMarker();
			const info = manager.start(`sleep 300.${marker} & sleep 301.${marker} & wait`, { origin: 'agent', timeoutSeconds: 1 });
			assert.equal(info.timeoutSeconds, 1);
			const done = await manager.whenFinished(info.id);
			assert.equal(done.status, 'timed out');
			assert.match(done.reason ?? '', /1 s/);
			assert.deepEqual(processesWith(marker), []);
		});

		it('the timeout from the settings applies when the task names none', async () => {
			const manager = fixture.manager({ timeoutSeconds: 1 });
			const done = await manager.whenFinished(manager.start('sleep 30', { origin: 'agent' }).id);
			assert.equal(done.status, 'timed out');
		});
	});

	describe('process environment', () => {
		it('stdin is closed, so a command that reads it ends at once', async () => {
			const manager = fixture.manager();
			const before = Date.now();
			const done = await manager.whenFinished(manager.start('read x; echo got:$x', { origin: 'agent' }).id);
			assert.ok(Date.now() - before < 5000);
			assert.equal(done.status, 'succeeded');
			assert.equal(manager.readOutput(done.id), 'got:\n');
		});

		it('no ANTHROPIC_ variable reaches the command, whatever its case or source', async () => {
			const manager = fixture.manager(
				{},
				{ baseEnv: { ...process.env, ANTHROPIC_API_KEY: 'sk-ant-secret', anthropic_base_url: 'http://x', MEANWHILE_VISIBLE: 'yes' } },
			);
			const info = manager.start('env', { origin: 'agent', env: { ANTHROPIC_MODEL: 'm', Anthropic_Other: 'o', TASK_EXTRA: 'extra' } });
			await manager.whenFinished(info.id);
			const output = manager.readOutput(info.id);
			assert.doesNotMatch(output, /anthropic/i);
			assert.doesNotMatch(output, /sk-ant-secret/);
			assert.match(output, /^MEANWHILE_VISIBLE=yes$/m);
			assert.match(output, /^TASK_EXTRA=extra$/m);
		});

		it('a background child holding the output pipe keeps the task running until it exits', async () => {
			const manager = fixture.manager();
			const info = manager.start('(sleep 1; echo late) & echo early', { origin: 'agent' });
			await waitFor(() => manager.readOutput(info.id) === 'early\n', 10_000, 'the first line');
			assert.equal(manager.get(info.id)?.status, 'running');
			const done = await manager.whenFinished(info.id);
			assert.equal(done.status, 'succeeded');
			assert.equal(manager.readOutput(info.id), 'early\nlate\n');
			assert.ok((done.endedAt ?? 0) - (done.startedAt ?? 0) >= 900);
		});
	});

	describe('output', () => {
		it('stdout and stderr are interleaved in the order they arrive', async () => {
			const manager = fixture.manager();
			const info = manager.start('echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three', { origin: 'agent' });
			await manager.whenFinished(info.id);
			assert.equal(manager.readOutput(info.id), 'one\ntwo\nthree\n');
			assert.equal(fs.readFileSync(info.logPath, 'utf8'), 'one\ntwo\nthree\n');
			assert.equal(manager.get(info.id)?.outputBytes, 14);
		});

		it('invalid UTF-8 becomes U+FFFD and does not throw', async () => {
			const manager = fixture.manager();
			const info = manager.start(String.raw`printf '\xff\xfeok\n'`, { origin: 'agent' });
			const done = await manager.whenFinished(info.id);
			assert.equal(done.status, 'succeeded');
			assert.equal(manager.readOutput(info.id), '\uFFFD\uFFFDok\n');
			assert.deepEqual([...fs.readFileSync(info.logPath)], [0xff, 0xfe, 0x6f, 0x6b, 0x0a], 'the log keeps the bytes as they came');
		});

		it('a character split across two chunks decodes whole', async () => {
			const manager = fixture.manager();
			const info = manager.start(String.raw`printf '\xc3'; sleep 0.2; printf '\xa9t\xc3'`, { origin: 'agent' });
			await manager.whenFinished(info.id);
			// The dangling lead byte at the very end is flushed as U+FFFD.
			assert.equal(manager.readOutput(info.id), '\u00e9t\uFFFD');
		});

		it('ANSI codes are kept for display and stripped for the model', async () => {
			const manager = fixture.manager();
			const info = manager.start(String.raw`printf '\033[31mred\033[0m \033]0;title\007plain\n'`, { origin: 'agent' });
			await manager.whenFinished(info.id);
			assert.equal(manager.readOutput(info.id, { keepAnsi: true }), '\u001b[31mred\u001b[0m \u001b]0;title\u0007plain\n');
			assert.equal(manager.readOutput(info.id), 'red plain\n');
			const [notice] = manager.drain();
			assert.equal(notice.outputTail, 'red plain\n');
		});

		it('readOutputSince gives only the output after a cursor, and says how much memory no longer holds', async () => {
			const manager = fixture.manager({ memoryBufferBytes: 8 });
			const info = manager.start('echo abc; sleep 0.4; echo 0123456789', { origin: 'agent' });
			await waitFor(() => manager.readOutput(info.id) === 'abc\n', 5000, 'the first line');
			const first = manager.readOutputSince(info.id, 0, { keepAnsi: true });
			assert.deepEqual(first, { text: 'abc\n', skipped: 0, cursor: 4 });
			assert.deepEqual(manager.readOutputSince(info.id, first.cursor), { text: '', skipped: 0, cursor: 4 });
			await manager.whenFinished(info.id);
			assert.deepEqual(manager.readOutputSince(info.id, first.cursor), { text: '3456789\n', skipped: 3, cursor: 15 });
		});

		it('readOutput keeps the newest lines and characters asked for', async () => {
			const manager = fixture.manager();
			const info = manager.start('seq 1 100', { origin: 'agent' });
			await manager.whenFinished(info.id);
			assert.equal(manager.readOutput(info.id, { maxLines: 3 }), '98\n99\n100\n');
			assert.equal(manager.readOutput(info.id, { maxChars: 4 }), '100\n');
			assert.equal(manager.readOutput('bg-999'), '');
		});

		it('the log stops at logMaxBytes and notes how much was dropped', async () => {
			const manager = fixture.manager({ logMaxBytes: 1000 });
			const info = manager.start(String.raw`head -c 100000 /dev/zero | tr '\0' 'y'`, { origin: 'agent' });
			const done = await manager.whenFinished(info.id);
			assert.equal(done.outputBytes, 100000);
			const log = fs.readFileSync(info.logPath, 'utf8');
			assert.ok(log.startsWith('y'.repeat(1000) + '\n'));
			assert.match(log, /99000 more bytes/);
			assert.ok(log.length < 1300);
			assert.equal(manager.readOutput(info.id).length, 100000, 'the in-memory tail is not limited by the log cap');
		});

		it('the log is complete when the task is announced as finished', async () => {
			const manager = fixture.manager();
			const sizes: number[] = [];
			manager.onDidFinish((task) => sizes.push(fs.statSync(task.logPath).size));
			const info = manager.start(String.raw`head -c 3000000 /dev/zero | tr '\0' 'z'`, { origin: 'agent' });
			await manager.whenFinished(info.id);
			assert.deepEqual(sizes, [3000000]);
			const [notice] = manager.drain();
			assert.equal(fs.statSync(notice.task.logPath).size, 3000000);
		});
	});

	describe('notices and events', () => {
		it('each finished task is announced once: a notice, a status event and onDidFinish', async () => {
			const manager = fixture.manager();
			const changes: TaskChange[] = [];
			const finished: TaskInfo[] = [];
			manager.onDidChange((change) => changes.push(change));
			manager.onDidFinish((task) => finished.push(task));
			const info = manager.start('echo done', { origin: 'agent' });
			assert.equal(manager.hasPendingNotices(), false);
			await manager.whenFinished(info.id);
			assert.equal(manager.hasPendingNotices(), true);
			const notices = manager.drain();
			assert.equal(manager.hasPendingNotices(), false);
			assert.deepEqual(manager.drain(), []);
			assert.equal(notices.length, 1);
			assert.equal(notices[0].task.id, info.id);
			assert.equal(notices[0].task.status, 'succeeded');
			assert.equal(notices[0].outputTail, 'done\n');
			assert.deepEqual(
				finished.map((task) => task.id),
				[info.id],
			);
			const kinds = changes.filter((change) => change.kind !== 'output').map((change) => `${change.kind}:${change.task.status}`);
			assert.deepEqual(kinds, ['added:queued', 'status:running', 'status:succeeded']);
		});

		it('a notice carries only the last 40 lines of output', async () => {
			const manager = fixture.manager();
			const info = manager.start('seq 1 1000', { origin: 'agent' });
			await manager.whenFinished(info.id);
			const [notice] = manager.drain();
			const lines = notice.outputTail.trimEnd().split('\n');
			assert.equal(lines.length, 40);
			assert.equal(lines[39], '1000');
		});

		it('puts the last stderr lines into the notice when stdout read later pushed them out of the tail', async () => {
			const manager = fixture.manager();
			// The error goes to stderr first, then 500 lines of stdout: the plain tail would miss the error.
			const info = manager.start(`echo 'ERROR: the real failure' >&2; sleep 0.2; seq 1 500; exit 1`, { origin: 'agent' });
			await manager.whenFinished(info.id);
			const notice = manager.drain().find((candidate) => candidate.task.id === info.id);
			assert.ok(notice);
			assert.match(notice.outputTail, /500$|500\n/);
			assert.match(notice.outputTail, /ERROR: the real failure/);
		});

		it('cancelled, timed out and queued-then-cancelled tasks are announced too', async () => {
			const manager = fixture.manager({ maxConcurrent: 1 });
			const running = manager.start('sleep 30', { origin: 'agent' });
			const queued = manager.start('sleep 30', { origin: 'agent' });
			await manager.cancel(queued.id);
			await manager.cancel(running.id);
			const timed = manager.start('sleep 30', { origin: 'agent', timeoutSeconds: 1 });
			await manager.whenFinished(timed.id);
			assert.deepEqual(
				manager.drain().map((notice) => `${notice.task.id}:${notice.task.status}`),
				[`${queued.id}:cancelled`, `${running.id}:cancelled`, `${timed.id}:timed out`],
			);
		});

		it('list is newest first, and clearFinished removes finished tasks and their logs', async () => {
			const manager = fixture.manager();
			const first = manager.start('echo a', { origin: 'agent' });
			const second = manager.start('echo b', { origin: 'user' });
			await Promise.all([manager.whenFinished(first.id), manager.whenFinished(second.id)]);
			const third = manager.start('sleep 30', { origin: 'agent' });
			assert.deepEqual(
				manager.list().map((task) => task.id),
				[third.id, second.id, first.id],
			);
			assert.ok(fs.existsSync(first.logPath));
			const removed: string[] = [];
			manager.onDidChange((change) => change.kind === 'removed' && removed.push(change.task.id));
			manager.drain();
			manager.clearFinished();
			assert.deepEqual(
				manager.list().map((task) => task.id),
				[third.id],
			);
			assert.deepEqual(removed.sort(), [first.id, second.id].sort());
			await waitFor(() => !fs.existsSync(first.logPath), 10_000, 'the log removed');
			assert.equal(manager.get(first.id), undefined);
			await manager.cancel(third.id);
		});

		it('clearFinished keeps the log of a task whose notice is not yet saved with its conversation, until it is', async () => {
			const manager = fixture.manager();
			const info = manager.start('echo kept for the notice', { origin: 'agent', conversationId: 'conversation-a' });
			await manager.whenFinished(info.id);
			manager.clearFinished();
			assert.equal(manager.get(info.id), undefined, 'the row goes at once');
			const [notice] = manager.drain('conversation-a');
			assert.equal(notice.task.id, info.id);
			await delay(200);
			assert.ok(fs.existsSync(notice.task.logPath), 'the notice names a log that is still there');
			manager.acknowledge([info.id]);
			await waitFor(() => !fs.existsSync(notice.task.logPath), 10_000, 'the log removed once the notice is saved');
		});

		it('rerun starts the same command in the same folder as the user', async () => {
			const manager = fixture.manager();
			const folder = fixture.folder();
			const info = manager.start('echo again', { origin: 'agent', cwd: folder });
			await manager.whenFinished(info.id);
			const again = manager.rerun(info.id);
			assert.notEqual(again.id, info.id);
			assert.equal(again.command, 'echo again');
			assert.equal(again.cwd, folder);
			assert.equal(again.origin, 'user');
			assert.equal((await manager.whenFinished(again.id)).status, 'succeeded');
			assert.equal(manager.getLogPath(again.id), again.logPath);
			assert.throws(() => manager.rerun('bg-999'));
		});

		it('setLeaveRunning stores the flag', async () => {
			const manager = fixture.manager();
			const info = manager.start('sleep 30', { origin: 'agent' });
			assert.equal(manager.setLeaveRunning(info.id, true)?.leaveRunning, true);
			assert.equal(manager.get(info.id)?.leaveRunning, true);
			await manager.cancel(info.id);
		});

		it('snapshots are immutable: a change makes a new object', async () => {
			const manager = fixture.manager();
			const info = manager.start('echo x', { origin: 'agent' });
			assert.ok(Object.isFrozen(info));
			const done = await manager.whenFinished(info.id);
			assert.equal(info.status, 'running');
			assert.equal(done.status, 'succeeded');
		});
	});
});
