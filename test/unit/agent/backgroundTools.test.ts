import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartOptions } from '../../../src/background/types';
import { blocksOf, lastMessage, lastToolResults, text, toolResultText, toolUse, toolUses, type RecordedRequest } from '../../fixtures/fakeAnthropic';
import { delay, Harness, isNotice, waitFor, checkAndDispose } from './harness';

/** The text of the request's tool results, in order. */
function results(request: RecordedRequest): string[] {
	return lastToolResults(request).map(toolResultText);
}

/** A reply function that checks the tool results of the request, then answers with text. */
function expectResults(check: (results: string[], request: RecordedRequest) => void, answer = 'ok'): (request: RecordedRequest) => ReturnType<typeof text> {
	return (request) => {
		check(results(request), request);
		return text(answer);
	};
}

describe('background tools through the agent loop', function () {
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

	describe('background_output', () => {
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
					assert.match(toolResultText(invalid), /^grep is not a valid regular expression \(JavaScript syntax\): /);
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

	describe('background_wait', () => {
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
					assert.match(invalid, /^until.pattern is not a valid regular expression/);
					assert.match(unknown, /^Invalid input for background_wait: "until.regex" is not an option here/);
					return text('I will fix my call.');
				},
			);
			await harness.session.send('wait wrongly');
			assert.equal(harness.requests.length, 2);
		});
	});

	describe('background_cancel', () => {
		it('kills the task the way the user\'s cancel does and returns its final status; no notice follows', async () => {
			harness.fake.enqueue(toolUse('background_run', { command: 'echo started; sleep 30' }), (request) => {
				const id = /^task_id: (bg-\d+)/.exec(results(request)[0])?.[1] ?? '?';
				return toolUse('background_cancel', { task_id: id });
			}, expectResults(([result]) => {
				assert.match(result, /^task_id: bg-\d+\nstatus: cancelled\n/);
				assert.match(result, /\nreason: cancelled by the agent\n/);
				assert.match(result, /\nThe task was cancelled\.\n/);
			}), toolUse('background_cancel', { task_id: 'bg-1' }), expectResults(([result]) => {
				assert.match(result, /^task_id: bg-1\nstatus: cancelled\n/);
				assert.match(result, /The task had already ended; there was nothing to cancel/);
			}));
			await harness.session.send('start and cancel it');
			const [task] = harness.tasks.list();
			assert.equal(task.status, 'cancelled');
			assert.equal(task.reason, 'cancelled by the agent');
			await harness.session.send('cancel it again');
			assert.ok(!harness.requests.some((request) => blocksOf(lastMessage(request)).some(isNotice)), 'no notice for a task the agent cancelled');
		});
	});

	describe('background_run', () => {
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
