import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AgentSession } from '../../../src/agent/session';
import type { HostToWebview } from '../../../src/shared/protocol';
import {
	blocksOf,
	gated,
	lastMessage,
	lastToolResults,
	lastUserText,
	reply,
	text,
	textBlock,
	toolResultText,
	toolUse,
	toolUseBlock,
	toolUses,
} from '../../fixtures/fakeAnthropic';
import { Harness, isNotice, waitFor, checkAndDispose } from './harness';

describe('AgentSession', function () {
	this.timeout(20_000);
	let harness: Harness;

	beforeEach(async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
	});

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	it('streams a plain reply into an assistant item and records one user and one assistant message', async () => {
		harness.fake.enqueue(text('Hello there, how can I help?'));
		await harness.session.send('hi');

		const items = harness.items();
		assert.deepEqual(items.map((item) => item.kind), ['user', 'assistant']);
		const assistant = items[1];
		assert.ok(assistant.kind === 'assistant');
		assert.equal(assistant.streaming, false);
		assert.deepEqual(assistant.blocks, [{ kind: 'text', text: 'Hello there, how can I help?' }]);

		const deltas = harness.emitted.filter((message): message is Extract<HostToWebview, { type: 'textDelta' }> => message.type === 'textDelta');
		assert.equal(deltas.map((delta) => delta.delta).join(''), 'Hello there, how can I help?');
		assert.ok(deltas.every((delta) => delta.itemId === assistant.id && delta.blockIndex === 0));
		const busy = harness.emitted.filter((message) => message.type === 'busy').map((message) => message.type === 'busy' && message.busy);
		assert.deepEqual(busy, [true, false]);

		assert.deepEqual(harness.session.messages, [
			{ role: 'user', content: [{ type: 'text', text: 'hi' }] },
			{ role: 'assistant', content: [{ type: 'text', text: 'Hello there, how can I help?' }] },
		]);
		assert.equal(harness.session.title, 'hi');
		assert.ok(harness.session.usage.inputTokens > 0 && harness.session.usage.outputTokens > 0);
	});

	it('puts cache_control on the system prompt, the last tool and the last user block only', async () => {
		harness.fake.enqueue(toolUse('check_background', {}), text('ok'));
		await harness.session.send('list tasks');
		const body = harness.requests[1].body;
		assert.ok(Array.isArray(body.system));
		assert.deepEqual(typeof body.system === 'string' ? undefined : body.system[0].cache_control, { type: 'ephemeral' });
		const tools = body.tools ?? [];
		assert.deepEqual(tools.map((tool) => tool.cache_control !== undefined), tools.map((_, index) => index === tools.length - 1));
		const marked = body.messages.flatMap((message, messageIndex) =>
			blocksOf(message).flatMap((block, blockIndex) => (block.cache_control ? [[messageIndex, blockIndex]] : [])),
		);
		const last = body.messages.length - 1;
		assert.deepEqual(marked, [[last, blocksOf(body.messages[last]).length - 1]]);
	});

	it('sends the API key as a bearer token with the anthropic-version header', async () => {
		harness.fake.enqueue(text('ok'));
		await harness.session.send('hi');
		assert.match(harness.requests[0].headers['authorization'] ?? '', /^Bearer sk-ant-test-/);
		assert.ok(harness.requests[0].headers['anthropic-version']);
	});

	it('runs read_file and returns the file content as the tool result', async () => {
		fs.writeFileSync(path.join(harness.workspace, 'notes.txt'), 'line one\nline two\n');
		harness.fake.enqueue(toolUse('read_file', { path: 'notes.txt' }, { text: 'Reading.' }), (request) => {
			const [result] = lastToolResults(request);
			assert.equal(result.is_error, undefined);
			assert.equal(toolResultText(result), 'line one\nline two\n');
			return text('It has two lines.');
		});
		await harness.session.send('what is in notes.txt?');
		assert.equal(harness.requests.length, 2);
		const [card] = harness.toolCards();
		assert.equal(card.state, 'done');
		assert.equal(card.summary, 'notes.txt');
		assert.equal(card.name, 'read_file');
		assert.match(card.input, /"path": "notes.txt"/);
	});

	it('writes then edits a file, and reports an ambiguous edit as an error result', async () => {
		harness.fake.enqueue(
			toolUse('write_file', { path: 'src/a.txt', content: 'x = 1\nx = 1\ny = 2\n' }),
			toolUse('edit_file', { path: 'src/a.txt', old_text: 'x = 1', new_text: 'x = 3' }),
			(request) => {
				const [result] = lastToolResults(request);
				assert.equal(result.is_error, true);
				assert.match(toolResultText(result), /occurs 2 times/);
				return toolUse('edit_file', { path: 'src/a.txt', old_text: 'y = 2', new_text: 'y = 5' });
			},
			text('Done.'),
		);
		await harness.session.send('make a file');
		assert.equal(fs.readFileSync(path.join(harness.workspace, 'src/a.txt'), 'utf8'), 'x = 1\nx = 1\ny = 5\n');
		assert.deepEqual(harness.toolCards().map((card) => card.state), ['done', 'error', 'done']);
	});

	it('answers an unknown tool with an is_error result and goes on', async () => {
		harness.fake.enqueue(toolUse('launch_rockets', { count: 3 }), (request) => {
			const [result] = lastToolResults(request);
			assert.equal(result.is_error, true);
			assert.match(toolResultText(result), /no tool named launch_rockets/);
			return text('Sorry.');
		});
		await harness.session.send('go');
		assert.equal(harness.requests.length, 2);
		assert.equal(harness.toolCards()[0].state, 'error');
	});

	it('answers input that fails the schema with an is_error result naming the field', async () => {
		harness.fake.enqueue(toolUse('read_file', { path: 42 }), (request) => {
			const [result] = lastToolResults(request);
			assert.equal(result.is_error, true);
			assert.match(toolResultText(result), /"path" must be a string/);
			return toolUse('write_file', { path: 'a.txt' });
		}, (request) => {
			assert.match(toolResultText(lastToolResults(request)[0]), /"content" is required/);
			return text('ok');
		});
		await harness.session.send('go');
		assert.equal(harness.requests.length, 3);
	});

	it('runs several tool calls of one reply in order and answers them in one user message', async () => {
		fs.writeFileSync(path.join(harness.workspace, 'a.txt'), 'A');
		fs.writeFileSync(path.join(harness.workspace, 'b.txt'), 'B');
		harness.fake.enqueue(
			toolUses([
				{ name: 'read_file', input: { path: 'a.txt' } },
				{ name: 'read_file', input: { path: 'b.txt' } },
			]),
			(request) => {
				assert.deepEqual(lastToolResults(request).map(toolResultText), ['A', 'B']);
				return text('A and B.');
			},
		);
		await harness.session.send('read both');
	});

	it('refuses a command the approve hook denies, without starting a task', async () => {
		await harness.dispose();
		harness = await Harness.create({
			settings: { autoContinue: false },
			approve: (_tool, command) => Promise.resolve(command.includes('rm') ? { allowed: false, reason: 'no deleting' } : { allowed: true }),
		});
		harness.fake.enqueue(toolUse('bash', { command: 'rm -rf build' }), (request) => {
			const [result] = lastToolResults(request);
			assert.equal(result.is_error, true);
			assert.match(toolResultText(result), /did not allow this command: no deleting/);
			return text('Understood.');
		});
		await harness.session.send('clean');
		assert.equal(harness.tasks.list().length, 0);
		assert.equal(harness.toolCards()[0].state, 'denied');
	});

	it('stop while a command waits for approval starts nothing and ends the turn', async () => {
		await harness.dispose();
		let asked = false;
		harness = await Harness.create({
			settings: { autoContinue: false },
			approve: () => {
				asked = true;
				return new Promise(() => undefined);
			},
		});
		harness.fake.enqueue(toolUse('background_run', { command: 'echo never' }));
		const done = harness.session.send('start it');
		await waitFor(() => asked, 5_000, 'the approval question');
		assert.equal(harness.toolCards()[0].state, 'awaitingApproval');
		harness.session.stop();
		await done;
		assert.equal(harness.tasks.list().length, 0);
		assert.equal(harness.toolCards()[0].state, 'error');
		const result = harness.session.messages[2].content[0];
		assert.ok(result.type === 'tool_result');
		assert.match(result.content, /Stopped by the user before the command started/);
	});

	it('shows partial text while a reply is paused mid-stream, then the whole text', async () => {
		harness.fake.enqueue(gated(text('one two three four five'), 2));
		const done = harness.session.send('count');
		await harness.fake.waitForGate();
		await waitFor(() => {
			const item = harness.items()[1];
			return item?.kind === 'assistant' && item.blocks[0]?.kind === 'text' && item.blocks[0].text === 'one two ';
		}, 5_000, 'the partial text');
		assert.equal(harness.session.busy, true);
		harness.fake.release();
		await done;
		const item = harness.items()[1];
		assert.ok(item.kind === 'assistant');
		assert.deepEqual(item.blocks, [{ kind: 'text', text: 'one two three four five' }]);
	});

	it('stop mid-stream keeps the partial reply and answers its dangling tool call, so the next request is valid', async () => {
		harness.fake.enqueue(gated(reply([textBlock('one two'), toolUseBlock('bash', { command: 'echo hi' }, 'toolu_dangling'), textBlock('after the call')]), 3));
		const done = harness.session.send('go');
		await harness.fake.waitForGate();
		await waitFor(() => {
			const item = harness.items()[1];
			return item?.kind === 'assistant' && item.blocks[2]?.kind === 'text' && item.blocks[2].text === 'after ';
		}, 5_000, 'the text after the tool call');
		harness.session.stop();
		await done;
		harness.fake.release();

		assert.equal(harness.session.busy, false);
		assert.equal(harness.tasks.list().length, 0, 'the stopped call never ran');
		const messages = harness.session.messages;
		assert.equal(messages.length, 3);
		assert.deepEqual(messages[1], {
			role: 'assistant',
			content: [
				{ type: 'text', text: 'one two' },
				{ type: 'tool_use', id: 'toolu_dangling', name: 'bash', input: { command: 'echo hi' } },
				{ type: 'text', text: 'after ' },
			],
		});
		assert.deepEqual(messages[2].content[0], {
			type: 'tool_result',
			tool_use_id: 'toolu_dangling',
			content: 'Stopped by the user before this tool call finished.',
			is_error: true,
		});
		assert.equal(harness.toolCards()[0].state, 'error');

		harness.fake.enqueue(text('Continuing.'));
		await harness.session.send('continue');
		const last = harness.requests[1];
		assert.deepEqual(blocksOf(lastMessage(last)).map((block) => block.type), ['tool_result', 'text']);
		assert.equal(lastUserText(last), 'continue');
	});

	it('stop during a blocking bash cancels its task and delivers no notice for it later', async () => {
		harness.fake.enqueue(toolUse('bash', { command: 'sleep 10' }));
		const done = harness.session.send('wait a lot');
		await waitFor(() => harness.tasks.list().some((task) => task.status === 'running'), 5_000, 'the bash task to run');
		harness.session.stop();
		await done;
		const [task] = harness.tasks.list();
		assert.equal(task.status, 'cancelled');
		assert.equal(task.origin, 'agent');
		const [card] = harness.toolCards();
		assert.equal(card.state, 'error');
		assert.equal(card.taskId, task.id);

		harness.fake.enqueue(text('ok'));
		await harness.session.send('next');
		assert.ok(!blocksOf(lastMessage(harness.requests[1])).some(isNotice), 'no notice for the stopped bash task');
		assert.match(toolResultText(blocksOf(harness.requests[1].body.messages[2])[0]), /Stopped by the user/);
	});

	it('stop before any text arrives leaves the conversation ending with the user message, and the next send merges into it', async () => {
		harness.fake.enqueue(gated(text('never shown'), 0), text('Hello.'));
		const done = harness.session.send('first');
		await harness.fake.waitForRequests(1);
		harness.session.stop();
		await done;
		harness.fake.release();
		await harness.session.send('second');
		const request = harness.requests[1];
		assert.equal(request.body.messages.length, 1);
		assert.deepEqual(blocksOf(request.body.messages[0]).map((block) => block.text), ['first', 'second']);
	});

	it('survives toJSON and restore: the next request carries the earlier messages', async () => {
		harness.fake.enqueue(toolUse('check_background', {}), text('No tasks.'));
		await harness.session.send('any tasks?');
		const saved = JSON.parse(JSON.stringify(harness.session.toJSON())) as unknown;
		const restored = AgentSession.restore(saved, harness.sessionOptions());
		try {
			assert.equal(restored.title, 'any tasks?');
			assert.deepEqual(restored.snapshot().items, harness.session.snapshot().items);
			assert.deepEqual(restored.usage, harness.session.usage);
			harness.fake.enqueue(text('Still none.'));
			await restored.send('and now?');
			const request = harness.requests[harness.requests.length - 1];
			assert.equal(request.body.messages.length, 5);
			assert.equal(lastUserText(request), 'and now?');
		} finally {
			restored.dispose();
		}
	});

	it('restore answers a tool call that was saved without a result', () => {
		const restored = AgentSession.restore(
			{
				version: 1,
				id: 'c1',
				title: 't',
				messages: [
					{ role: 'user', content: [{ type: 'text', text: 'go' }] },
					{ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'ls' } }] },
				],
				items: [
					{
						kind: 'assistant',
						id: 'a1',
						streaming: true,
						blocks: [{ kind: 'tool', toolUseId: 'toolu_1', name: 'bash', summary: 'ls', input: '{}', state: 'running' }],
					},
				],
				usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 },
			},
			harness.sessionOptions(),
		);
		try {
			const messages = restored.messages;
			assert.equal(messages.length, 3);
			assert.equal(messages[2].role, 'user');
			assert.equal(messages[2].content[0].type, 'tool_result');
			const item = restored.snapshot().items[0];
			assert.ok(item.kind === 'assistant');
			assert.equal(item.streaming, false);
			assert.equal(item.blocks[0].kind === 'tool' && item.blocks[0].state, 'error');
		} finally {
			restored.dispose();
		}
	});

	it('asks for an API key when there is none, and retry sends the same request once one is set', async () => {
		let hasKey = false;
		const session = harness.newSession({ model: () => (hasKey ? harness.client : undefined) });
		try {
			await session.send('hello');
			const error = session.snapshot().items[1];
			assert.ok(error.kind === 'error');
			assert.ok(error.actions.includes('setApiKey'));
			assert.equal(harness.requests.length, 0);
			hasKey = true;
			harness.fake.enqueue(text('Hi!'));
			await session.retry();
			assert.equal(harness.requests.length, 1);
			assert.equal(lastUserText(harness.requests[0]), 'hello');
		} finally {
			session.dispose();
		}
	});

	it('a message sent while a turn runs joins the next request of that turn', async () => {
		harness.fake.enqueue(gated(toolUse('check_background', {}, { text: 'Checking now.' }), 1), (request) => {
			assert.deepEqual(blocksOf(lastMessage(request)).map((block) => block.type), ['tool_result', 'text']);
			assert.equal(lastUserText(request), 'also, hurry');
			return text('Done.');
		});
		const done = harness.session.send('check');
		await harness.fake.waitForGate();
		const queued = harness.session.send('also, hurry');
		harness.fake.release();
		await Promise.all([done, queued]);
		assert.equal(harness.requests.length, 2);
		// The second message shows where it was sent: after the reply that was streaming then.
		assert.deepEqual(harness.items().map((item) => item.kind), ['user', 'assistant', 'user', 'assistant']);
	});
});

describe('AgentSession events', function () {
	this.timeout(20_000);
	let harness: Harness;

	beforeEach(async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
	});

	afterEach(async () => {
		await harness.dispose();
	});

	it('batches streamed text and sends it before the update that ends streaming', async () => {
		const session = harness.newSession({ textFlushMs: 10_000 });
		try {
			const words = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');
			harness.fake.enqueue(text(words));
			const start = harness.emitted.length;
			await session.send('talk');
			const emitted = harness.emitted.slice(start);
			const deltas = emitted.filter((message) => message.type === 'textDelta');
			assert.ok(deltas.length < 40, `batched into ${deltas.length} events`);
			assert.equal(deltas.map((message) => (message.type === 'textDelta' ? message.delta : '')).join(''), words);
			const lastDelta = emitted.map((message) => message.type).lastIndexOf('textDelta');
			const finished = emitted.findIndex((message) => message.type === 'itemUpdated' && message.item.kind === 'assistant' && !message.item.streaming);
			assert.ok(lastDelta < finished, 'the text arrives before the item stops streaming');
		} finally {
			session.dispose();
		}
	});

	it('forwards status changes of the tasks the transcript shows, and not of others', async () => {
		harness.fake.enqueue(toolUse('background_run', { command: 'sleep 0.2' }), text('Started.'));
		await harness.session.send('start');
		const other = harness.tasks.start('echo unrelated', { origin: 'user' });
		const [mine] = harness.tasks.list().filter((task) => task.id !== other.id);
		await harness.tasks.whenFinished(mine.id);
		await harness.tasks.whenFinished(other.id);
		const updates = harness.emitted.flatMap((message) => (message.type === 'taskUpdated' ? [message.task] : []));
		assert.ok(updates.some((task) => task.id === mine.id && task.status === 'succeeded'));
		assert.ok(!updates.some((task) => task.id === other.id));
		assert.equal(harness.toolCards()[0].taskId, mine.id);
	});

	it('counts usage per turn and for the whole conversation', async () => {
		harness.fake.enqueue(
			toolUse('check_background', {}, { usage: { input_tokens: 100, output_tokens: 10, cache_read_input_tokens: 50, cache_creation_input_tokens: 5 } }),
			text('ok', { usage: { input_tokens: 200, output_tokens: 20 } }),
			text('again', { usage: { input_tokens: 300, output_tokens: 30 } }),
		);
		await harness.session.send('one');
		assert.deepEqual(harness.session.lastTurnUsage, { inputTokens: 300, outputTokens: 30, cacheReadTokens: 50, cacheWriteTokens: 5 });
		await harness.session.send('two');
		assert.deepEqual(harness.session.lastTurnUsage, { inputTokens: 300, outputTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 0 });
		assert.deepEqual(harness.session.usage, { inputTokens: 600, outputTokens: 60, cacheReadTokens: 50, cacheWriteTokens: 5 });
		const usageEvents = harness.emitted.filter((message) => message.type === 'usage');
		assert.equal(usageEvents.length, 3);
	});
});
