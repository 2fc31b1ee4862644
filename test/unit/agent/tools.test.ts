import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager } from '../../../src/background';
import { DEFAULT_TOOLS } from '../../../src/agent/tools/index';
import { backgroundRunTool } from '../../../src/agent/tools/backgroundRun';
import { bashTool } from '../../../src/agent/tools/bash';
import { checkBackgroundTool } from '../../../src/agent/tools/checkBackground';
import { capOutput, stripAnsi } from '../../../src/agent/tools/output';
import { readFileTool } from '../../../src/agent/tools/readFile';
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

	function context(overrides: Partial<ToolContext> = {}): ToolContext {
		return {
			tasks,
			files: new NodeWorkspaceFiles([workspace]),
			signal: controller.signal,
			bashTimeoutSeconds: 5,
			logger: new TestLogger(),
			approve: () => Promise.resolve({ allowed: true }),
			markDelivered: (id) => delivered.push(id),
			linkTask: (id) => linked.push(id),
			reportState: () => undefined,
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
	});

	afterEach(() => {
		tasks.dispose();
		fs.rmSync(workspace, { recursive: true, force: true });
		fs.rmSync(storage, { recursive: true, force: true });
	});

	it('offers bash, background_run, check_background, read_file, write_file and edit_file with object schemas', () => {
		assert.deepEqual(DEFAULT_TOOLS.map((tool) => tool.definition.name), ['bash', 'background_run', 'check_background', 'read_file', 'write_file', 'edit_file']);
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

	it('caps long output keeping the head and the tail, saying how much was elided and where the rest is', () => {
		const long = Array.from({ length: 10_000 }, (_, index) => `line ${index}`).join('\n');
		const capped = capOutput(long, { logPath: '/logs/bg-1.log' });
		assert.ok(capped.length <= 30_000);
		assert.ok(capped.startsWith('line 0\nline 1\n'));
		assert.ok(capped.endsWith('line 9999'));
		assert.match(capped, /\[… \d+ characters \(\d+ lines\) elided from the middle\. The full output is in \/logs\/bg-1\.log\. …\]/);
		assert.equal(capOutput('short'), 'short');
	});

	it('strips terminal colour codes', () => {
		assert.equal(stripAnsi('\u001b[31mred\u001b[0m plain'), 'red plain');
	});
});
