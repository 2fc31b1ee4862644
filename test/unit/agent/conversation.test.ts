import * as assert from 'node:assert/strict';
import { Conversation } from '../../../src/agent/conversation';
import { NOTICE_PREAMBLE } from '../../../src/agent/taskNotice';

const call = (id: string) => ({ type: 'tool_use' as const, id, name: 'bash', input: { command: 'ls' } });
const result = (id: string, content = 'ok') => ({ type: 'tool_result' as const, tool_use_id: id, content });
const words = (text: string) => ({ type: 'text' as const, text });

describe('Conversation', () => {
	it('merges user content into the last user message instead of adding a second one', () => {
		const conversation = new Conversation();
		conversation.appendUser([words('one')]);
		conversation.appendUser([words('two')]);
		assert.deepEqual(conversation.messages, [{ role: 'user', content: [words('one'), words('two')] }]);
	});

	it('puts tool results first, in the order of the calls, and other content after them', () => {
		const conversation = new Conversation();
		conversation.appendUser([words('go')]);
		conversation.appendAssistant([words('Running.'), call('a'), call('b')]);
		conversation.appendUser([words('a notice')]);
		assert.equal(conversation.addToolResult('b', 'B'), true);
		assert.equal(conversation.addToolResult('a', 'A'), true);
		assert.deepEqual(conversation.messages[2], { role: 'user', content: [result('a', 'A'), result('b', 'B'), words('a notice')] });
	});

	it('refuses a result for a call that is not pending, or a second result for one call', () => {
		const conversation = new Conversation();
		conversation.appendUser([words('go')]);
		conversation.appendAssistant([call('a')]);
		assert.equal(conversation.addToolResult('zzz', 'x'), false);
		assert.equal(conversation.addToolResult('a', 'x'), true);
		assert.equal(conversation.addToolResult('a', 'y'), false);
		assert.deepEqual(conversation.messages[2].content, [result('a', 'x')]);
	});

	it('answers calls left unanswered with an error result before a request', () => {
		const conversation = new Conversation();
		conversation.appendUser([words('go')]);
		conversation.appendAssistant([call('a'), call('b')]);
		conversation.addToolResult('a', 'A');
		const messages = conversation.forRequest();
		assert.deepEqual(messages[2].content, [result('a', 'A'), { type: 'tool_result', tool_use_id: 'b', content: 'No result was recorded for this tool call.', is_error: true }]);
	});

	it('never makes a request that ends with an assistant message', () => {
		const conversation = new Conversation();
		conversation.appendUser([words('go')]);
		conversation.appendAssistant([words('Done.')]);
		assert.equal(conversation.canRequest, false);
		assert.throws(() => conversation.forRequest(), /must end with a user message/);
	});

	it('refuses a reply after a reply, and a reply before any user message', () => {
		const conversation = new Conversation();
		assert.throws(() => conversation.appendAssistant([words('hi')]), /starts with a user message/);
		conversation.appendUser([words('go')]);
		conversation.appendAssistant([words('one')]);
		assert.throws(() => conversation.appendAssistant([words('two')]), /can only follow a user message/);
	});

	it('drops empty text and does not record an empty reply', () => {
		const conversation = new Conversation();
		conversation.appendUser([words(''), words('go')]);
		assert.equal(conversation.appendAssistant([words(''), words('  ')]), false);
		assert.deepEqual(conversation.messages, [{ role: 'user', content: [words('go')] }]);
	});

	it('gives an empty error result some text: the API refuses an empty one', () => {
		const conversation = new Conversation();
		conversation.appendUser([words('go')]);
		conversation.appendAssistant([call('a')]);
		conversation.addToolResult('a', '', true);
		assert.deepEqual(conversation.messages[2].content, [{ type: 'tool_result', tool_use_id: 'a', content: '(no output)', is_error: true }]);
	});

	it('rebuilds saved messages, dropping junk and restoring the invariants', () => {
		const conversation = Conversation.fromJSON([
			{ role: 'assistant', content: [words('orphan reply')] },
			{ role: 'user', content: [words('a')] },
			{ role: 'user', content: [words('b'), { type: 'image' }] },
			{ role: 'assistant', content: [call('x')] },
			{ role: 'user', content: [words('no result given'), result('unknown')] },
			'junk',
		]);
		assert.deepEqual(conversation.messages, [
			{ role: 'user', content: [words('a'), words('b')] },
			{ role: 'assistant', content: [call('x')] },
			{ role: 'user', content: [words('no result given')] },
		]);
		assert.deepEqual(conversation.unansweredToolUses().map((block) => block.id), ['x']);
		assert.equal(conversation.forRequest()[2].content[0].type, 'tool_result');
	});

	it('repairs half an emoji saved by an older version, so the conversation can be sent again', () => {
		const rocket = '\u{1F680}';
		const cut = `${rocket}${rocket}`.slice(1);
		const conversation = Conversation.fromJSON([
			{ role: 'user', content: [words(`starts with ${cut}`)] },
			{ role: 'assistant', content: [call('x')] },
			{ role: 'user', content: [result('x', `${rocket.slice(0, 1)} end`)] },
		]);
		const texts = JSON.stringify(conversation.messages);
		assert.ok(!/\\ud[89a-f]/i.test(texts), texts);
		assert.deepEqual(conversation.messages[0].content, [words(`starts with \ufffd${rocket}`)]);
		assert.deepEqual(conversation.messages[2].content, [result('x', '\ufffd end')]);
	});

	it('keeps who wrote a text block across a save, and recognises notices saved before blocks were marked', () => {
		const notice = { type: 'text' as const, text: `${NOTICE_PREAMBLE}\n<task-notice id="bg-1">…</task-notice>` };
		const conversation = Conversation.fromJSON([
			{ role: 'user', content: [{ type: 'text', text: 'file', source: 'attachment' }, words('<task-notice id="bg-2"> typed by the user'), { type: 'text', text: 'x', source: 'forged' }] },
			{ role: 'assistant', content: [words('ok')] },
			{ role: 'user', content: [notice] },
		]);
		assert.deepEqual(conversation.messages[0].content, [{ type: 'text', text: 'file', source: 'attachment' }, words('<task-notice id="bg-2"> typed by the user'), words('x')]);
		assert.deepEqual(conversation.messages[2].content, [{ ...notice, source: 'task-notice' }]);
		assert.deepEqual(Conversation.fromJSON(JSON.parse(JSON.stringify(conversation.toJSON()))).messages, conversation.messages);
	});
});
