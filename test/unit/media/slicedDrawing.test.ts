import assert from 'node:assert/strict';
import { SlicedDrawing } from '../../../media/slicedDrawing';

interface Item {
	id: string;
	version?: number;
}

/**
 * A drawing whose clock moves only while an item is drawn (`costMs` each), whose yields wait until
 * {@link next} runs them, and which records every draw, slice and finish.
 */
function harness(costMs: number, drawsNothing: string[] = []) {
	let time = 0;
	const yielded: (() => void)[] = [];
	const events: string[] = [];
	const drawing = new SlicedDrawing<Item, string>(
		{
			draw: (item, drawnBefore) => {
				time += costMs;
				events.push(`draw ${item.id} after ${drawnBefore}`);
				return drawsNothing.includes(item.id) ? undefined : `${item.id}${item.version ?? ''}`;
			},
			commit: (drawn) => events.push(`commit ${drawn.join(' ')}`),
			finish: () => events.push('finish'),
		},
		(callback) => yielded.push(callback),
		() => time,
	);
	return {
		drawing,
		events,
		yielded,
		/** Runs the next yielded slice. */
		next(): void {
			yielded.shift()?.();
		},
	};
}

const items = (...ids: string[]): Item[] => ids.map((id) => ({ id }));

describe('media/slicedDrawing', () => {
	it('draws the newest items first: the first slice at once, the others after yielding, each in order', () => {
		const { drawing, events, yielded, next } = harness(4);
		drawing.start(items('a', 'b', 'c', 'd', 'e'));
		// 10 ms a slice at 4 ms an item: three items, then a yield.
		assert.deepEqual(events, ['draw e after 0', 'draw d after 1', 'draw c after 2', 'commit c d e']);
		assert.equal(drawing.waiting, 2);
		assert.equal(yielded.length, 1);
		next();
		assert.deepEqual(events.slice(4), ['draw b after 0', 'draw a after 1', 'commit a b', 'finish']);
		assert.equal(drawing.waiting, 0);
		assert.equal(yielded.length, 0);
	});

	it('draws at least one item a slice, however slow; items that come to nothing do not count', () => {
		const { drawing, events, next } = harness(50, ['c']);
		drawing.start(items('a', 'b', 'c'));
		assert.deepEqual(events, ['draw c after 0', 'draw b after 0', 'commit b']);
		next();
		assert.deepEqual(events.slice(3), ['draw a after 0', 'commit a', 'finish']);
	});

	it('finishes at once with nothing to draw, and commits nothing', () => {
		const { drawing, events, yielded } = harness(1);
		drawing.start([]);
		assert.deepEqual(events, ['finish']);
		assert.equal(yielded.length, 0);
	});

	it('drops what was being drawn when another state starts', () => {
		const { drawing, events, next } = harness(50);
		drawing.start(items('a', 'b', 'c'));
		drawing.start(items('x'));
		assert.deepEqual(events, ['draw c after 0', 'commit c', 'draw x after 0', 'commit x', 'finish']);
		next();
		assert.equal(events.length, 5, 'the first state yielded, and draws nothing more');
		assert.equal(drawing.waiting, 0);
	});

	it('lets updates reach items that wait to be drawn', () => {
		const { drawing, events, next } = harness(50);
		drawing.start(items('a', 'b', 'c'));
		assert.equal(drawing.waiting, 2);
		assert.deepEqual(drawing.find('a'), { id: 'a' });
		assert.equal(drawing.find('c'), undefined, 'already drawn');
		assert.equal(drawing.replace({ id: 'a', version: 2 }), true);
		assert.equal(drawing.replace({ id: 'zz', version: 2 }), false);
		next();
		next();
		assert.deepEqual(events.slice(-2), ['commit a2', 'finish']);
		assert.equal(drawing.find('a'), undefined);
	});
});
