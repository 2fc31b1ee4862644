import * as assert from 'node:assert/strict';
import { CopySlabs } from '../../../src/background/copySlabs';

/** A chunk of `length` bytes, all `value`. */
const chunk = (length: number, value: number) => Buffer.alloc(length, value);
/** Every byte of `bytes` is `value`. */
const allAre = (bytes: Buffer, value: number) => bytes.equals(chunk(bytes.length, value));

describe('CopySlabs', () => {
	it('keeps every copy intact until it is released, whatever order releases come in', () => {
		const slabs = new CopySlabs();
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const held: { value: number; copy: { bytes: Buffer; release: () => void } }[] = [];
		for (let index = 0; index < 5000; index++) {
			const value = index % 251;
			const source = chunk(1 + Math.floor(random() * 200_000), value);
			held.push({ value, copy: slabs.copy(source) });
			// The caller's memory is reused at once, as a pipe's read buffer is.
			source.fill(255);
			// Writes finish out of order, some much later than others.
			while (held.length > 0 && random() < 0.6) {
				const [done] = held.splice(Math.floor(random() * held.length), 1);
				assert.ok(
					allAre(done.copy.bytes, done.value),
					`copy of value ${done.value} was overwritten before its release`,
				);
				done.copy.release();
			}
		}
		for (const { value, copy } of held) {
			assert.ok(allAre(copy.bytes, value));
			copy.release();
		}
	});

	it('reuses its memory once writes are done (a flood does not take fresh memory per chunk)', () => {
		const slabs = new CopySlabs();
		const buffers = new Set<ArrayBufferLike>();
		for (let index = 0; index < 1000; index++) {
			const copy = slabs.copy(chunk(64 * 1024, 1));
			buffers.add(copy.bytes.buffer);
			copy.release();
		}
		assert.ok(buffers.size <= 2, `${buffers.size} slabs for 1000 chunks written one after another`);
	});

	it('gives a chunk larger than a quarter slab memory of its own, and tolerates a second release', () => {
		const slabs = new CopySlabs();
		const big = slabs.copy(chunk(600 * 1024, 3));
		assert.equal(big.bytes.length, 600 * 1024);
		assert.ok(allAre(big.bytes, 3));
		big.release();
		const small = slabs.copy(chunk(10, 4));
		small.release();
		small.release();
		const next = slabs.copy(chunk(10, 5));
		const other = slabs.copy(chunk(10, 6));
		assert.ok(allAre(next.bytes, 5));
		assert.ok(allAre(other.bytes, 6));
	});
});
