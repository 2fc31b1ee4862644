import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STOPPED_WITH_WINDOW } from '../../../src/background';
import { shutDown } from '../../../src/background/shutdown';
import { FollowedRun } from '../../../src/background/supervised/followedRun';
import { TaskRun } from '../../../src/background/taskRun';
import { FakeRunContext, queuedInfo, runningRun } from './fakes';

describe('shutDown', () => {
	let context: FakeRunContext;

	beforeEach(() => {
		context = new FakeRunContext();
	});

	it('sends SIGTERM, and SIGKILL only to a group still there after the grace period; every task ends without a notice', () => {
		const quick = runningRun(context, { id: 'bg-1' });
		quick.group.alive = false;
		const stubborn = runningRun(context, { id: 'bg-2' });
		const queued = new TaskRun(queuedInfo({ id: 'bg-3' }), undefined, context);
		const ended = TaskRun.ended(queuedInfo({ id: 'bg-4', status: 'succeeded', exitCode: 0 }), context);
		const started = performance.now();
		shutDown([quick.run, stubborn.run, queued, ended], context.logger, () => 77);
		assert.ok(performance.now() - started >= 200, 'it waited for the group that stayed');
		assert.deepEqual(quick.group.signals, ['SIGTERM']);
		assert.deepEqual(stubborn.group.signals, ['SIGTERM', 'SIGKILL']);
		for (const run of [quick.run, stubborn.run, queued]) {
			assert.equal(run.info.status, 'cancelled');
			assert.equal(run.info.reason, STOPPED_WITH_WINDOW);
			assert.equal(run.info.endedAt, 77);
		}
		assert.equal(ended.info.status, 'succeeded');
		assert.deepEqual(
			context.endings.map((ending) => `${ending.id}:${ending.announce}`),
			['bg-1:false', 'bg-2:false', 'bg-3:false'],
		);
	});

	it('a task marked to be left running that its window runs stops with it, and the logger says so', () => {
		const { run } = runningRun(context, { leaveRunning: true });
		shutDown([run], context.logger, () => 5);
		assert.equal(run.info.status, 'cancelled');
		assert.match(context.logger.lines.map((line) => line.message).join('\n'), /bg-1 was to be left running, but it does not run under a supervisor/);
	});

	it('a task run by a supervisor is only let go: it stays running for the next window', () => {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-shutdown-'));
		try {
			const run = new TaskRun(queuedInfo({ leaveRunning: true }), undefined, context);
			const followed = new FollowedRun(
				{ statePath: path.join(folder, 'bg-1.state.json'), logPath: path.join(folder, 'bg-1.log') },
				{ onOutput: () => undefined, onStarted: () => undefined, onDone: () => assert.fail('abandoned: no end'), onWarning: () => undefined },
			);
			run.markRunning(followed);
			shutDown([run], context.logger, () => 5);
			assert.equal(run.isFinal, false);
			assert.equal(run.hasProcess, false);
			assert.equal(run.info.status, 'running');
			assert.deepEqual(context.endings, []);
		} finally {
			fs.rmSync(folder, { recursive: true, force: true });
		}
	});
});
