import * as assert from 'node:assert/strict';
import { gated, splitText, startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../../fixtures/fakeAnthropic';

interface SseEvent {
	readonly event: string;
	readonly data: Record<string, unknown>;
}

function parseSse(body: string): SseEvent[] {
	return body
		.split('\n\n')
		.filter((chunk) => chunk.trim() !== '')
		.map((chunk) => {
			const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? '';
			const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? '{}') as Record<string, unknown>;
			return { event, data };
		});
}

function post(fake: FakeAnthropic, headers: Record<string, string> = { authorization: 'Bearer sk-test' }): Promise<Response> {
	return fetch(`${fake.url}/v1/messages`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true }),
	});
}

describe('fakeAnthropic', () => {
	let fake: FakeAnthropic;

	beforeEach(async () => {
		fake = await startFakeAnthropic();
	});

	afterEach(async () => {
		await fake.close();
	});

	it('refuses a request without a bearer token or x-api-key with 401, and accepts x-api-key', async () => {
		const refused = await post(fake, {});
		assert.equal(refused.status, 401);
		assert.deepEqual(await refused.json(), { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
		const accepted = await post(fake, { 'x-api-key': 'sk-test' });
		assert.equal(accepted.status, 200);
		await accepted.text();
	});

	it('streams a scripted message as the API does: message_start, ping, blocks with deltas, message_delta, message_stop', async () => {
		fake.enqueue(toolUse('bash', { command: 'ls -la' }, { text: 'Let me look.', id: 'toolu_x' }));
		const response = await post(fake);
		assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
		const events = parseSse(await response.text());
		assert.deepEqual(events.map((event) => event.event), [
			'message_start',
			'ping',
			'content_block_start',
			'content_block_delta',
			'content_block_delta',
			'content_block_delta',
			'content_block_stop',
			'content_block_start',
			'content_block_delta',
			'content_block_delta',
			'content_block_delta',
			'content_block_stop',
			'message_delta',
			'message_stop',
		]);
		const json = events
			.filter((event) => (event.data.delta as { type?: string } | undefined)?.type === 'input_json_delta')
			.map((event) => (event.data.delta as { partial_json: string }).partial_json)
			.join('');
		assert.deepEqual(JSON.parse(json), { command: 'ls -la' });
		assert.deepEqual((events[12].data.delta as { stop_reason: string }).stop_reason, 'tool_use');
		assert.deepEqual(fake.requests[0].body.messages, [{ role: 'user', content: 'hi' }]);
	});

	it('answers "(no scripted reply)" when nothing is queued, or the default set', async () => {
		const said = (events: SseEvent[]) => events.map((event) => (event.data.delta as { text?: string } | undefined)?.text ?? '').join('');
		assert.equal(said(parseSse(await (await post(fake)).text())), '(no scripted reply)');
		fake.setDefaultReply(text('fallback'));
		assert.equal(said(parseSse(await (await post(fake)).text())), 'fallback');
	});

	it('passes the recorded request to a reply function', async () => {
		fake.enqueue((request) => text(`you sent ${request.body.messages.length} message`));
		const events = parseSse(await (await post(fake)).text());
		const said = events.map((event) => (event.data.delta as { text?: string } | undefined)?.text ?? '').join('');
		assert.equal(said, 'you sent 1 message');
	});

	it('records what a reply function throws and answers 500 without inviting a retry', async () => {
		fake.enqueue(() => {
			throw new Error('bad request seen');
		});
		const response = await post(fake);
		assert.equal(response.status, 500);
		assert.equal(response.headers.get('x-should-retry'), 'false');
		assert.equal(fake.replyErrors.length, 1);
	});

	it('pauses a gated reply until release, and a release in advance opens the next gate at once', async () => {
		fake.enqueue(gated(text('a b c d'), 2), gated(text('e f'), 1));
		const pending = post(fake).then((response) => response.text());
		await fake.waitForGate();
		fake.release();
		assert.ok((await pending).includes('"d"'));
		fake.release();
		assert.ok((await (await post(fake)).text()).includes('"f"'));
	});

	it('serves GET /v1/models', async () => {
		const response = await fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer sk-test' } });
		const body = (await response.json()) as { data: { id: string }[] };
		assert.deepEqual(body.data.map((model) => model.id), ['claude-fake-1', 'claude-fake-2']);
	});

	it('refuses tools the real API refuses: bad names, duplicates, schemas that are not objects at the top', async () => {
		const send = (tools: unknown) =>
			fetch(`${fake.url}/v1/messages`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
				body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true, tools }),
			});
		const good = { name: 'get_weather-2', description: 'd', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
		const refusals: [unknown, RegExp][] = [
			[[{ ...good, name: 'has.dot' }], /name: String should match pattern/],
			[[{ ...good, name: 'x'.repeat(65) }], /name: String should match pattern/],
			[[good, good], /Tool names must be unique/],
			[[{ name: 'a', description: 'd' }], /input_schema: Field required/],
			[[{ ...good, input_schema: { type: 'array' } }], /input_schema.type: Input should be 'object'/],
			[[{ ...good, input_schema: { properties: {} } }], /input_schema.type: Input should be 'object'/],
			[[{ ...good, input_schema: { type: 'object', anyOf: [] } }], /does not support oneOf, allOf, or anyOf/],
		];
		for (const [tools, message] of refusals) {
			const response = await send(tools);
			assert.equal(response.status, 400, JSON.stringify(tools));
			const body = (await response.json()) as { error: { type: string; message: string } };
			assert.equal(body.error.type, 'invalid_request_error');
			assert.match(body.error.message, message);
		}
		const accepted = await send([good]);
		assert.equal(accepted.status, 200);
		await accepted.text();
	});

	it('splits text into one delta per word with its whitespace', () => {
		assert.deepEqual(splitText('one two  three\n'), ['one ', 'two  ', 'three\n']);
		assert.deepEqual(splitText(''), ['']);
	});
});
