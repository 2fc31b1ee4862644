import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENDED_WHILE_NO_WINDOW, STOPPED_WHEN_WINDOW_CLOSED, type TaskStatus } from '../../../../src/background';
import { processStartTime } from '../../../../src/background/procfs';
import { SupervisedLauncher } from '../../../../src/background/supervised/launch';
import { writeJsonAtomically } from '../../../../src/background/supervised/protocol';
import { recoverTasks, type RecoveryOptions } from '../../../../src/background/supervised/recovery';
import { TaskStore, type TaskRecord } from '../../../../src/background/taskStore';
import { FakeRunContext } from '../fakes';

function record(id: string, status: TaskStatus, extra: Partial<TaskRecord> = {}): TaskRecord {
	return { id, command: 'make', cwd: '/', origin: 'agent', status, queuedAt: 1, outputBytes: 0, ...extra };
}

const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('recoverTasks', () => {
	let folder: string;
	let context: FakeRunContext;
	let options: RecoveryOptions;

	beforeEach(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-recovery-'));
		context = new FakeRunContext();
		const store = new TaskStore(folder, () => [], context.logger, () => context.time);
		store.ensureFolders();
		store.ensureSupervisedFolder();
		const launcher = new SupervisedLauncher({ store, logger: context.logger, getSettings: () => context.settings, now: () => context.time, baseEnv: {}, marker: (id: string) => context.tracking.markerOf(id) });
		options = { store, context, launcher };
	});

	afterEach(() => {
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('keeps finished tasks and cancels those that did not survive their window, in id order, each once', () => {
		const recovered = recoverTasks(
			{
				savedAt: 500,
				tasks: [
					record('bg-10', 'succeeded', { exitCode: 0, endedAt: 300 }),
					record('bg-2', 'running'),
					record('bg-2', 'succeeded'),
					record('bg-3', 'running', { leaveRunning: true }),
				],
			},
			options,
		);
		assert.deepEqual(
			recovered.runs.map((run) => `${run.id}:${run.info.status}`),
			['bg-2:cancelled', 'bg-3:cancelled', 'bg-10:succeeded'],
		);
		const [stopped] = recovered.runs;
		assert.equal(stopped.info.reason, STOPPED_WHEN_WINDOW_CLOSED);
		assert.equal(stopped.info.endedAt, 500);
		assert.equal(stopped.logPath, options.store.logPath('bg-2'));
		assert.ok(recovered.runs.every((run) => run.isFinal));
		assert.deepEqual(
			recovered.stoppedByClose.map((run) => run.id),
			['bg-2', 'bg-3'],
		);
		assert.deepEqual(recovered.adopted, []);
		assert.deepEqual(recovered.endedMeanwhile, []);
		assert.deepEqual(context.endings, [], 'nothing announced');
	});

	it('a task left running that ended meanwhile ends as its state file says, or as unknown when its supervisor is gone', () => {
		const { store } = options;
		const gone = spawnSync('true').pid;
		writeJsonAtomically(store.statePath('bg-1'), { version: 1, status: 'exited', supervisorPid: 1, pid: 61, pgid: 61, exitCode: 0, signal: null, endedAt: 42 });
		writeJsonAtomically(store.statePath('bg-2'), { version: 1, status: 'running', supervisorPid: gone, pid: 62, pgid: 62 });
		context.time = 99;
		const recovered = recoverTasks({ tasks: [record('bg-1', 'running', { leaveRunning: true }), record('bg-2', 'running', { leaveRunning: true })] }, options);
		assert.deepEqual(
			recovered.endedMeanwhile.map(({ run, result }) => ({ id: run.id, pid: run.info.pid, ...result })),
			[
				{ id: 'bg-1', pid: 61, status: 'succeeded', exitCode: 0, signal: null, endedAt: 42 },
				{ id: 'bg-2', pid: 62, status: 'failed', reason: ENDED_WHILE_NO_WINDOW, endedAt: 99 },
			],
		);
		assert.ok(recovered.runs.every((run) => !run.isFinal), 'the manager completes them, with their notices');
		assert.deepEqual(recovered.stoppedByClose, []);
	});

	it('adopts a task whose supervisor still runs, with the newest part of its log as its output', () => {
		const { store } = options;
		// The newest four bytes start inside the euro sign: the output starts after it.
		fs.writeFileSync(store.logPath('bg-1'), 'ab\u20accd');
		context.settings = { ...context.settings, memoryBufferBytes: 4 };
		writeJsonAtomically(store.statePath('bg-1'), { version: 1, status: 'running', supervisorPid: process.pid, supervisorStartTime: processStartTime(process.pid), pid: 71, pgid: 71 });
		const recovered = recoverTasks({ tasks: [record('bg-1', 'running', { leaveRunning: true, startedAt: 5 })] }, options);
		const [run] = recovered.adopted;
		try {
			assert.equal(recovered.runs[0], run);
			assert.equal(run.info.status, 'running');
			assert.equal(run.info.adopted, true);
			assert.equal(run.info.pid, 71);
			assert.equal(run.isFollowed, true);
			assert.equal(run.text(), 'cd');
			assert.deepEqual(run.since(0), { text: 'cd', skipped: 5, end: 7 });
			assert.match(context.logger.lines.map((line) => line.message).join('\n'), /bg-1 was left running by an earlier window and is followed again \(pid 71\)/);
		} finally {
			run.letGo();
		}
	});
});
