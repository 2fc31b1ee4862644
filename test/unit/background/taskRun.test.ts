import * as assert from 'node:assert/strict';
import { STOPPED_WITH_WINDOW } from '../../../src/background';
import { TaskRun } from '../../../src/background/taskRun';
import { compileLinePattern } from '../../../src/common/linePattern';
import { FakeProcess, FakeRunContext, queuedInfo, runningRun } from './fakes';
import { delay } from './helpers';

describe('TaskRun', () => {
	let context: FakeRunContext;

	beforeEach(() => {
		context = new FakeRunContext();
	});

	it('goes from queued to running to its final status, saying so at each step', async () => {
		const run = new TaskRun(queuedInfo(), { EXTRA: '1' }, context);
		assert.equal(run.info.status, 'queued');
		assert.equal(run.isFinal, false);
		assert.equal(run.hasProcess, false);
		const group = new FakeProcess();
		context.time = 2000;
		run.markRunning(group);
		assert.equal(run.info.status, 'running');
		assert.equal(run.info.startedAt, 2000);
		assert.equal(run.info.pid, 4242);
		assert.equal(run.processGroup, 4242);
		assert.deepEqual(context.changes, ['status:running']);
		assert.equal(context.recordChanges, 1);
		context.time = 3000;
		await run.processEnded({ exitCode: 0, signal: null });
		const info = run.info;
		assert.equal(info.status, 'succeeded');
		assert.equal(info.exitCode, 0);
		assert.equal(info.endedAt, 3000);
		assert.equal(run.isFinal, true);
		assert.equal(run.hasProcess, false);
		assert.deepEqual(context.endings, [{ id: 'bg-1', status: 'succeeded', announce: true }]);
		assert.equal(await run.finished, info);
		assert.deepEqual(run.env, { EXTRA: '1' });
	});

	it('reaches its final status once: a second completion changes nothing', async () => {
		const { run } = runningRun(context);
		run.complete({ status: 'failed', reason: 'first', endedAt: 5 });
		run.complete({ status: 'succeeded', endedAt: 6 }, false);
		await run.processEnded({ exitCode: 0, signal: null });
		assert.equal(run.info.status, 'failed');
		assert.equal(run.info.reason, 'first');
		assert.equal(context.endings.length, 1);
	});

	it('a queued task that is stopped ends at once, without a process', async () => {
		const run = new TaskRun(queuedInfo(), undefined, context);
		run.requestStop('cancelled', 'not needed');
		assert.equal(run.info.status, 'cancelled');
		assert.equal(run.info.reason, 'not needed');
		assert.equal((await run.finished).status, 'cancelled');
	});

	it('a running task that is stopped asks its group once, and ends as stopped whatever its exit', async () => {
		const { run, group } = runningRun(context);
		run.requestStop('cancelled', 'by the user');
		run.requestStop('timed out', 'too late');
		assert.deepEqual(group.stops, [2000]);
		assert.equal(run.isStopping, true);
		assert.equal(run.isFinal, false);
		await run.processEnded({ exitCode: null, signal: 'SIGTERM' });
		assert.equal(run.info.status, 'cancelled');
		assert.equal(run.info.reason, 'by the user');
		assert.equal(run.info.signal, 'SIGTERM');
	});

	it('times out after its timeout, counted from its start', async () => {
		const { run, group } = runningRun(context, { timeoutSeconds: 0.05 });
		await delay(150);
		assert.deepEqual(group.stops, [2000]);
		await run.processEnded({ exitCode: null, signal: 'SIGTERM' });
		assert.equal(run.info.status, 'timed out');
		assert.equal(run.info.reason, 'timed out after 0.05 s');
	});

	it('makes a new frozen snapshot after each change and reuses it otherwise', () => {
		const { run } = runningRun(context);
		const before = run.info;
		assert.ok(Object.isFrozen(before));
		assert.equal(run.info, before);
		run.receiveOutput(Buffer.from('hi\n'), 'stdout');
		const after = run.info;
		assert.notEqual(after, before);
		assert.equal(after.outputBytes, 3);
		assert.equal(run.text(), 'hi\n');
		assert.deepEqual(run.since(1), { text: 'i\n', skipped: 0, end: 3 });
		assert.equal(run.markLeaveRunning(false), false, 'not marked: nothing changes');
		assert.equal(run.info, after);
		assert.equal(run.markLeaveRunning(true), true);
		assert.equal(run.info.leaveRunning, true);
	});

	it('takes ports and resources from samples, and forgets them when it ends', () => {
		const { run } = runningRun(context);
		const resources = { cpuPercent: 5, memoryBytes: 1024, processCount: 2, sampledAt: 1 };
		run.recordSample({ resources, ports: [3000] });
		run.recordSample({ resources, ports: [3000] });
		run.recordSample({ resources, ports: undefined });
		assert.deepEqual(context.changes, ['status:running', 'status:running', 'output:running', 'output:running']);
		assert.deepEqual(run.info.ports, [3000]);
		assert.deepEqual(run.info.resources, resources);
		run.complete({ status: 'succeeded', exitCode: 0, endedAt: 9 });
		assert.equal(run.info.ports, undefined);
		assert.equal(run.info.resources, undefined);
	});

	it('a wait sees new output, and a wait on a finished task ends at once', async () => {
		const { run } = runningRun(context);
		const waiting = run.waitFor(compileLinePattern('^ready$'), undefined, { timeoutMs: 10_000 });
		run.receiveOutput(Buffer.from('ready\n'), 'stdout');
		const result = await waiting;
		assert.equal(result.outcome, 'pattern');
		assert.equal(result.line, 'ready');
		assert.equal(result.task.outputBytes, 6);
		const exit = run.waitFor(undefined, undefined, { timeoutMs: 10_000 });
		run.complete({ status: 'succeeded', exitCode: 0, endedAt: 9 });
		assert.equal((await exit).outcome, 'exited');
		assert.equal((await run.waitFor(compileLinePattern('x'), undefined, { timeoutMs: 10_000 })).outcome, 'exited');
	});

	it('as the window closes, ends without a notice as stopped with the window, or as it was being stopped', () => {
		const plain = runningRun(context, { id: 'bg-1' });
		plain.run.endWithWindow(7);
		assert.equal(plain.run.info.status, 'cancelled');
		assert.equal(plain.run.info.reason, STOPPED_WITH_WINDOW);
		assert.equal(plain.run.info.endedAt, 7);
		assert.equal(plain.group.abandoned, true);
		const stopping = runningRun(context, { id: 'bg-2' });
		stopping.run.requestStop('timed out', 'timed out after 5 s');
		stopping.run.endWithWindow(8);
		assert.equal(stopping.run.info.status, 'timed out');
		assert.deepEqual(
			context.endings.map((ending) => ending.announce),
			[false, false],
		);
	});

	it('let go as the window closes, it stays running and its waits are aborted', async () => {
		const { run, group } = runningRun(context);
		const waiting = run.waitFor(compileLinePattern('never'), undefined, { timeoutMs: 10_000 });
		run.letGo();
		assert.equal((await waiting).outcome, 'aborted');
		assert.equal(group.abandoned, true);
		assert.equal(run.isFinal, false);
		assert.equal(run.hasProcess, false);
		assert.equal(run.info.status, 'running');
	});

	it('a task loaded as ended is final from the start, without a word to the manager', async () => {
		const run = TaskRun.ended(queuedInfo({ status: 'succeeded', exitCode: 0, endedAt: 3 }), context);
		assert.equal(run.isFinal, true);
		assert.equal((await run.finished).status, 'succeeded');
		assert.deepEqual(context.endings, []);
		assert.deepEqual(context.changes, []);
	});
});
