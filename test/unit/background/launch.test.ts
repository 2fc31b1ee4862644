import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Launcher } from '../../../src/background/launch';
import { SupervisedLauncher } from '../../../src/background/supervised/launch';
import { TaskRun } from '../../../src/background/taskRun';
import { TaskStore } from '../../../src/background/taskStore';
import { FakeRunContext, queuedInfo } from './fakes';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('Launcher', () => {
	let folder: string;
	let context: FakeRunContext;
	let store: TaskStore;
	let launcher: Launcher;

	beforeEach(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-launch-'));
		context = new FakeRunContext();
		store = new TaskStore(folder, () => [], context.logger, () => context.time);
		const common = { store, logger: context.logger, getSettings: () => context.settings, now: () => context.time, baseEnv: process.env, marker: (id: string) => context.tracking.markerOf(id) };
		// No supervisor script: tasks to be left running run as normal ones.
		launcher = new Launcher({ ...common, supervised: new SupervisedLauncher(common) });
	});

	afterEach(() => {
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('runs the command as a child of this window, its output to memory and to its log', async () => {
		const run = new TaskRun(queuedInfo({ command: 'echo launched', cwd: folder, logPath: store.logPath('bg-1') }), undefined, context);
		launcher.launch(run);
		assert.equal(run.info.status, 'running');
		assert.ok(run.ownProcess);
		const info = await run.finished;
		assert.equal(info.status, 'succeeded');
		assert.equal(run.text(), 'launched\n');
		assert.equal(fs.readFileSync(info.logPath, 'utf8'), 'launched\n');
	});

	it('a missing working folder fails the task at once', async () => {
		const missing = path.join(folder, 'missing');
		const run = new TaskRun(queuedInfo({ cwd: missing, logPath: store.logPath('bg-1') }), undefined, context);
		launcher.launch(run);
		const info = await run.finished;
		assert.equal(info.status, 'failed');
		assert.equal(info.reason, `the working folder does not exist: ${missing}`);
	});

	it('a task to be left running without a supervisor runs as a normal task, and the logger says why', async () => {
		const run = new TaskRun(queuedInfo({ command: 'true', cwd: folder, logPath: store.logPath('bg-1'), leaveRunning: true }), undefined, context);
		launcher.launch(run);
		assert.equal(run.isFollowed, false);
		assert.equal((await run.finished).status, 'succeeded');
		assert.match(context.logger.lines.map((line) => line.message).join('\n'), /bg-1 runs as a normal task that stops with the window: there is no supervisor to run it/);
	});
});
