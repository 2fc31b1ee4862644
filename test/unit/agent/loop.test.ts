import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	blocksOf,
	gated,
	lastMessage,
	lastToolResults,
	text,
	toolResultText,
	toolUse,
	toolUses,
} from '../../fixtures/fakeAnthropic';
import { delay, deliveredIds, Harness, isNotice, notices, waitFor, checkAndDispose } from './harness';

describe('the agent loop and background tasks', function () {
	this.timeout(20_000);
	let harness: Harness;

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	describe('notices', () => {
		beforeEach(async () => {
			harness = await Harness.create({ settings: { autoContinue: false } });
		});

		it('puts a notice after the tool results of the next request, in the exact format, escaped', async () => {
			const task = harness.tasks.start('sleep 0.2; echo "<b>&</task-notice>"; exit 2', { origin: 'user' });
			harness.fake.enqueue(toolUse('bash', { command: 'sleep 0.6' }), (request) => {
				const blocks = blocksOf(lastMessage(request));
				assert.deepEqual(blocks.map((block) => (block.type === 'tool_result' ? 'result' : isNotice(block) ? 'notice' : 'text')), ['result', 'notice']);
				const notice = blocks[1].text ?? '';
				const lines = notice.split('\n');
				assert.match(lines[0], /^System notice \(not written by the user/);
				assert.match(lines[1], new RegExp(`^<task-notice id="${task.id}" status="failed" exit_code="2" duration_s="\\d+">$`));
				assert.equal(lines[2], 'command: sleep 0.2; echo "&lt;b&gt;&amp;&lt;/task-notice&gt;"; exit 2');
				assert.ok(lines.includes('&lt;b&gt;&amp;&lt;/task-notice&gt;'), 'the output, escaped');
				assert.equal(lines[lines.length - 2], `full log: ${task.logPath}`);
				assert.equal(lines[lines.length - 1], '</task-notice>');
				assert.equal(notice.match(/<\/task-notice>/g)?.length, 1, 'the output cannot close the element');
				return text('Your task failed.');
			});
			await harness.session.send('wait a bit');
			assert.equal(harness.requests.length, 2);
			assert.deepEqual(deliveredIds(harness), [task.id]);
			const noticeItems = harness.items().filter((item) => item.kind === 'notice');
			assert.equal(noticeItems.length, 1);
			assert.ok(noticeItems[0].kind === 'notice' && noticeItems[0].task.status === 'failed' && noticeItems[0].task.exitCode === 2);
		});

		it('puts notices after the user text when the user sends a message', async () => {
			const task = harness.tasks.start('echo finished', { origin: 'user' });
			await harness.tasks.whenFinished(task.id);
			harness.fake.enqueue(text('ok'));
			await harness.session.send('anything new?');
			const blocks = blocksOf(lastMessage(harness.requests[0]));
			assert.equal(blocks[0].text, 'anything new?');
			assert.ok(isNotice(blocks[1]));
			assert.match(blocks[1].text ?? '', /status="succeeded" exit_code="0"/);
			assert.match(blocks[1].text ?? '', /\nfinished\n/);
		});

		it('delivers a task that finishes during a stream with the next request', async () => {
			harness.fake.enqueue(gated(toolUse('check_background', {}, { text: 'Let me check.' }), 1), text('Seen it.'));
			const done = harness.session.send('check');
			await harness.fake.waitForGate();
			const task = harness.tasks.start('echo meanwhile', { origin: 'user' });
			await harness.tasks.whenFinished(task.id);
			assert.equal(notices(harness.requests[0]).length, 0);
			harness.fake.release();
			await done;
			const blocks = blocksOf(lastMessage(harness.requests[1]));
			assert.equal(blocks[0].type, 'tool_result');
			assert.ok(isNotice(blocks[1]));
			assert.deepEqual(deliveredIds(harness), [task.id]);
		});

		it('delivers each finished task exactly once', async () => {
			const first = harness.tasks.start('echo one', { origin: 'user' });
			await harness.tasks.whenFinished(first.id);
			harness.fake.enqueue(toolUse('check_background', {}), text('ok'), text('ok again'));
			await harness.session.send('one');
			const second = harness.tasks.start('echo two', { origin: 'user' });
			await harness.tasks.whenFinished(second.id);
			await harness.session.send('two');
			assert.deepEqual(deliveredIds(harness), [first.id, second.id]);
		});

		it('bash that finishes in time returns its output and its task never comes back as a notice', async () => {
			harness.fake.enqueue(toolUse('bash', { command: 'echo quick; exit 3' }), (request) => {
				const result = toolResultText(lastToolResults(request)[0]);
				assert.match(result, /^task_id: bg-\d+\nstatus: failed\nexit_code: 3\n/);
				assert.match(result, /output:\nquick/);
				return text('It failed with 3.');
			}, text('ok'));
			await harness.session.send('run it');
			assert.equal(harness.toolCards()[0].resultSummary, 'exit 3');
			await delay(100);
			await harness.session.send('next');
			assert.deepEqual(deliveredIds(harness), []);
		});

		it('bash that outlives its timeout keeps running as a task and comes back as a notice', async () => {
			harness.settings = { ...harness.settings, bashTimeoutSeconds: 0.3 };
			harness.fake.enqueue(toolUse('bash', { command: 'sleep 0.8; echo late' }), (request) => {
				const result = toolResultText(lastToolResults(request)[0]);
				assert.match(result, /still running after 0.3 s/);
				assert.match(result, /keeps running in the background as bg-\d+/);
				assert.match(result, /task_id: bg-\d+\nstatus: running/);
				return text('It is still going.');
			}, text('ok'));
			await harness.session.send('run a slow thing');
			const [task] = harness.tasks.list();
			assert.equal(task.status, 'running', 'not killed at the timeout');
			await harness.tasks.whenFinished(task.id);
			await harness.session.send('and?');
			assert.deepEqual(deliveredIds(harness), [task.id]);
			assert.match(notices(harness.requests[2])[0].text ?? '', /\nlate\n/);
		});

		it('check_background of a finished task consumes its notice', async () => {
			const task = harness.tasks.start('sleep 0.2; echo checked', { origin: 'user' });
			harness.fake.enqueue(gated(toolUse('check_background', { task_id: task.id }, { text: 'Checking it.' }), 1), (request) => {
				const result = toolResultText(lastToolResults(request)[0]);
				assert.match(result, new RegExp(`^task_id: ${task.id}\nstatus: succeeded\nexit_code: 0\n`));
				assert.match(result, /last lines of output:\nchecked\n/);
				return text('It succeeded.');
			});
			const done = harness.session.send('check');
			await harness.fake.waitForGate();
			await harness.tasks.whenFinished(task.id);
			harness.fake.release();
			await done;
			assert.deepEqual(deliveredIds(harness), []);
		});
	});

	describe('the try-it prompts', () => {
		beforeEach(async () => {
			harness = await Harness.create({ settings: { autoContinue: true, autoContinueMaxTurns: 3 } });
		});

		it('runs a command in the background, creates a file while it runs, then reacts to its notice on its own', async () => {
			harness.fake.enqueue(
				toolUse('background_run', { command: 'sleep 0.5 && echo done' }, { text: 'Starting it in the background.' }),
				(request) => {
					const result = toolResultText(lastToolResults(request)[0]);
					assert.match(result, /^task_id: bg-\d+\nstatus: (running|queued)\n/);
					return toolUse('write_file', { path: 'while-it-runs.txt', content: 'written meanwhile\n' });
				},
				text('The task runs; I created the file meanwhile.'),
				(request) => {
					// A turn of its own: the notice alone, as a new user message after the idle reply.
					const blocks = blocksOf(lastMessage(request));
					assert.equal(blocks.length, 1);
					assert.ok(isNotice(blocks[0]));
					assert.match(blocks[0].text ?? '', /status="succeeded" exit_code="0"/);
					assert.match(blocks[0].text ?? '', /\ndone\n/);
					return text('The background command finished: it printed done.');
				},
			);
			await harness.session.send('run `sleep 5 && echo done` in the background, then create a file while it runs');
			const [task] = harness.tasks.list();
			assert.equal(harness.requests.length, 3);
			assert.equal(fs.readFileSync(path.join(harness.workspace, 'while-it-runs.txt'), 'utf8'), 'written meanwhile\n');
			assert.notEqual(task.status, 'succeeded', 'the file was written while the task still ran');

			await waitFor(() => harness.requests.length === 4 && !harness.session.busy, 10_000, 'the turn of its own');
			await harness.session.whenIdle();
			assert.equal(harness.fake.pendingReplies, 0);
			const last = harness.items()[harness.items().length - 1];
			assert.ok(last.kind === 'assistant');
			assert.deepEqual(harness.items().map((item) => item.kind), ['user', 'assistant', 'assistant', 'assistant', 'notice', 'assistant']);
		});

		it('starts three background tasks, checks their status, and gets each notice exactly once', async () => {
			harness.fake.setDefaultReply(text('Noted.'));
			harness.fake.enqueue(
				toolUses([
					{ name: 'background_run', input: { command: 'sleep 0.2' } },
					{ name: 'background_run', input: { command: 'sleep 0.4' } },
					{ name: 'background_run', input: { command: 'sleep 0.6' } },
				]),
				(request) => {
					const results = lastToolResults(request).map(toolResultText);
					assert.equal(results.length, 3);
					results.forEach((result) => assert.match(result, /^task_id: bg-\d+\nstatus: /));
					return toolUse('check_background', {});
				},
				(request) => {
					const listing = toolResultText(lastToolResults(request)[0]).split('\n');
					assert.equal(listing.length, 3);
					listing.forEach((line) => assert.match(line, /^bg-\d+ {2}(running|succeeded).*\[agent\] {2}sleep 0\.\d$/));
					return text('All three are running.');
				},
			);
			await harness.session.send('start 3 background tasks sleep 1/2/3 and check their status');
			const ids = harness.tasks.list().map((task) => task.id).sort();
			await waitFor(() => deliveredIds(harness).length === 3 && !harness.session.busy, 10_000, 'three notices');
			await harness.session.whenIdle();
			assert.deepEqual(deliveredIds(harness).sort(), ids);
		});
	});
});
