import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createModelClient, ModelError, type ModelClient, type ModelRequest } from '../../../src/agent/modelClient';
import {
	apiError,
	cut,
	overloaded,
	rateLimited,
	rawToolUseBlock,
	reply,
	serverError,
	startFakeAnthropic,
	streamError,
	text,
	textBlock,
	toolUse,
	toolUseBlock,
	unauthorized,
	type FakeAnthropic,
} from '../../fixtures/fakeAnthropic';
import { TEST_API_KEY } from './harness';

const REQUEST: ModelRequest = {
	model: 'claude-test',
	maxTokens: 100,
	system: 'You are a test.',
	tools: [
		{ name: 'first', description: 'one', input_schema: { type: 'object', properties: {} } },
		{ name: 'second', description: 'two', input_schema: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] } },
	],
	messages: [
		{ role: 'user', content: [{ type: 'text', text: 'hi' }] },
		{ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'first', input: {} }] },
		{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }, { type: 'text', text: 'notice' }] },
	],
};

async function failure(promise: Promise<unknown>): Promise<ModelError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
		return error;
	}
	assert.fail('expected the request to fail');
}

describe('ModelClient (real SDK against the fake API)', function () {
	this.timeout(15_000);
	let fake: FakeAnthropic;
	let client: ModelClient;

	beforeEach(async () => {
		fake = await startFakeAnthropic();
		client = createModelClient({ apiKey: TEST_API_KEY, baseUrl: fake.url, maxRetries: 2 });
	});

	afterEach(async () => {
		await fake.close();
	});

	it('sends the key as a bearer token, never the one in the environment, with anthropic-version 2026-10-21', async () => {
		const saved = process.env.ANTHROPIC_API_KEY;
		process.env.ANTHROPIC_API_KEY = 'sk-ant-from-the-environment';
		try {
			fake.enqueue(text('ok'));
			await createModelClient({ apiKey: TEST_API_KEY, baseUrl: fake.url, maxRetries: 0 }).stream(REQUEST);
		} finally {
			if (saved === undefined) {
				delete process.env.ANTHROPIC_API_KEY;
			} else {
				process.env.ANTHROPIC_API_KEY = saved;
			}
		}
		const headers = fake.requests[0].headers;
		assert.equal(headers['authorization'], `Bearer ${TEST_API_KEY}`);
		assert.equal(headers['x-api-key'], undefined);
		assert.equal(headers['anthropic-version'], '2026-10-21');
	});

	it('marks the system prompt, the last tool and the last user block for caching', async () => {
		fake.enqueue(text('ok'));
		await client.stream(REQUEST);
		const body = fake.requests[0].body;
		assert.deepEqual(body.system, [{ type: 'text', text: 'You are a test.', cache_control: { type: 'ephemeral' } }]);
		assert.equal(body.tools?.[0].cache_control, undefined);
		assert.deepEqual(body.tools?.[1].cache_control, { type: 'ephemeral' });
		assert.deepEqual(body.messages[2].content, [
			{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' },
			{ type: 'text', text: 'notice', cache_control: { type: 'ephemeral' } },
		]);
		assert.deepEqual(body.messages[0].content, [{ type: 'text', text: 'hi' }]);
		assert.equal(body.stream, true);
		assert.equal(body.max_tokens, 100);
	});

	it('streams text deltas and blocks with the indices of the blocks it keeps, and returns usage', async () => {
		fake.enqueue(reply([textBlock('Let me look.'), toolUseBlock('second', { x: 'y' }, 'toolu_9'), textBlock('Then more.')], { usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 } }));
		const events: string[] = [];
		const response = await client.stream(REQUEST, {
			onBlockStart: (block, index) => events.push(`start ${index} ${block.type}`),
			onText: (delta, index) => events.push(`text ${index} ${delta}`),
			onBlockStop: (block, index) => events.push(`stop ${index} ${block.type}${block.type === 'tool_use' ? ` ${JSON.stringify(block.input)}` : ''}`),
		});
		assert.deepEqual(events, [
			'start 0 text',
			'text 0 Let ',
			'text 0 me ',
			'text 0 look.',
			'stop 0 text',
			'start 1 tool_use',
			'stop 1 tool_use {"x":"y"}',
			'start 2 text',
			'text 2 Then ',
			'text 2 more.',
			'stop 2 text',
		]);
		assert.deepEqual(response.content, [
			{ type: 'text', text: 'Let me look.' },
			{ type: 'tool_use', id: 'toolu_9', name: 'second', input: { x: 'y' } },
			{ type: 'text', text: 'Then more.' },
		]);
		assert.equal(response.stopReason, 'tool_use');
		assert.deepEqual(response.usage, { inputTokens: 120, outputTokens: 30, cacheReadTokens: 100, cacheWriteTokens: 7 });
	});

	it('maps 401 to auth, not retried', async () => {
		fake.enqueue(unauthorized());
		const error = await failure(client.stream(REQUEST));
		assert.equal(error.kind, 'auth');
		assert.equal(error.status, 401);
		assert.equal(error.retryable, false);
		assert.equal(fake.requests.length, 1);
	});

	it('maps a persistent 429 to rateLimit after maxRetries retries', async () => {
		fake.enqueue(rateLimited(), rateLimited(), rateLimited());
		const error = await failure(client.stream(REQUEST));
		assert.equal(error.kind, 'rateLimit');
		assert.equal(error.status, 429);
		assert.equal(error.retryable, true);
		assert.equal(fake.requests.length, 3);
	});

	it('waits as long as retry-after says before retrying a 429', async () => {
		fake.enqueue(rateLimited({ retryAfter: 0.3 }), text('ok'));
		const started = Date.now();
		await client.stream(REQUEST);
		assert.ok(Date.now() - started >= 250, 'waited for retry-after');
		assert.equal(fake.requests.length, 2);
	});

	it('maps 529 to overloaded and 500 to server', async () => {
		fake.enqueue(overloaded(), overloaded(), overloaded(), serverError(), serverError(), serverError());
		assert.equal((await failure(client.stream(REQUEST))).kind, 'overloaded');
		const server = await failure(client.stream(REQUEST));
		assert.equal(server.kind, 'server');
		assert.equal(server.status, 500);
	});

	it('maps a too long prompt to promptTooLong and another 400 to badRequest', async () => {
		fake.enqueue(apiError(400, 'invalid_request_error', 'prompt is too long: 300000 tokens > 200000 maximum'), apiError(400, 'invalid_request_error', 'messages: bad'));
		const tooLong = await failure(client.stream(REQUEST));
		assert.equal(tooLong.kind, 'promptTooLong');
		assert.equal(tooLong.retryable, false);
		assert.equal((await failure(client.stream(REQUEST))).kind, 'badRequest');
	});

	it('maps an error event inside the stream by its type, keeping the partial text', async () => {
		fake.enqueue(streamError(text('one two three'), 4, 'overloaded_error', 'Overloaded'));
		const error = await failure(client.stream(REQUEST));
		assert.equal(error.kind, 'overloaded');
		assert.deepEqual(error.partial, [{ type: 'text', text: 'one ' }]);
	});

	it('maps a cut stream to a retryable network error with the blocks received so far', async () => {
		fake.enqueue(cut(toolUse('second', { x: 'a long value' }, { text: 'Doing it.', id: 'toolu_cut' }), 9));
		const error = await failure(client.stream(REQUEST));
		assert.equal(error.kind, 'network');
		assert.equal(error.retryable, true);
		assert.deepEqual(error.partial, [
			{ type: 'text', text: 'Doing it.' },
			{ type: 'tool_use', id: 'toolu_cut', name: 'second', input: {} },
		]);
	});

	it('maps tool input that is not JSON to invalidToolInput, keeping the blocks and the raw text', async () => {
		fake.enqueue(reply([textBlock('Running.'), rawToolUseBlock('second', '{"x": nope}', 'toolu_bad')]));
		const error = await failure(client.stream(REQUEST));
		assert.equal(error.kind, 'invalidToolInput');
		assert.deepEqual(error.brokenToolInput, { toolUseId: 'toolu_bad', raw: '{"x": nope}' });
		assert.deepEqual(error.partial, [
			{ type: 'text', text: 'Running.' },
			{ type: 'tool_use', id: 'toolu_bad', name: 'second', input: {} },
		]);
	});

	it('maps an abort to aborted with the partial text', async () => {
		fake.enqueue({ ...text('alpha beta gamma'), gateAfterTextDeltas: 2 });
		const controller = new AbortController();
		const texts: string[] = [];
		const pending = client.stream(REQUEST, { signal: controller.signal, onText: (delta) => texts.push(delta) });
		await fake.waitForGate();
		while (texts.length < 2) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		controller.abort();
		const error = await failure(pending);
		fake.release();
		assert.equal(error.kind, 'aborted');
		assert.deepEqual(error.partial, [{ type: 'text', text: 'alpha beta ' }]);
	});

	it('maps a refused connection to a retryable network error', async () => {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		const port = (server.address() as AddressInfo).port;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		const closed = createModelClient({ apiKey: TEST_API_KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
		const error = await failure(closed.stream(REQUEST));
		assert.equal(error.kind, 'network');
		assert.equal(error.retryable, true);
	});

	it('lists the models', async () => {
		assert.deepEqual(await client.listModels(), ['claude-fake-1', 'claude-fake-2']);
	});

	it('maps a refused key when listing models to auth', async () => {
		const refused = await startFakeAnthropic({ apiKey: 'sk-ant-the-only-key' });
		try {
			const other = createModelClient({ apiKey: TEST_API_KEY, baseUrl: refused.url, maxRetries: 0 });
			assert.equal((await failure(other.listModels())).kind, 'auth');
		} finally {
			await refused.close();
		}
	});
});
