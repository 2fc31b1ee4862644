import assert from 'node:assert/strict';
import { debounce, throttle } from '../../../media/schedule';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('media/schedule', () => {
	it('debounce calls once with the last arguments after a quiet period', async () => {
		const calls: string[] = [];
		const d = debounce((text: string) => calls.push(text), 30);
		d('a');
		d('ab');
		d('abc');
		assert.deepEqual(calls, []);
		await sleep(60);
		assert.deepEqual(calls, ['abc']);
	});

	it('debounce flush runs a pending call now; cancel drops it', async () => {
		const calls: string[] = [];
		const d = debounce((text: string) => calls.push(text), 30);
		d('x');
		d.flush();
		assert.deepEqual(calls, ['x']);
		d('y');
		d.cancel();
		await sleep(50);
		assert.deepEqual(calls, ['x']);
	});

	it('throttle calls at once, then at most once per interval with the latest value', async () => {
		let now = 0;
		const calls: number[] = [];
		const t = throttle((n: number) => calls.push(n), 250, () => now);
		t(1);
		assert.deepEqual(calls, [1]);
		t(2);
		t(3);
		assert.deepEqual(calls, [1]);
		now = 250;
		await sleep(300);
		assert.deepEqual(calls, [1, 3]);
	});
});
