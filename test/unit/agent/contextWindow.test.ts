import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	contextBudget,
	contextWindowFor,
	elide,
	parsePromptTooLong,
	shortenToFit,
	TokenEstimator,
} from '../../../src/agent/contextWindow';
import { Conversation } from '../../../src/agent/conversation';
import type { Message } from '../../../src/agent/messages';
import { NOTICE_PREAMBLE } from '../../../src/agent/taskNotice';
import type { ChatItem } from '../../../src/shared/protocol';
import { blocksOf, promptTooLong, text, toolResultText, toolUses, type RecordedRequest, type WireBlock } from '../../fixtures/fakeAnthropic';
import { Harness, checkAndDispose } from './harness';

const MARK = /\[… (\d+) characters elided to fit the context window(?:; ([^\n]*))? …\]/;

function numbered(lines: number, width = 60): string {
	return Array.from({ length: lines }, (_, index) => `line ${String(index + 1).padStart(5, '0')} ${'x'.repeat(width)}`).join('\n');
}

function toolRound(id: string, output: string): Message[] {
	return [
		{ role: 'assistant', content: [{ type: 'tool_use', id, name: 'bash', input: { command: `make ${id}` } }] },
		{ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: output }] },
	];
}

describe('context window', () => {
	describe('sizes and estimates', () => {
		it('knows the windows of the models and leaves room for the reply', () => {
			assert.equal(contextWindowFor('claude-sonnet-4-5'), 200_000);
			assert.equal(contextWindowFor('claude-instant-1.2'), 100_000);
			assert.equal(contextWindowFor('some-other-model'), 200_000);
			assert.equal(contextBudget(200_000, 8_192), 200_000 - 8_192 - 10_000);
			assert.equal(contextBudget(20_000, 100_000), 5_000, 'never less than a quarter of the window');
		});

		it('reads the numbers of the API\'s refusal', () => {
			assert.deepEqual(parsePromptTooLong('prompt is too long: 250000 tokens > 200000 maximum'), { tokens: 250_000, maximum: 200_000 });
			assert.equal(parsePromptTooLong('prompt is too long'), undefined);
		});

		it('estimates a quarter token per character until calibrated by large requests, within bounds', () => {
			const estimator = new TokenEstimator();
			assert.equal(estimator.tokens(4_000), 1_000);
			estimator.calibrate(400, 10);
			assert.equal(estimator.tokensPerChar, 0.25, 'a tiny request says little');
			estimator.calibrate(100_000, 33_000);
			assert.equal(estimator.tokensPerChar, 0.33);
			estimator.calibrate(100_000, 1_000_000);
			assert.equal(estimator.tokensPerChar, 1);
			estimator.calibrate(1_000_000, 1_000);
			assert.ok(Math.abs(estimator.tokensPerChar - 1 / 6) < 1e-9);
		});
	});

	describe('elide', () => {
		it('keeps the first and last lines and says how much was elided and where the full text is', () => {
			const original = numbered(200);
			const shortened = elide(original, { headLines: 10, headChars: 1_000, tailLines: 20, tailChars: 1_500 }, 'full log: /logs/bg-1.log');
			assert.ok(shortened !== undefined);
			const lines = shortened.split('\n');
			assert.equal(lines[0], original.split('\n')[0]);
			assert.equal(lines.at(-1), original.split('\n').at(-1));
			const match = MARK.exec(shortened);
			assert.ok(match);
			assert.equal(match[2], 'full log: /logs/bg-1.log');
			// What is kept plus what the note counts is the whole.
			const kept = shortened.replace(MARK, '').replace('\n\n', '\n');
			assert.equal(kept.length + Number(match[1]), original.length);
		});

		it('shortens an elided text further, adding up the counts and keeping the location', () => {
			const original = numbered(400);
			const once = elide(original, { headLines: 10, headChars: 5_000, tailLines: 40, tailChars: 5_000 }, 'full log: /l');
			assert.ok(once);
			const twice = elide(once, { headLines: 2, headChars: 400, tailLines: 3, tailChars: 600 });
			assert.ok(twice);
			assert.equal(twice.match(/elided/g)?.length, 1);
			const [, count, where] = MARK.exec(twice) ?? [];
			assert.equal(where, 'full log: /l');
			assert.equal(twice.split('\n').length, 2 + 1 + 3);
			assert.equal(Number(count) + twice.replace(MARK, '').length - 1, original.length);
		});

		it('leaves a text alone when cutting would gain little', () => {
			assert.equal(elide(numbered(25), { headLines: 10, headChars: 1_000, tailLines: 20, tailChars: 1_500 }), undefined);
		});
	});

	describe('shortenToFit', () => {
		const estimator = new TokenEstimator();

		it('changes nothing when the request fits', () => {
			const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }, ...toolRound('t1', numbered(100))];
			const result = shortenToFit(messages, { budgetTokens: 100_000, estimator, fixedChars: 1_000 });
			assert.deepEqual(result.replacements, []);
		});

		it('shortens the oldest outputs and notices first, never what the user or the model wrote, nor the last message', () => {
			const notice = `${NOTICE_PREAMBLE}\n<task-notice id="bg-1" status="succeeded" exit_code="0">\ncommand: make\nlast lines of output:\n${numbered(40, 90)}\nfull log: /logs/bg-1.log\n</task-notice>`;
			const userWords = `please ${'look '.repeat(2_000)}`;
			const messages: Message[] = [
				{ role: 'user', content: [{ type: 'text', text: userWords }] },
				...toolRound('t1', numbered(400)),
				{ role: 'assistant', content: [{ type: 'text', text: `thinking ${'a lot '.repeat(2_000)}` }, { type: 'tool_use', id: 't2', name: 'bash', input: { command: 'x' } }] },
				{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: numbered(400) }, { type: 'text', text: notice, source: 'task-notice' }] },
				{ role: 'assistant', content: [{ type: 'tool_use', id: 't3', name: 'bash', input: { command: 'y' } }] },
				{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't3', content: numbered(400) }] },
			];
			const total = estimator.tokens(JSON.stringify(messages).length);
			// Room for all but about one output: the oldest goes first.
			const first = shortenToFit(messages, { budgetTokens: total - 1_000, estimator, fixedChars: 0, logPathOf: (id) => (id === 't1' ? '/logs/bg-7.log' : undefined) });
			assert.deepEqual(first.replacements.map(({ messageIndex, blockIndex }) => [messageIndex, blockIndex]), [[2, 0]]);
			const [replacement] = first.replacements;
			assert.ok(replacement.block.type === 'tool_result');
			assert.match(replacement.block.content, /; full log: \/logs\/bg-7\.log …\]/);
			assert.ok(first.tokensAfter < first.tokensBefore);

			// No room at all: every candidate but the last message goes, the words stay.
			const all = shortenToFit(messages, { budgetTokens: 1, estimator, fixedChars: 0 });
			assert.deepEqual(all.replacements.map(({ messageIndex, blockIndex }) => [messageIndex, blockIndex]), [[2, 0], [4, 0], [4, 1]]);
			const shortenedNotice = all.replacements[2].block;
			assert.ok(shortenedNotice.type === 'text');
			assert.ok(shortenedNotice.text.startsWith(`${NOTICE_PREAMBLE}\n<task-notice id="bg-1"`));
			assert.ok(shortenedNotice.text.endsWith('full log: /logs/bg-1.log\n</task-notice>'));
			assert.match(shortenedNotice.text, /characters elided to fit the context window; full log: \/logs\/bg-1\.log …\]/);

			// Harder: the last message's tool output too, still never the words.
			const hard = shortenToFit(messages, { budgetTokens: 1, estimator, fixedChars: 0, hard: true });
			assert.deepEqual(hard.replacements.map(({ messageIndex, blockIndex }) => [messageIndex, blockIndex]), [[2, 0], [4, 0], [4, 1], [6, 0]]);
		});

		it('never cuts what the user wrote, even when it looks like a notice or an attachment', () => {
			const forged = [
				`${NOTICE_PREAMBLE}\n<task-notice id="bg-9" status="failed" exit_code="1">\n${numbered(400)}\n</task-notice>`,
				`see this: <task-notice id="bg-1">\n${numbered(400)}`,
				`<attachment label="x" path="y">\n${numbered(400)}\n</attachment>`,
			];
			for (const text of forged) {
				const messages: Message[] = [
					{ role: 'user', content: [{ type: 'text', text }] },
					{ role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
					{ role: 'user', content: [{ type: 'text', text: 'and now?' }] },
				];
				const result = shortenToFit(messages, { budgetTokens: 1, estimator, fixedChars: 0, hard: true });
				assert.deepEqual(result.replacements, [], text.slice(0, 40));
			}
		});

		it('shortens large inputs of old tool calls and old attachments', () => {
			const content = numbered(300);
			const messages: Message[] = [
				{ role: 'user', content: [{ type: 'text', text: `<attachment label="a.ts" path="src/a.ts">\n${content}\n</attachment>`, source: 'attachment' }, { type: 'text', text: 'write it' }] },
				{ role: 'assistant', content: [{ type: 'tool_use', id: 'w1', name: 'write_file', input: { path: 'b.ts', content } }] },
				{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'w1', content: 'Created b.ts' }] },
				{ role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
				{ role: 'user', content: [{ type: 'text', text: 'thanks' }] },
			];
			const result = shortenToFit(messages, { budgetTokens: 1, estimator, fixedChars: 0 });
			assert.deepEqual(result.replacements.map(({ messageIndex, blockIndex }) => [messageIndex, blockIndex]), [[0, 0], [1, 0]]);
			const [attachment, call] = result.replacements.map((item) => item.block);
			assert.ok(attachment.type === 'text' && /; full file: src\/a\.ts …\]/.test(attachment.text));
			assert.ok(call.type === 'tool_use' && call.input.path === 'b.ts' && typeof call.input.content === 'string' && /; file: b\.ts …\]/.test(call.input.content));
		});
	});

	describe('Conversation.replaceBlocks', () => {
		it('accepts only a block of the same kind for the same call', () => {
			const conversation = new Conversation();
			conversation.appendUser([{ type: 'text', text: 'go' }]);
			conversation.appendAssistant([{ type: 'tool_use', id: 't1', name: 'bash', input: { command: 'ls' } }]);
			conversation.addToolResult('t1', 'a long output');
			assert.equal(conversation.replaceBlocks([{ messageIndex: 2, blockIndex: 0, block: { type: 'tool_result', tool_use_id: 'other', content: 'x' } }]), 0);
			assert.equal(conversation.replaceBlocks([{ messageIndex: 2, blockIndex: 0, block: { type: 'text', text: 'x' } }]), 0);
			assert.equal(conversation.replaceBlocks([{ messageIndex: 1, blockIndex: 0, block: { type: 'tool_use', id: 't1', name: 'other', input: {} } }]), 0);
			assert.equal(conversation.replaceBlocks([{ messageIndex: 9, blockIndex: 0, block: { type: 'text', text: 'x' } }]), 0);
			assert.equal(conversation.replaceBlocks([{ messageIndex: 2, blockIndex: 0, block: { type: 'tool_result', tool_use_id: 't1', content: 'short' } }]), 1);
			assert.deepEqual(conversation.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'short' }] });
		});
	});

	describe('in the agent loop', function () {
		this.timeout(30_000);
		let harness: Harness;

		beforeEach(async () => {
			harness = await Harness.create({ settings: { autoContinue: false } });
			// A file read_file returns whole: just under the 30 000 character cap of a tool output.
			fs.writeFileSync(path.join(harness.workspace, 'big.txt'), `${numbered(410)}\n`);
		});

		afterEach(async function () {
			await checkAndDispose(this, harness);
		});

		function reads(count: number) {
			return toolUses(Array.from({ length: count }, () => ({ name: 'read_file', input: { path: 'big.txt' } })));
		}

		function size(request: RecordedRequest): number {
			return JSON.stringify(request.body).length;
		}

		function toolResults(request: RecordedRequest): WireBlock[] {
			return request.body.messages.flatMap((message) => blocksOf(message).filter((block) => block.type === 'tool_result'));
		}

		function infoItems(): Extract<ChatItem, { kind: 'info' }>[] {
			return harness.items().filter((item): item is Extract<ChatItem, { kind: 'info' }> => item.kind === 'info');
		}

		it('shortens the oldest tool outputs before a request would exceed the window, and says so in the chat', async () => {
			const fileChars = fs.readFileSync(path.join(harness.workspace, 'big.txt'), 'utf8').length;
			assert.ok(fileChars > 28_000 && fileChars < 30_000);
			harness.fake.enqueue(reads(8), reads(8), reads(8), reads(8), text('Read them all.'));
			await harness.session.send('read big.txt 32 times');
			assert.equal(harness.requests.length, 5);

			// 24 outputs fit a 200k-token window; 32 (about 240k tokens) do not.
			const budgetChars = contextBudget(200_000, harness.settings.maxTokens) * 4;
			assert.equal(harness.requests.slice(0, 4).filter((request) => JSON.stringify(request.body).includes('elided to fit')).length, 0);
			const last = harness.requests[4];
			const before = toolResults(last).length;
			assert.equal(before, 32);
			assert.ok(size(last) < budgetChars, `the request (${size(last)} characters) fits the budget (${budgetChars})`);
			assert.ok(size(last) < size(harness.requests[3]), 'smaller than the request before, although it has 8 more outputs');

			const results = toolResults(last).map(toolResultText);
			const shortened = results.filter((result) => MARK.test(result));
			assert.ok(shortened.length >= 8, `${shortened.length} outputs shortened`);
			assert.ok(results.slice(0, shortened.length).every((result) => MARK.test(result)), 'the oldest ones');
			assert.ok(results.slice(-8).every((result) => result.length === fileChars), 'the newest ones whole');
			const [, count, where] = MARK.exec(shortened[0]) ?? [];
			assert.equal(where, 'full file: big.txt');
			assert.ok(Number(count) > 25_000);
			assert.ok(shortened[0].startsWith('line 00001 '));
			assert.ok(shortened[0].endsWith(`line 00410 ${'x'.repeat(60)}\n`));

			const infos = infoItems();
			assert.equal(infos.length, 1);
			assert.equal(infos[0].text, `Shortened ${shortened.length} earlier tool outputs to fit the context window.`);
			assert.ok(harness.emitted.some((message) => message.type === 'itemAdded' && message.item.kind === 'info'), 'the chat is told');
			// The session's record is shortened too: the next request does not shorten again.
			const recorded = harness.session.messages.flatMap((message) => (message.role === 'user' ? message.content : [])).filter((block) => block.type === 'tool_result' && MARK.test(block.content));
			assert.equal(recorded.length, shortened.length);
		});

		it('retries on its own with a smaller request when the API says the prompt is too long', async () => {
			harness.fake.enqueue(reads(6), promptTooLong(), (request) => {
				const refused = harness.requests[request.index - 1];
				assert.ok(size(request) < size(refused) * 0.7, `${size(request)} is not much smaller than ${size(refused)}`);
				assert.ok(toolResults(request).map(toolResultText).some((result) => MARK.test(result)));
				assert.equal(toolResults(request).length, 6, 'the same calls and results, shortened');
				return text('Done reading.');
			});
			await harness.session.send('read big.txt 6 times');
			assert.equal(harness.requests.length, 3);
			assert.equal(harness.items().filter((item) => item.kind === 'error').length, 0, 'no dead end');
			const [info] = infoItems();
			assert.match(info.text, /^Shortened \d+ earlier tool outputs? to fit the context window: the API refused the conversation as too long, so it was sent again shorter\.$/);
			const last = harness.items().at(-1);
			assert.ok(last?.kind === 'assistant' && last.blocks[0].kind === 'text' && last.blocks[0].text === 'Done reading.');
		});

		it('shows an error with Retry after two automatic retries', async () => {
			harness.fake.enqueue(reads(6), promptTooLong(), promptTooLong(), promptTooLong());
			await harness.session.send('read big.txt 6 times');
			assert.equal(harness.requests.length, 4, 'the request and two retries');
			assert.ok(size(harness.requests[2]) < size(harness.requests[1]));
			assert.ok(size(harness.requests[3]) < size(harness.requests[2]));
			const errors = harness.items().filter((item): item is Extract<ChatItem, { kind: 'error' }> => item.kind === 'error');
			assert.equal(errors.length, 1);
			assert.deepEqual(errors[0].actions, ['retry']);
			assert.match(errors[0].message, /^The conversation is too long for the model \(400\): prompt is too long: 250000 tokens > 200000 maximum /);
			harness.fake.enqueue(text('Finally.'));
			await harness.session.retry();
			assert.equal(harness.requests.length, 5);
			assert.ok(size(harness.requests[4]) <= size(harness.requests[3]));
			const last = harness.items().at(-1);
			assert.ok(last?.kind === 'assistant');
		});
	});
});
