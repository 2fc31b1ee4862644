import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	apiError,
	blocksOf,
	cut,
	lastToolResults,
	lastUserText,
	overloaded,
	rateLimited,
	rawToolUseBlock,
	reply,
	serverError,
	streamError,
	text,
	textBlock,
	toolResultText,
	toolUse,
	unauthorized,
} from '../../fixtures/fakeAnthropic';
import type { ChatItem } from '../../../src/shared/protocol';
import { describeError } from '../../../src/agent/errorText';
import { ModelError } from '../../../src/agent/modelClient';
import { Harness, checkAndDispose } from './harness';

describe('describeError', () => {
	it('says what failed with the status, and offers what may help', () => {
		assert.deepEqual(describeError(new ModelError({ kind: 'auth', status: 401, message: 'invalid x-api-key' }), false), [
			'The API key was refused (401): invalid x-api-key',
			['setApiKey', 'retry'],
		]);
		assert.deepEqual(describeError(new ModelError({ kind: 'network', message: 'ECONNRESET' }), false), ['The connection failed: ECONNRESET', ['retry']]);
		assert.deepEqual(describeError(new ModelError({ kind: 'badRequest', status: 404, message: 'model: nope' }), false), [
			'The API refused the request (404): model: nope',
			['openSettings'],
		]);
		assert.deepEqual(describeError(new ModelError({ kind: 'badRequest', status: 400, message: 'bad' }), false)[1], ['retry']);
	});

	it('for a prompt too long, says whether it was shortened further, and offers retry either way', () => {
		const error = new ModelError({ kind: 'promptTooLong', status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' });
		const [further, furtherActions] = describeError(error, true);
		assert.match(further, /^The conversation is too long for the model \(400\): .* they are now shortened further\. Retry to send it again, or start a new chat\.$/);
		assert.deepEqual(furtherActions, ['retry']);
		const [nothing, nothingActions] = describeError(error, false);
		assert.match(nothing, /Nothing more can be shortened \(what you and the model wrote is never cut\)\./);
		assert.deepEqual(nothingActions, ['retry']);
	});
});

function errorItems(harness: Harness): Extract<ChatItem, { kind: 'error' }>[] {
	return harness.items().filter((item): item is Extract<ChatItem, { kind: 'error' }> => item.kind === 'error');
}

describe('AgentSession errors', function () {
	this.timeout(20_000);
	let harness: Harness;

	beforeEach(async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
	});

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	it('401 shows an error item offering to set the API key, without retrying', async () => {
		harness.fake.enqueue(unauthorized('invalid x-api-key'));
		await harness.session.send('hi');
		assert.equal(harness.requests.length, 1);
		const [error] = errorItems(harness);
		assert.match(error.message, /refused \(401\): invalid x-api-key/);
		assert.ok(error.actions.includes('setApiKey'));
		assert.equal(harness.session.busy, false);
		assert.equal(harness.session.messages.length, 1, 'only the user message is recorded');
	});

	it('429 with retry-after is retried by the SDK and the reply arrives without an error item', async () => {
		harness.fake.enqueue(rateLimited({ retryAfter: 0.01 }), text('Made it.'));
		await harness.session.send('hi');
		assert.equal(harness.requests.length, 2);
		assert.equal(harness.requests[1].headers['x-stainless-retry-count'], '1');
		assert.equal(errorItems(harness).length, 0);
		const last = harness.items()[harness.items().length - 1];
		assert.ok(last.kind === 'assistant');
		assert.deepEqual(last.blocks, [{ kind: 'text', text: 'Made it.' }]);
	});

	it('429 that persists past the bounded retries shows an error item with retry', async () => {
		harness.fake.enqueue(rateLimited(), rateLimited(), rateLimited());
		await harness.session.send('hi');
		assert.equal(harness.requests.length, 3, 'one request and two retries');
		const [error] = errorItems(harness);
		assert.match(error.message, /Rate limited \(429\)/);
		assert.deepEqual(error.actions, ['retry']);
	});

	it('529 overloaded past the retries shows retry, and retry sends the same conversation again', async () => {
		harness.fake.enqueue(overloaded(), overloaded(), overloaded(), text('Back.'));
		await harness.session.send('hi');
		const [error] = errorItems(harness);
		assert.match(error.message, /overloaded \(529\)/);
		assert.deepEqual(error.actions, ['retry']);
		await harness.session.retry();
		assert.equal(harness.requests.length, 4);
		assert.deepEqual(harness.requests[3].body.messages, harness.requests[0].body.messages);
		assert.deepEqual(errorItems(harness)[0].actions, [], 'the used Retry button goes away');
		assert.deepEqual(harness.session.messages.map((message) => message.role), ['user', 'assistant']);
	});

	it('500 past the retries shows an error item with retry', async () => {
		harness.fake.enqueue(serverError(), serverError(), serverError());
		await harness.session.send('hi');
		assert.equal(harness.requests.length, 3);
		const [error] = errorItems(harness);
		assert.match(error.message, /API failed \(500\)/);
		assert.deepEqual(error.actions, ['retry']);
	});

	it('an error event in the middle of a stream keeps the partial text and offers retry', async () => {
		harness.fake.enqueue(streamError(text('alpha beta gamma delta'), 5));
		await harness.session.send('hi');
		const assistant = harness.items()[1];
		assert.ok(assistant.kind === 'assistant');
		assert.equal(assistant.streaming, false);
		assert.deepEqual(assistant.blocks, [{ kind: 'text', text: 'alpha beta ' }]);
		const [error] = errorItems(harness);
		assert.deepEqual(error.actions, ['retry']);
		assert.match(error.message, /overloaded/);
	});

	it('a stream cut in the middle of tool input keeps the partial text, runs nothing, and offers retry', async () => {
		// Events: message_start, ping, text start, 4 text deltas, text stop, tool start, first input delta: cut after that.
		harness.fake.enqueue(cut(toolUse('write_file', { path: 'out.txt', content: 'hello world' }, { text: 'Writing the file now.' }), 10));
		await harness.session.send('write it');

		const assistant = harness.items()[1];
		assert.ok(assistant.kind === 'assistant');
		assert.equal(assistant.streaming, false);
		assert.deepEqual(assistant.blocks[0], { kind: 'text', text: 'Writing the file now.' });
		assert.equal(harness.toolCards()[0].state, 'error');
		const [error] = errorItems(harness);
		assert.deepEqual(error.actions, ['retry']);
		assert.ok(!fs.existsSync(path.join(harness.workspace, 'out.txt')));
		// Nothing of the cut reply is recorded: the conversation still ends with the user's message.
		assert.deepEqual(harness.session.messages.map((message) => message.role), ['user']);

		harness.fake.enqueue(toolUse('write_file', { path: 'out.txt', content: 'hello world' }), text('Written.'));
		await harness.session.retry();
		assert.deepEqual(harness.requests[1].body.messages, harness.requests[0].body.messages);
		assert.equal(fs.readFileSync(path.join(harness.workspace, 'out.txt'), 'utf8'), 'hello world');
	});

	it('tool input that is not JSON gets an is_error result quoting the bad text, and the loop goes on', async () => {
		harness.fake.enqueue(reply([textBlock('Listing files.'), rawToolUseBlock('bash', '{"command": ls -la}', 'toolu_broken')]), (request) => {
			const assistant = request.body.messages[request.body.messages.length - 2];
			assert.deepEqual(blocksOf(assistant), [
				{ type: 'text', text: 'Listing files.' },
				{ type: 'tool_use', id: 'toolu_broken', name: 'bash', input: {} },
			]);
			const [result] = lastToolResults(request);
			assert.equal(result.is_error, true);
			assert.equal(result.tool_use_id, 'toolu_broken');
			assert.match(toolResultText(result), /not valid JSON/);
			assert.ok(toolResultText(result).includes('{"command": ls -la}'));
			return text('Let me fix that.');
		});
		await harness.session.send('list');
		assert.equal(harness.requests.length, 2);
		assert.equal(harness.tasks.list().length, 0, 'the broken call did not run');
		assert.equal(errorItems(harness).length, 0);
		assert.equal(harness.toolCards()[0].state, 'error');
	});

	it('a reply cut by max_tokens inside a tool call does not run that call', async () => {
		harness.fake.enqueue(reply([rawToolUseBlock('write_file', '{"path": "big.txt", "content": "partial"}')], { stopReason: 'max_tokens' }), (request) => {
			const [result] = lastToolResults(request);
			assert.equal(result.is_error, true);
			assert.match(toolResultText(result), /max_tokens/);
			return text('I will split it.');
		});
		await harness.session.send('write a big file');
		assert.ok(!fs.existsSync(path.join(harness.workspace, 'big.txt')));
	});

	it('a prompt that is too long with nothing to shorten says so at once and offers retry', async () => {
		harness.fake.enqueue(apiError(400, 'invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum'));
		await harness.session.send('hi');
		assert.equal(harness.requests.length, 1, 'sending the same request again would not help');
		const [error] = errorItems(harness);
		assert.match(error.message, /too long for the model \(400\): prompt is too long: 250000 tokens > 200000 maximum/);
		assert.match(error.message, /Nothing more can be shortened .*Start a new chat/);
		assert.deepEqual(error.actions, ['retry']);
	});

	it('a new message after a failed request merges into the unanswered user message', async () => {
		harness.fake.enqueue(serverError(), serverError(), serverError(), text('Now it works.'));
		await harness.session.send('first');
		await harness.session.send('second');
		const request = harness.requests[3];
		assert.equal(request.body.messages.length, 1);
		assert.equal(lastUserText(request), 'first\nsecond');
		assert.deepEqual(errorItems(harness)[0].actions, [], 'the Retry button of the old error goes away');
	});
});
