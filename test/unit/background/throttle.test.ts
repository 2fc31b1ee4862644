import * as assert from 'node:assert/strict';
import { Throttle } from '../../../src/background/throttle';
import { delay } from './helpers';

describe('Throttle', () => {
	it('fires at once, then once per interval however often it is triggered', async () => {
		let fired = 0;
		const throttle = new Throttle(100, () => fired++);
		throttle.trigger();
		assert.equal(fired, 1);
		for (let index = 0; index < 50; index++) {
			throttle.trigger();
		}
		assert.equal(fired, 1);
		await delay(200);
		assert.equal(fired, 2);
		await delay(150);
		throttle.trigger();
		assert.equal(fired, 3, 'the interval is over: at once again');
	});

	it('cancel drops the pending fire', async () => {
		let fired = 0;
		const throttle = new Throttle(50, () => fired++);
		throttle.trigger();
		throttle.trigger();
		throttle.cancel();
		await delay(120);
		assert.equal(fired, 1);
	});
});
