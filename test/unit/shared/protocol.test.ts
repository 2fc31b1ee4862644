import * as assert from 'node:assert/strict';
import { isHostMessage, MAX_WEBVIEW_TEXT, parseWebviewMessage } from '../../../src/shared/protocol';

describe('protocol guards', () => {
	it('accepts every well-formed webview message and returns only its known fields', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 'dropped' }), { type: 'ready' });
		assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hello' }), { type: 'send', text: 'hello' });
		assert.deepEqual(parseWebviewMessage({ type: 'stop' }), { type: 'stop' });
		assert.deepEqual(parseWebviewMessage({ type: 'showTaskOutput', taskId: 'bg-3' }), { type: 'showTaskOutput', taskId: 'bg-3' });
		assert.deepEqual(parseWebviewMessage({ type: 'scrolled', scrollTop: 120 }), { type: 'scrolled', scrollTop: 120 });
		assert.deepEqual(parseWebviewMessage({ type: 'openLink', href: 'https://example.com' }), { type: 'openLink', href: 'https://example.com' });
		assert.deepEqual(parseWebviewMessage({ type: 'draft', text: '' }), { type: 'draft', text: '' });
	});

	it('rejects values that are not objects with a string type', () => {
		for (const value of [undefined, null, 42, 'ready', [], [{ type: 'ready' }], {}, { type: 7 }, { kind: 'ready' }]) {
			assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value));
		}
	});

	it('rejects unknown message types', () => {
		assert.equal(parseWebviewMessage({ type: 'runCommand', command: 'rm -rf /' }), undefined);
		assert.equal(parseWebviewMessage({ type: '__proto__' }), undefined);
	});

	it('rejects messages whose fields have the wrong type, are empty or too long', () => {
		assert.equal(parseWebviewMessage({ type: 'send' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'send', text: 42 }), undefined);
		assert.equal(parseWebviewMessage({ type: 'send', text: '   ' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'send', text: 'x'.repeat(MAX_WEBVIEW_TEXT + 1) }), undefined);
		assert.equal(parseWebviewMessage({ type: 'showTaskOutput', taskId: '' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'showTaskOutput', taskId: '../../etc/passwd' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'revealTask', taskId: { id: 'bg-1' } }), undefined);
		assert.equal(parseWebviewMessage({ type: 'scrolled', scrollTop: -1 }), undefined);
		assert.equal(parseWebviewMessage({ type: 'scrolled', scrollTop: Number.NaN }), undefined);
		assert.equal(parseWebviewMessage({ type: 'scrolled', scrollTop: '10' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'openLink', href: '' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'removeAttachment' }), undefined);
	});

	it('lets the webview recognise host messages and ignore anything else', () => {
		assert.equal(isHostMessage({ type: 'busy', busy: true }), true);
		assert.equal(isHostMessage({ type: 'textDelta', itemId: 'a1', blockIndex: 0, delta: 'hi' }), true);
		assert.equal(isHostMessage({ type: 'busy', busy: 'yes' }), false);
		assert.equal(isHostMessage({ type: 'state', state: {} }), false);
		assert.equal(isHostMessage({ type: 'unknown' }), false);
		assert.equal(isHostMessage(null), false);
	});
});
