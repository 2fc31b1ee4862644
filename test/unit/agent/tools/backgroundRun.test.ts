import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartOptions } from '../../../../src/background/types';
import { backgroundRunTool } from '../../../../src/agent/tools/backgroundRun';
import { lastToolResults, text, toolResultText, toolUse, toolUses } from '../../../fixtures/fakeAnthropic';
import { checkAndDispose, expectResults, Harness } from '../harness';
import { useToolBench } from './context';

describe('background_run', function () {
	this.timeout(10_000);
	const bench = useToolBench();

	it('background_run returns at once with the task id and status lines first', async () => {
		const { tasks, linked } = bench();
		const result = await backgroundRunTool.run({ command: 'sleep 1' }, bench().context());
		assert.match(result.content, /^task_id: bg-1\nstatus: (running|queued)\n/);
		assert.deepEqual(linked, ['bg-1']);
		assert.equal(tasks.get('bg-1')?.origin, 'agent');
	});

	it('background_run refuses a cwd outside the workspace, a missing one, and a file', async () => {
		const { tasks, workspace } = bench();
		fs.writeFileSync(path.join(workspace, 'file.txt'), 'x');
		for (const [cwd, message] of [
			['..', /^cwd: \.\. is outside the workspace .*Commands can only run in folders of the workspace\.$/],
			['/', /^cwd: \/ is outside the workspace/],
			['missing', /^cwd: missing does not exist/],
			['file.txt', /^cwd: file.txt is a file, not a folder\.$/],
		] as const) {
			const result = await backgroundRunTool.run({ command: 'pwd', cwd }, bench().context());
			assert.equal(result.isError, true, cwd);
			assert.match(result.content, message);
		}
		assert.equal(tasks.list().length, 0, 'nothing started');
	});

	it('background_run refuses a cwd that leads outside the workspace through a symbolic link', async () => {
		const { storage, workspace } = bench();
		fs.symlinkSync(storage, path.join(workspace, 'escape'));
		const result = await backgroundRunTool.run({ command: 'pwd', cwd: 'escape' }, bench().context());
		assert.equal(result.isError, true);
		assert.match(result.content, /leads outside the workspace through a symbolic link/);
	});

	describe('through the agent loop', function () {
		this.timeout(20_000);
		let harness: Harness;

		beforeEach(async () => {
			harness = await Harness.create({ settings: { autoContinue: false } });
		});

		afterEach(async function () {
			await checkAndDispose(this, harness);
		});

		it('with a ready pattern returns once the line appears, with the line and the tail, the task running on', async () => {
			harness.fake.enqueue(
				toolUse('background_run', { command: 'echo booting; sleep 0.5; echo "ready in 500 ms"; sleep 30', ready: { pattern: '^ready' } }),
				expectResults(([result]) => {
					assert.match(result, /^task_id: bg-\d+\nstatus: running\n/);
					assert.match(result, /\nready: yes, a line matched: ready in 500 ms\n/);
					assert.match(result, /\nlast lines of output:\nbooting\nready in 500 ms\nfull log: /);
				}),
			);
			const started = Date.now();
			await harness.session.send('start the server');
			const elapsed = Date.now() - started;
			assert.ok(elapsed >= 450, `returned after ${elapsed} ms, before the line`);
			assert.ok(elapsed < 5_000);
			assert.equal(harness.tasks.list()[0].status, 'running');
		});

		it('with ready reports a task that ends before it is ready, and one not ready in time', async () => {
			harness.fake.enqueue(
				toolUses([
					{ name: 'background_run', input: { command: 'echo "port in use"; exit 1', ready: { pattern: 'listening' } } },
					{ name: 'background_run', input: { command: 'sleep 30', ready: { pattern: 'listening', timeout_seconds: 0.4 } } },
				]),
				expectResults(([ended, slow]) => {
					assert.match(ended, /^task_id: bg-\d+\nstatus: failed\nexit_code: 1\n/);
					assert.match(ended, /\nready: no, the task ended before it was ready\.\n/);
					assert.match(ended, /\nport in use\n/);
					assert.match(slow, /^task_id: bg-\d+\nstatus: running\n/);
					assert.match(slow, /\nready: not yet after 0.4 s\. The task was not stopped and keeps running/);
				}),
			);
			await harness.session.send('start both');
		});

		it('passes leave_running to the engine', async () => {
			const seen: StartOptions[] = [];
			const start = harness.tasks.start.bind(harness.tasks);
			harness.tasks.start = (command: string, options: StartOptions) => {
				seen.push(options);
				return start(command, options);
			};
			harness.fake.enqueue(
				toolUse('background_run', { command: 'sleep 30', leave_running: true }),
				expectResults(([result]) => assert.match(result, /^task_id: bg-\d+\nstatus: (running|queued)\nleave_running: true\n/)),
			);
			await harness.session.send('start a server that outlives the window');
			assert.equal(seen.length, 1);
			assert.equal(seen[0].leaveRunning, true);
			assert.equal(seen[0].origin, 'agent');
			assert.equal(harness.tasks.list()[0].leaveRunning, true);
		});

		it('returns the running task for a duplicate command in the same folder, unless allow_duplicate', async () => {
			fs.mkdirSync(path.join(harness.workspace, 'app'));
			harness.fake.enqueue(
				toolUse('background_run', { command: 'sleep 30' }),
				toolUse('background_run', { command: 'sleep 30' }),
				expectResults(([result]) => {
					assert.match(result, /^task_id: bg-1\nstatus: running\nalready running as bg-1; pass allow_duplicate: true to start another\. It was not started again\./);
				}, 'It is already running.'),
			);
			await harness.session.send('start it');
			assert.equal(harness.tasks.list().length, 1);
			harness.fake.enqueue(
				toolUses([
					{ name: 'background_run', input: { command: 'sleep 30', allow_duplicate: true } },
					{ name: 'background_run', input: { command: 'sleep 30', cwd: 'app' } },
				]),
				expectResults(([allowed, elsewhere]) => {
					assert.match(allowed, /^task_id: bg-2\nstatus: running\n/);
					assert.match(elsewhere, /^task_id: bg-3\nstatus: running\ncwd: .*app\n/);
				}),
			);
			await harness.session.send('start another anyway, and one in app/');
			assert.equal(harness.tasks.list().length, 3);
			assert.equal(harness.tasks.get('bg-3')?.cwd, path.join(harness.workspace, 'app'));
		});

		it('refuses a cwd outside the workspace without starting anything', async () => {
			harness.fake.enqueue(
				toolUse('background_run', { command: 'pwd', cwd: '../..' }),
				(request) => {
					const [result] = lastToolResults(request);
					assert.equal(result.is_error, true);
					assert.match(toolResultText(result), /^cwd: \.\.\/\.\. is outside the workspace/);
					return text('I cannot run it there.');
				},
			);
			await harness.session.send('run pwd two levels up');
			assert.equal(harness.tasks.list().length, 0);
		});
	});
});
