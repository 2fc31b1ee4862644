import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager } from '../../../src/background';
import { DEFAULT_TOOLS } from '../../../src/agent/tools/index';
import { backgroundOutputTool } from '../../../src/agent/tools/backgroundOutput';
import { backgroundRunTool } from '../../../src/agent/tools/backgroundRun';
import { backgroundWaitTool } from '../../../src/agent/tools/backgroundWait';
import { bashTool } from '../../../src/agent/tools/bash';
import { checkBackgroundTool } from '../../../src/agent/tools/checkBackground';
import { stripAnsi } from '../../../src/background/ansi';
import { capOutput } from '../../../src/agent/tools/output';
import { readFileTool } from '../../../src/agent/tools/readFile';
import { taskHeader, taskLine } from '../../../src/agent/tools/taskFormat';
import type { ToolContext } from '../../../src/agent/tools/types';
import { validateInput } from '../../../src/agent/tools/types';
import { NodeWorkspaceFiles } from '../../../src/agent/workspace';
import { makeTempDir, TestLogger } from './harness';

describe('tools', function () {
	this.timeout(10_000);
	let workspace: string;
	let storage: string;
	let tasks: TaskManager;
	let delivered: string[];
	let linked: string[];
	let controller: AbortController;
	let cursors: Map<string, number>;

	function context(overrides: Partial<ToolContext> = {}): ToolContext {
		return {
			toolUseId: 'toolu_test',
			tasks,
			files: new NodeWorkspaceFiles([workspace]),
			signal: controller.signal,
			bashTimeoutSeconds: 5,
			logger: new TestLogger(),
			approve: () => Promise.resolve({ allowed: true }),
			markDelivered: (id) => delivered.push(id),
			linkTask: (id) => linked.push(id),
			reportState: () => undefined,
			outputCursor: (id) => cursors.get(id),
			setOutputCursor: (id, cursor) => {
				cursors.set(id, cursor);
			},
			...overrides,
		};
	}

	beforeEach(() => {
		workspace = makeTempDir('meanwhile-tools-ws-');
		storage = makeTempDir('meanwhile-tools-store-');
		tasks = new TaskManager({ storageDir: storage, defaultCwd: workspace, getSettings: () => ({ ...DEFAULT_BACKGROUND_SETTINGS, killGraceSeconds: 1 }), logger: new TestLogger() });
		delivered = [];
		linked = [];
		controller = new AbortController();
		cursors = new Map();
	});

	afterEach(() => {
		tasks.dispose();
		fs.rmSync(workspace, { recursive: true, force: true });
		fs.rmSync(storage, { recursive: true, force: true });
	});

	it('offers bash, the background tools, read_file, write_file and edit_file with object schemas', () => {
		assert.deepEqual(DEFAULT_TOOLS.map((tool) => tool.definition.name), [
			'bash',
			'background_run',
			'background_wait',
			'background_output',
			'check_background',
			'background_cancel',
			'read_file',
			'write_file',
			'edit_file',
		]);
		for (const tool of DEFAULT_TOOLS) {
			assert.equal(tool.definition.input_schema.type, 'object');
			assert.ok(tool.definition.description.length > 20);
		}
	});

	it('bash runs through the task engine in the workspace, returns exit code and output, and marks the task delivered', async () => {
		const result = await bashTool.run({ command: 'pwd; echo err >&2; exit 4' }, context());
		assert.equal(result.isError, undefined);
		assert.match(result.content, /^task_id: bg-1\nstatus: failed\nexit_code: 4\nduration_s: \d+\noutput:\n/);
		assert.ok(result.content.includes(workspace));
		assert.ok(result.content.includes('err'));
		assert.deepEqual(delivered, ['bg-1']);
		assert.deepEqual(linked, ['bg-1']);
		assert.equal(tasks.get('bg-1')?.origin, 'agent');
	});

	it('bash leaves a command that outlives the timeout running and does not mark it delivered', async () => {
		const result = await bashTool.run({ command: 'sleep 1' }, context({ bashTimeoutSeconds: 0.2 }));
		assert.match(result.content, /still running after 0.2 s/);
		assert.equal(tasks.get('bg-1')?.status, 'running');
		assert.deepEqual(delivered, []);
	});

	it('bash cancels its task when the turn is stopped', async () => {
		const pending = bashTool.run({ command: 'sleep 5' }, context());
		await new Promise((resolve) => setTimeout(resolve, 200));
		controller.abort();
		const result = await pending;
		assert.equal(result.isError, true);
		assert.match(result.content, /Stopped by the user/);
		assert.equal(tasks.get('bg-1')?.status, 'cancelled');
	});

	it('background_run returns at once with the task id and status lines first', async () => {
		const result = await backgroundRunTool.run({ command: 'sleep 1' }, context());
		assert.match(result.content, /^task_id: bg-1\nstatus: (running|queued)\n/);
		assert.deepEqual(linked, ['bg-1']);
		assert.equal(tasks.get('bg-1')?.origin, 'agent');
	});

	it('check_background lists every task on one line, or shows one task, or names the known ids for an unknown one', async () => {
		const one = tasks.start('echo first', { origin: 'user' });
		await tasks.whenFinished(one.id);
		tasks.start('sleep 2', { origin: 'agent' });
		const list = await checkBackgroundTool.run({}, context());
		assert.deepEqual(list.content.split('\n').map((line) => line.replace(/ \d+s /, ' Ns ')), [
			'bg-2  running Ns  [agent]  sleep 2',
			'bg-1  succeeded (exit 0) Ns  [user]  echo first',
		]);
		const single = await checkBackgroundTool.run({ task_id: 'bg-1' }, context());
		assert.match(single.content, /^task_id: bg-1\nstatus: succeeded\nexit_code: 0\n/);
		assert.match(single.content, /last lines of output:\nfirst\n/);
		assert.deepEqual(delivered, ['bg-1']);
		const unknown = await checkBackgroundTool.run({ task_id: 'bg-9' }, context());
		assert.equal(unknown.isError, true);
		assert.match(unknown.content, /There is no task bg-9. Known tasks: bg-2, bg-1./);
	});

	it('read_file refuses a limit below 1 and says when it shows only part of the file', async () => {
		fs.writeFileSync(path.join(workspace, 'a.txt'), 'a\nb\nc\n');
		assert.equal((await readFileTool.run({ path: 'a.txt', limit: 0 }, context())).isError, true);
		const part = await readFileTool.run({ path: 'a.txt', limit: 2 }, context());
		assert.equal(part.content, 'a\nb\n[showing lines 1-2 of 3]');
		const missing = await readFileTool.run({ path: 'nope.txt' }, context());
		assert.equal(missing.isError, true);
		assert.match(missing.content, /does not exist/);
	});

	it('validates required fields and types by hand', () => {
		const schema = readFileTool.definition.input_schema;
		assert.equal(validateInput(schema, { path: 'a' }), undefined);
		assert.equal(validateInput(schema, {}), '"path" is required.');
		assert.equal(validateInput(schema, { path: 'a', limit: 1.5 }), '"limit" must be an integer, not a fractional number.');
		assert.equal(validateInput(schema, { path: ['a'] }), '"path" must be a string, not an array.');
		assert.equal(validateInput(schema, 'a'), 'the input must be a JSON object.');
	});

	it('validates enums, bounds, nested objects and unknown options of the background tools', () => {
		const output = backgroundOutputTool.definition.input_schema;
		assert.equal(validateInput(output, { task_id: 'bg-1', since: 'start', grep: 'x', tail_lines: 3 }), undefined);
		assert.equal(validateInput(output, { task_id: 'bg-1', since: 'first' }), '"since" must be "last" or "start", not "first".');
		assert.equal(validateInput(output, { task_id: 'bg-1', tail_lines: 0 }), '"tail_lines" must be at least 1, not 0.');
		assert.equal(validateInput(output, { task_id: 'bg-1', lines: 3 }), '"lines" is not an option here (the options are "task_id", "since", "grep", "tail_lines").');
		const wait = backgroundWaitTool.definition.input_schema;
		assert.equal(validateInput(wait, { task_id: 'bg-1', until: { pattern: 'x', port: 3000, exit: true } }), undefined);
		assert.equal(validateInput(wait, { task_id: 'bg-1', until: { port: 70_000 } }), '"until.port" must be at most 65535, not 70000.');
		assert.match(validateInput(wait, { task_id: 'bg-1', until: { regex: 'x' } }) ?? '', /^"until.regex" is not an option here/);
		assert.equal(validateInput(wait, { task_id: 'bg-1', until: 'ready' }), '"until" must be an object, not a string.');
		const run = backgroundRunTool.definition.input_schema;
		assert.equal(validateInput(run, { command: 'x', cwd: 'a', timeout_seconds: 5, ready: { pattern: 'y', port: 1, timeout_seconds: 3 }, leave_running: true, allow_duplicate: false }), undefined);
		assert.equal(validateInput(run, { command: 'x', ready: { port: 'x' } }), '"ready.port" must be an integer, not a string.');
	});

	it('background_output refuses an invalid regular expression with a clear message, and an unknown task', async () => {
		const task = tasks.start('echo hi', { origin: 'agent' });
		await tasks.whenFinished(task.id);
		const invalid = await backgroundOutputTool.run({ task_id: task.id, grep: 'a(b' }, context());
		assert.equal(invalid.isError, true);
		assert.match(invalid.content, /^grep is not a valid regular expression \(JavaScript syntax\): .*Unterminated group/);
		assert.equal(cursors.size, 0, 'nothing read');
		const unknown = await backgroundOutputTool.run({ task_id: 'bg-7' }, context());
		assert.equal(unknown.isError, true);
		assert.match(unknown.content, /There is no task bg-7. Known tasks: bg-1./);
	});

	it('background_output caps a huge read with a pointer to the full log', async () => {
		const task = tasks.start('seq 1 20000', { origin: 'agent' });
		await tasks.whenFinished(task.id);
		const result = await backgroundOutputTool.run({ task_id: task.id }, context());
		assert.ok(result.content.length <= 30_000);
		assert.equal(capOutput(result.content), result.content, 'not cut again by the loop');
		assert.equal(result.content.match(/elided from the middle/g)?.length, 1);
		assert.match(result.content, /^task_id: bg-1\nstatus: succeeded\n/);
		assert.ok(result.content.includes(`The full output is in ${task.logPath}`));
		assert.match(result.content, /\n20000\nfull log: /);
		assert.deepEqual(delivered, [task.id], 'a finished task read this way gets no notice');
	});

	it('treats null as an absent optional field', async () => {
		fs.writeFileSync(path.join(workspace, 'a.txt'), 'a\nb\n');
		const read = await readFileTool.run({ path: 'a.txt', limit: null }, context());
		assert.equal(read.content, 'a\nb\n');
		const task = tasks.start('echo out', { origin: 'agent' });
		await tasks.whenFinished(task.id);
		const output = await backgroundOutputTool.run({ task_id: task.id, since: null, grep: null, tail_lines: null }, context());
		assert.equal(output.isError, undefined);
		assert.match(output.content, /\nout\nfull log: /);
	});

	it('background_output says how much earlier output only the log has', async () => {
		const smallStorage = makeTempDir('meanwhile-tools-small-');
		const small = new TaskManager({
			storageDir: smallStorage,
			defaultCwd: workspace,
			getSettings: () => ({ ...DEFAULT_BACKGROUND_SETTINGS, memoryBufferBytes: 4_096 }),
			logger: new TestLogger(),
		});
		try {
			const task = small.start('seq 1 5000', { origin: 'agent' });
			await small.whenFinished(task.id);
			const result = await backgroundOutputTool.run({ task_id: task.id, since: 'start' }, context({ tasks: small }));
			assert.match(result.content, /\noutput from the start:\n\[the first \d+ KB of output are no longer held in memory, only the full log has them: .*bg-1\.log\]\n/);
			assert.match(result.content, /\n5000\nfull log: /);
			assert.equal(cursors.get(task.id), small.readOutputSince(task.id, 0).cursor);
		} finally {
			small.dispose();
			fs.rmSync(smallStorage, { recursive: true, force: true });
		}
	});

	it('background_run refuses a cwd outside the workspace, a missing one, and a file', async () => {
		fs.writeFileSync(path.join(workspace, 'file.txt'), 'x');
		for (const [cwd, message] of [
			['..', /^cwd: \.\. is outside the workspace .*Commands can only run in folders of the workspace\.$/],
			['/', /^cwd: \/ is outside the workspace/],
			['missing', /^cwd: missing does not exist/],
			['file.txt', /^cwd: file.txt is a file, not a folder\.$/],
		] as const) {
			const result = await backgroundRunTool.run({ command: 'pwd', cwd }, context());
			assert.equal(result.isError, true, cwd);
			assert.match(result.content, message);
		}
		assert.equal(tasks.list().length, 0, 'nothing started');
	});

	it('background_run refuses a cwd that leads outside the workspace through a symbolic link', async () => {
		fs.symlinkSync(storage, path.join(workspace, 'escape'));
		const result = await backgroundRunTool.run({ command: 'pwd', cwd: 'escape' }, context());
		assert.equal(result.isError, true);
		assert.match(result.content, /leads outside the workspace through a symbolic link/);
	});

	it('check_background shows ports and resources when the engine knows them', () => {
		const base = { id: 'bg-4', command: 'npm run dev', cwd: workspace, origin: 'agent' as const, queuedAt: 0, startedAt: Date.now(), outputBytes: 0, logPath: '/logs/bg-4.log' };
		const running = { ...base, status: 'running' as const, ports: [5173, 24678], resources: { cpuPercent: 12.4, memoryBytes: 150 * 1024 * 1024, processCount: 3, sampledAt: 0 } };
		assert.match(taskLine(running), /^bg-4 {2}running \d+s {2}ports :5173, :24678 {2}\(cpu 12%, memory 150 MB, 3 processes\) {2}\[agent\] {2}npm run dev$/);
		const header = taskHeader(running);
		assert.match(header, /\nlistening_on: :5173, :24678\n/);
		assert.match(header, /\nresources: cpu 12%, memory 150 MB, 3 processes$/);
		const ended = { ...running, status: 'succeeded' as const, exitCode: 0, endedAt: Date.now() };
		assert.doesNotMatch(taskLine(ended), /cpu/, 'no stale sample for an ended task');
		assert.doesNotMatch(taskHeader(ended), /resources/);
	});

	it('caps long output keeping the head and the tail, saying how much was elided and where the rest is', () => {
		const long = Array.from({ length: 10_000 }, (_, index) => `line ${index}`).join('\n');
		const capped = capOutput(long, { logPath: '/logs/bg-1.log' });
		assert.ok(capped.length <= 30_000);
		assert.ok(capped.startsWith('line 0\nline 1\n'));
		assert.ok(capped.endsWith('line 9999'));
		assert.match(capped, /\[… \d+ characters \(\d+ lines\) elided from the middle\. The full output is in \/logs\/bg-1\.log\. …\]/);
		assert.equal(capOutput('short'), 'short');
	});

	it('strips terminal colour codes (the engine\'s stripping, which tool output goes through)', () => {
		assert.equal(stripAnsi('\u001b[31mred\u001b[0m plain'), 'red plain');
	});
});
