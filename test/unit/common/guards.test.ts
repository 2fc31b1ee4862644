import * as assert from 'node:assert/strict';
import { errorMessage } from '../../../src/common/errors';
import { isRecord } from '../../../src/common/guards';

describe('guards and error messages (src/common)', () => {
	it('isRecord accepts plain objects only', () => {
		assert.equal(isRecord({}), true);
		assert.equal(isRecord({ a: 1 }), true);
		for (const value of [null, undefined, [], 'x', 3, true, () => undefined]) {
			assert.equal(isRecord(value), false, String(value));
		}
	});

	it('errorMessage gives an Error its message and anything else its text', () => {
		assert.equal(errorMessage(new Error('boom')), 'boom');
		assert.equal(errorMessage('plain'), 'plain');
		assert.equal(errorMessage(42), '42');
		assert.equal(errorMessage(undefined), 'undefined');
	});
});
