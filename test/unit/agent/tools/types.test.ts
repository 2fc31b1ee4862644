import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { backgroundOutputTool } from '../../../../src/agent/tools/backgroundOutput';
import { backgroundRunTool } from '../../../../src/agent/tools/backgroundRun';
import { backgroundWaitTool } from '../../../../src/agent/tools/backgroundWait';
import { readFileTool } from '../../../../src/agent/tools/readFile';
import { validateInput } from '../../../../src/agent/tools/types';
import { useToolBench } from './context';

describe('tool input validation', function () {
	this.timeout(10_000);
	const bench = useToolBench();

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

	it('treats null as an absent optional field', async () => {
		const { tasks, workspace } = bench();
		fs.writeFileSync(path.join(workspace, 'a.txt'), 'a\nb\n');
		const read = await readFileTool.run({ path: 'a.txt', limit: null }, bench().context());
		assert.equal(read.content, 'a\nb\n');
		const task = tasks.start('echo out', { origin: 'agent' });
		await tasks.whenFinished(task.id);
		const output = await backgroundOutputTool.run({ task_id: task.id, since: null, grep: null, tail_lines: null }, bench().context());
		assert.equal(output.isError, undefined);
		assert.match(output.content, /\nout\nfull log: /);
	});
});
