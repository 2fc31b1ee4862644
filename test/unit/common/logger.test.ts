import * as assert from 'node:assert/strict';
import { maskSecrets } from '../../../src/common/logger';

describe('log masking', () => {
	it('masks Anthropic keys wherever they appear in a log line', () => {
		const line = maskSecrets('request failed for key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 at 12:00');
		assert.doesNotMatch(line, /AbCdEfGhIjKlMnOp/);
		assert.match(line, /sk-ant-api03-…/);
	});

	it('masks bearer tokens in headers', () => {
		const line = maskSecrets('Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345');
		assert.doesNotMatch(line, /abcdefghijklmnop/);
		assert.match(line, /Bearer …/);
	});

	it('leaves ordinary text alone', () => {
		assert.equal(maskSecrets('bg-3 npm test failed, exit 1'), 'bg-3 npm test failed, exit 1');
	});
});
