import assert from 'node:assert/strict';
import { toItem, toState, toTask, toUsage } from '../../../media/model';

describe('media/model', () => {
	it('drops items without an id or with an unknown kind', () => {
		assert.equal(toItem(null), undefined);
		assert.equal(toItem({ kind: 'user' }), undefined);
		assert.equal(toItem({ id: 'a', kind: 'weird' }), undefined);
		assert.equal(toItem({ id: 'a', kind: 'notice', task: { status: 'running' } }), undefined);
	});

	it('fills in what an odd item lacks', () => {
		assert.deepEqual(toItem({ id: 'u1', kind: 'user', text: 5, attachments: 'nope' }), { kind: 'user', id: 'u1', text: '5', attachments: [] });
		assert.deepEqual(toItem({ id: 'a1', kind: 'assistant', blocks: [{ kind: 'text' }, { kind: 'image' }, null, { kind: 'tool', name: 'bash', input: { a: 1 } }] }), {
			kind: 'assistant',
			id: 'a1',
			streaming: false,
			blocks: [
				{ kind: 'text', text: '' },
				{ kind: 'tool', toolUseId: '', name: 'bash', summary: '', input: '{\n  "a": 1\n}', state: 'pending' },
			],
		});
		assert.deepEqual(toItem({ id: 'e1', kind: 'error', message: 'boom', actions: ['retry', 'explode', 'setApiKey'] }), {
			kind: 'error',
			id: 'e1',
			message: 'boom',
			actions: ['retry', 'setApiKey'],
		});
	});

	it('keeps known task fields and defaults an unknown status', () => {
		assert.deepEqual(toTask({ id: 'bg-1', command: 'x', status: 'failed', exitCode: 2, durationSeconds: 4, signal: null }), {
			id: 'bg-1',
			command: 'x',
			status: 'failed',
			exitCode: 2,
			durationSeconds: 4,
		});
		assert.equal(toTask({ id: 'bg-1', status: 'exploded' })?.status, 'queued');
		assert.equal(toTask({ status: 'running' }), undefined);
	});

	it('zeroes bad usage numbers', () => {
		assert.deepEqual(toUsage({ inputTokens: 'x', outputTokens: 3, cacheReadTokens: Infinity }), {
			inputTokens: 0,
			outputTokens: 3,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
		});
	});

	it('narrows a state, dropping duplicate and malformed items', () => {
		const state = toState({
			conversationId: 'c1',
			items: [{ id: 'a', kind: 'info', text: 'hi' }, { id: 'a', kind: 'info', text: 'again' }, 7],
			busy: 'yes',
			hasApiKey: false,
			scrollTop: -4,
			draft: 'half a thought',
		});
		assert.equal(state.items.length, 1);
		assert.equal(state.busy, false);
		assert.equal(state.hasApiKey, false);
		assert.equal(state.scrollTop, undefined);
		assert.equal(state.draft, 'half a thought');
		assert.deepEqual(state.attachments, []);
	});
});
