import * as assert from 'node:assert/strict';
import { TaskPorts } from '../../../src/background/ports';

describe('TaskPorts', () => {
	it('adds a port a wait found, sorted and once; undefined when the list stays the same', () => {
		const ports = new TaskPorts();
		assert.deepEqual(ports.addWaited(8080, undefined), [8080]);
		assert.deepEqual(ports.addWaited(3000, [8080]), [3000, 8080]);
		assert.equal(ports.addWaited(3000, [3000, 8080]), undefined);
	});

	it('keeps the ports waits found in every sample, even when detection does not see them', () => {
		const ports = new TaskPorts();
		assert.deepEqual(ports.sampled([5000, 4000, 5000], undefined), [4000, 5000]);
		assert.equal(ports.sampled([], undefined), undefined, 'none before, none now');
		assert.deepEqual(ports.sampled([], [4000]), [], 'gone');
		ports.addWaited(3000, undefined);
		assert.deepEqual(ports.sampled([], undefined), [3000]);
		assert.equal(ports.sampled([3000], [3000]), undefined);
	});
});
