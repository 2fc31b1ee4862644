import * as assert from 'node:assert/strict';
import { MAX_FINISHED_TASKS, Retention, finishedBeyondLimit, type RetainedTask } from '../../../src/background/retention';

class FakeTask implements RetainedTask {
	shrunkTo: number | undefined;

	constructor(
		readonly id: string,
		readonly isFinal = true,
		readonly hasOutput = true,
	) {}

	shrinkOutput(maxBytes: number): void {
		this.shrunkTo = maxBytes;
	}
}

describe('retention', () => {
	it('the ten newest finished tasks keep their whole tail; older ones a short one', () => {
		const retention = new Retention<FakeTask>();
		const tasks = Array.from({ length: 12 }, (_, index) => new FakeTask(`bg-${index + 1}`));
		tasks.forEach((task) => retention.keep(task));
		assert.deepEqual(
			tasks.filter((task) => task.shrunkTo !== undefined).map((task) => task.id),
			['bg-1', 'bg-2'],
		);
		assert.equal(tasks[0].shrunkTo, 65_536);
	});

	it('a task without output in memory, or one removed, takes no place among the ten', () => {
		const retention = new Retention<FakeTask>();
		const removed = new FakeTask('bg-0');
		retention.keep(removed);
		retention.forget(removed);
		retention.keep(new FakeTask('bg-loaded', true, false));
		const tasks = Array.from({ length: 10 }, (_, index) => new FakeTask(`bg-${index + 1}`));
		tasks.forEach((task) => retention.keep(task));
		assert.equal(removed.shrunkTo, undefined);
		assert.ok(tasks.every((task) => task.shrunkTo === undefined));
	});

	it('removes the oldest finished tasks beyond the limit, never running ones or those whose notice waits', () => {
		const tasks = [new FakeTask('bg-1'), new FakeTask('bg-2', false), new FakeTask('bg-3'), new FakeTask('bg-4'), new FakeTask('bg-5')];
		const pending = new Set(['bg-3']);
		assert.deepEqual(
			finishedBeyondLimit(tasks, (id) => pending.has(id), 1).map((task) => task.id),
			['bg-1', 'bg-4'],
		);
		assert.deepEqual(finishedBeyondLimit(tasks, () => false, 10), []);
		assert.equal(MAX_FINISHED_TASKS, 200);
	});
});
