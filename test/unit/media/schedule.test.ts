import assert from 'node:assert/strict';
import { debounce, taskYielder, throttle } from '../../../media/schedule';

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

	it('taskYielder prefers scheduler.postTask', async () => {
		const priorities: unknown[] = [];
		const scheduler = {
			postTask: (callback: () => void, options?: { priority?: string }) => {
				priorities.push(options?.priority);
				return Promise.resolve().then(callback);
			},
		};
		const calls: number[] = [];
		const yieldTask = taskYielder({ scheduler, MessageChannel: undefined });
		yieldTask(() => calls.push(1));
		yieldTask(() => calls.push(2));
		assert.deepEqual(calls, []);
		await sleep(0);
		assert.deepEqual(calls, [1, 2]);
		assert.deepEqual(priorities, ['user-visible', 'user-visible']);
	});

	it('taskYielder falls back to one MessageChannel, in order', async () => {
		let channels = 0;
		class FakeChannel {
			port1: { onmessage: ((event: unknown) => void) | null } = { onmessage: null };
			port2 = { postMessage: () => setTimeout(() => this.port1.onmessage?.({}), 0) };
			constructor() {
				channels++;
			}
		}
		const calls: number[] = [];
		const yieldTask = taskYielder({ MessageChannel: FakeChannel });
		yieldTask(() => calls.push(1));
		yieldTask(() => calls.push(2));
		assert.deepEqual(calls, []);
		await sleep(10);
		assert.deepEqual(calls, [1, 2]);
		assert.equal(channels, 1);
	});

	it('taskYielder falls back to setTimeout without either', async () => {
		const calls: number[] = [];
		taskYielder({})(() => calls.push(1));
		assert.deepEqual(calls, []);
		await sleep(10);
		assert.deepEqual(calls, [1]);
	});
});
