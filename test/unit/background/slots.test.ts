import * as assert from 'node:assert/strict';
import { Slots } from '../../../src/background/slots';

describe('Slots', () => {
	it('starts queued items in FIFO order up to the limit, and the next one when a slot is released', () => {
		const slots = new Slots<string>(() => 2);
		const started: string[] = [];
		const start = (item: string) => started.push(item);
		for (const item of ['a', 'b', 'c', 'd']) {
			slots.enqueue(item);
		}
		slots.pump(start);
		assert.deepEqual(started, ['a', 'b']);
		assert.equal(slots.active, 2);
		assert.equal(slots.queued, 2);
		slots.release('b');
		slots.pump(start);
		assert.deepEqual(started, ['a', 'b', 'c']);
		slots.release('a');
		slots.release('c');
		slots.pump(start);
		assert.deepEqual(started, ['a', 'b', 'c', 'd']);
		assert.equal(slots.queued, 0);
	});

	it('reads the limit before every start, and takes anything below 1 as 1', () => {
		let limit = 0;
		const slots = new Slots<number>(() => limit);
		const started: number[] = [];
		[1, 2, 3].forEach((item) => slots.enqueue(item));
		slots.pump((item) => started.push(item));
		assert.deepEqual(started, [1]);
		limit = Number.NaN;
		slots.pump((item) => started.push(item));
		assert.deepEqual(started, [1]);
		limit = 3.7;
		slots.pump((item) => started.push(item));
		assert.deepEqual(started, [1, 2, 3]);
	});

	it('releasing a queued item takes it out of the queue', () => {
		const slots = new Slots<string>(() => 1);
		slots.enqueue('a');
		slots.enqueue('b');
		slots.enqueue('c');
		slots.release('b');
		const started: string[] = [];
		slots.pump((item) => started.push(item));
		slots.release('a');
		slots.pump((item) => started.push(item));
		assert.deepEqual(started, ['a', 'c']);
		slots.release('unknown');
		assert.equal(slots.active, 1);
	});

	it('an item that fails to start frees its slot at once and the loop goes on; a pump from within a start waits for the loop', () => {
		const slots = new Slots<string>(() => 1);
		const started: string[] = [];
		['fails', 'b', 'c'].forEach((item) => slots.enqueue(item));
		slots.pump((item) => {
			started.push(item);
			if (item === 'fails') {
				slots.release(item);
				slots.pump(() => assert.fail('a nested pump starts nothing'));
			}
		});
		assert.deepEqual(started, ['fails', 'b']);
		assert.equal(slots.active, 1);
	});

	it('an item held from elsewhere counts, even beyond the limit', () => {
		const slots = new Slots<string>(() => 1);
		slots.hold('adopted');
		slots.hold('another');
		slots.enqueue('new');
		const started: string[] = [];
		slots.pump((item) => started.push(item));
		assert.equal(started.length, 0);
		slots.release('adopted');
		slots.pump((item) => started.push(item));
		assert.equal(started.length, 0);
		slots.release('another');
		slots.pump((item) => started.push(item));
		assert.deepEqual(started, ['new']);
	});

	it('clearQueue forgets what waits', () => {
		const slots = new Slots<string>(() => 1);
		slots.enqueue('a');
		slots.clearQueue();
		slots.pump(() => assert.fail('nothing to start'));
		assert.equal(slots.queued, 0);
	});
});
