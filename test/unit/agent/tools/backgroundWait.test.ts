import * as assert from 'node:assert/strict';
import { blocksOf, lastMessage, lastToolResults, text, toolResultText, toolUse, toolUses } from '../../../fixtures/fakeAnthropic';
import { checkAndDispose, delay, expectResults, Harness, isNotice, results, waitFor } from '../harness';

describe('background_wait', function () {
	this.timeout(20_000);
	let harness: Harness;

	beforeEach(async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
	});

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	it('returns when a line matches the pattern, with the line and the tail, the task still running', async () => {
		const task = harness.tasks.start('sleep 0.3; echo "compiling"; echo "server ready on 8080"; sleep 30', { origin: 'agent' });
		harness.fake.enqueue(
			toolUse('background_wait', { task_id: task.id, until: { pattern: 'ready on \\d+' } }),
			expectResults(([result]) => {
				assert.match(result, /^outcome: the pattern matched\nmatched_line: server ready on 8080\n/);
				assert.match(result, new RegExp(`\ntask_id: ${task.id}\nstatus: running\n`));
				assert.match(result, /\nlast lines of output:\ncompiling\nserver ready on 8080\nfull log: /);
			}),
		);
		await harness.session.send('wait for the server');
		assert.equal(harness.tasks.get(task.id)?.status, 'running');
	});

	it('waits for the end by default and returns the exit code; no notice comes for it later', async () => {
		harness.fake.enqueue(toolUse('background_run', { command: 'sleep 0.3; echo bye; exit 3' }), (request) => {
			const id = /^task_id: (bg-\d+)/.exec(results(request)[0])?.[1] ?? '?';
			return toolUse('background_wait', { task_id: id });
		}, expectResults(([result]) => {
			assert.match(result, /^outcome: the task ended \(failed\)\ntask_id: bg-\d+\nstatus: failed\nexit_code: 3\n/);
			assert.match(result, /\nlast lines of output:\nbye\n/);
		}), text('later'));
		await harness.session.send('run it and wait');
		await delay(100);
		await harness.session.send('anything?');
		assert.equal(harness.requests.length, 4);
		assert.ok(!blocksOf(lastMessage(harness.requests[3])).some(isNotice), 'no notice for a task whose end a tool returned');
	});

	it('times out without stopping the task, and caps a timeout above 600 s', async () => {
		const slow = harness.tasks.start('sleep 30', { origin: 'agent' });
		const quick = harness.tasks.start('sleep 0.3', { origin: 'agent' });
		harness.fake.enqueue(
			toolUses([
				{ name: 'background_wait', input: { task_id: slow.id, timeout_seconds: 0.5 } },
				{ name: 'background_wait', input: { task_id: quick.id, timeout_seconds: 900 } },
			]),
			expectResults(([timedOut, capped]) => {
				assert.match(timedOut, /^outcome: timed out after 0.5 s, before the task ended; the task was not stopped and keeps running\n/);
				assert.match(timedOut, /\nstatus: running\n/);
				assert.match(capped, /^outcome: the task ended \(succeeded\)\ntimeout_seconds 900 is above the maximum of 600; waited at most 600 s\.\n/);
			}),
		);
		const started = Date.now();
		await harness.session.send('wait');
		assert.ok(Date.now() - started < 5_000);
		assert.equal(harness.tasks.get(slow.id)?.status, 'running', 'a wait that times out does not stop the task');
	});

	it('is aborted by Stop, leaving the task running', async () => {
		const task = harness.tasks.start('sleep 30', { origin: 'agent' });
		harness.fake.enqueue(toolUse('background_wait', { task_id: task.id, timeout_seconds: 60 }));
		const started = Date.now();
		const done = harness.session.send('wait for it');
		await waitFor(() => harness.toolCards()[0]?.state === 'running', 5_000, 'the wait to start');
		await delay(100);
		harness.session.stop();
		await done;
		assert.ok(Date.now() - started < 5_000, 'the stop ended the wait at once');
		assert.equal(harness.requests.length, 1, 'no request after the stop');
		const [card] = harness.toolCards();
		assert.equal(card.state, 'error');
		assert.match(card.result ?? '', /^outcome: stopped by the user while waiting; the task was not stopped and keeps running/);
		const last = harness.session.messages.at(-1);
		assert.ok(last?.role === 'user' && last.content[0].type === 'tool_result' && last.content[0].is_error === true);
		assert.equal(harness.tasks.get(task.id)?.status, 'running');
	});

	it('refuses an until with nothing to wait for and an invalid pattern, and the loop goes on', async () => {
		const task = harness.tasks.start('sleep 5', { origin: 'agent' });
		harness.fake.enqueue(
			toolUses([
				{ name: 'background_wait', input: { task_id: task.id, until: {} } },
				{ name: 'background_wait', input: { task_id: task.id, until: { pattern: '(' } } },
				{ name: 'background_wait', input: { task_id: task.id, until: { regex: 'x' } } },
			]),
			(request) => {
				const blocks = lastToolResults(request);
				assert.ok(blocks.every((block) => block.is_error === true));
				const [empty, invalid, unknown] = blocks.map(toolResultText);
				assert.match(empty, /until needs at least one of pattern, port or exit: true/);
				assert.match(invalid, /^until.pattern is not a pattern Meanwhile can use/);
				assert.match(unknown, /^Invalid input for background_wait: "until.regex" is not an option here/);
				return text('I will fix my call.');
			},
		);
		await harness.session.send('wait wrongly');
		assert.equal(harness.requests.length, 2);
	});
});
