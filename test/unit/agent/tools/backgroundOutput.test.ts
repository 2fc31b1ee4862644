import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager } from '../../../../src/background';
import { backgroundOutputTool } from '../../../../src/agent/tools/backgroundOutput';
import { capOutput } from '../../../../src/agent/tools/output';
import { blocksOf, lastMessage, lastToolResults, text, toolResultText, toolUse, toolUses } from '../../../fixtures/fakeAnthropic';
import { checkAndDispose, expectResults, Harness, isNotice, makeTempDir, TestLogger, waitFor } from '../harness';
import { useToolBench } from './context';

describe('background_output', function () {
	this.timeout(10_000);
	const bench = useToolBench();

	it('background_output refuses an invalid regular expression with a clear message, and an unknown task', async () => {
		const { tasks, cursors } = bench();
		const task = tasks.start('echo hi', { origin: 'agent' });
		await tasks.whenFinished(task.id);
		const invalid = await backgroundOutputTool.run({ task_id: task.id, grep: 'a(b' }, bench().context());
		assert.equal(invalid.isError, true);
		assert.match(invalid.content, /^grep is not a pattern Meanwhile can use \(RE2 syntax, which runs in linear time\): missing closing \)/);
		const lookahead = await backgroundOutputTool.run({ task_id: task.id, grep: 'error(?!s)' }, bench().context());
		assert.equal(lookahead.isError, true);
		assert.match(lookahead.content, /^grep .* it uses lookahead and lookbehind/);
		assert.equal(cursors.size, 0, 'nothing read');
		const unknown = await backgroundOutputTool.run({ task_id: 'bg-7' }, bench().context());
		assert.equal(unknown.isError, true);
		assert.match(unknown.content, /There is no task bg-7. Known tasks: bg-1./);
	});

	it('background_output caps a huge read with a pointer to the full log', async () => {
		const { tasks, delivered } = bench();
		const task = tasks.start('seq 1 20000', { origin: 'agent' });
		await tasks.whenFinished(task.id);
		const result = await backgroundOutputTool.run({ task_id: task.id }, bench().context());
		assert.ok(result.content.length <= 30_000);
		assert.equal(capOutput(result.content), result.content, 'not cut again by the loop');
		assert.equal(result.content.match(/elided from the middle/g)?.length, 1);
		assert.match(result.content, /^task_id: bg-1\nstatus: succeeded\n/);
		assert.ok(result.content.includes(`The full output is in ${task.logPath}`));
		assert.match(result.content, /\n20000\nfull log: /);
		assert.deepEqual(delivered, [task.id], 'a finished task read this way gets no notice');
	});

	it('background_output says how much earlier output only the log has', async () => {
		const { workspace, cursors } = bench();
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
			const result = await backgroundOutputTool.run({ task_id: task.id, since: 'start' }, bench().context({ tasks: small }));
			assert.match(result.content, /\noutput from the start:\n\[the first \d+ KB of output are no longer held in memory, only the full log has them: .*bg-1\.log\]\n/);
			assert.match(result.content, /\n5000\nfull log: /);
			assert.equal(cursors.get(task.id), small.readOutputSince(task.id, 0).cursor);
		} finally {
			small.dispose();
			fs.rmSync(smallStorage, { recursive: true, force: true });
		}
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

		function outputOf(id: string): string {
			return harness.tasks.readOutput(id);
		}

		it('returns only the new output on each read, everything with since: start, and the status first', async () => {
			const task = harness.tasks.start('echo one; sleep 0.4; echo two; sleep 30', { origin: 'agent' });
			await waitFor(() => outputOf(task.id).includes('one'), 5_000, 'the first line');
			harness.fake.enqueue(
				toolUse('background_output', { task_id: task.id }),
				expectResults(([result]) => {
					assert.match(result, new RegExp(`^task_id: ${task.id}\nstatus: running\n`));
					assert.match(result, /\noutput so far \(first read\):\none\nfull log: /);
					assert.doesNotMatch(result, /two/);
					assert.match(result, /still running/);
				}),
			);
			await harness.session.send('how is it going?');

			await waitFor(() => outputOf(task.id).includes('two'), 5_000, 'the second line');
			harness.fake.enqueue(
				toolUse('background_output', { task_id: task.id, since: 'last' }),
				expectResults(([result]) => {
					assert.match(result, /\nnew output since your last read:\ntwo\nfull log: /);
					assert.doesNotMatch(result, /\none\n/);
				}),
				toolUse('background_output', { task_id: task.id }),
				expectResults(([result]) => assert.match(result, /\nnew output since your last read:\n\(no new output\)\n/)),
				toolUse('background_output', { task_id: task.id, since: 'start' }),
				expectResults(([result]) => assert.match(result, /\noutput from the start:\none\ntwo\nfull log: /)),
			);
			await harness.session.send('and now?');
			await harness.session.send('anything new?');
			await harness.session.send('the whole output please');
			assert.equal(harness.fake.pendingReplies, 0);
		});

		it('filters with grep and keeps the last lines with tail_lines, and an invalid regex is an error the loop survives', async () => {
			const task = harness.tasks.start('for i in $(seq 1 30); do if [ $((i % 10)) -eq 0 ]; then echo "ERROR $i"; else echo "line $i"; fi; done', { origin: 'agent' });
			await harness.tasks.whenFinished(task.id);
			harness.fake.enqueue(
				toolUses([
					{ name: 'background_output', input: { task_id: task.id, grep: 'ERROR \\d+' } },
					{ name: 'background_output', input: { task_id: task.id, since: 'start', tail_lines: 3 } },
					{ name: 'background_output', input: { task_id: task.id, since: 'start', grep: 'line', tail_lines: 2 } },
					{ name: 'background_output', input: { task_id: task.id, grep: '[unclosed' } },
				]),
				(request) => {
					const [grep, tail, both, invalid] = lastToolResults(request);
					assert.match(toolResultText(grep), /^task_id: bg-\d+\nstatus: succeeded\nexit_code: 0\n/);
					assert.match(toolResultText(grep), /\[grep "ERROR \\\\d\+": 3 of 30 lines match\]\nERROR 10\nERROR 20\nERROR 30\nfull log: /);
					assert.match(toolResultText(tail), /\[showing the last 3 of 30 lines\]\nline 28\nline 29\nERROR 30\nfull log: /);
					assert.match(toolResultText(both), /\[grep "line": 27 of 30 lines match\]\n\[showing the last 2 of 27 lines\]\nline 28\nline 29\nfull log: /);
					assert.equal(invalid.is_error, true);
					assert.match(toolResultText(invalid), /^grep is not a pattern Meanwhile can use \(RE2 syntax, which runs in linear time\): /);
					return text('Three errors.');
				},
			);
			await harness.session.send('which errors?');
			assert.equal(harness.requests.length, 2);
			// Its end was read with the output: no notice for it afterwards.
			harness.fake.enqueue(expectResults(() => undefined));
			await harness.session.send('next');
			assert.ok(!blocksOf(lastMessage(harness.requests[2])).some(isNotice));
		});
	});
});
