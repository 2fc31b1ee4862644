import * as assert from 'node:assert/strict';
import { OutputBuffer } from '../../../src/background/outputBuffer';

describe('OutputBuffer', () => {
	it('keeps the newest text up to its capacity', () => {
		const buffer = new OutputBuffer(10);
		buffer.append('abcdef');
		buffer.append('ghijkl');
		assert.equal(buffer.text(), 'cdefghijkl');
		assert.equal(buffer.length, 10);
		assert.equal(buffer.droppedLength, 2);
		buffer.append('0123456789XYZ');
		assert.equal(buffer.text(), '3456789XYZ');
		assert.equal(buffer.tail(3), 'XYZ');
	});

	it('stays within capacity under many small appends and keeps few pieces', () => {
		const buffer = new OutputBuffer(100_000);
		let all = '';
		for (let index = 0; index < 50_000; index++) {
			const piece = `${index},`;
			buffer.append(piece);
			all += piece;
		}
		assert.equal(buffer.length, 100_000);
		assert.equal(buffer.text(), all.slice(-100_000));
		assert.equal(buffer.tail(7), all.slice(-7));
	});

	it('since a cursor returns what came after it and counts what was dropped', () => {
		const buffer = new OutputBuffer(5);
		buffer.append('abc');
		assert.deepEqual(buffer.since(0), { text: 'abc', skipped: 0 });
		const cursor = buffer.totalLength;
		buffer.append('defgh');
		assert.deepEqual(buffer.since(cursor), { text: 'defgh', skipped: 0 });
		buffer.append('ij');
		assert.deepEqual(buffer.since(cursor), { text: 'fghij', skipped: 2 });
		assert.deepEqual(buffer.since(buffer.totalLength), { text: '', skipped: 0 });
	});

	it('holds the newest bytes of multi-byte text across wrap-arounds, skipping a cut character', () => {
		const alphabet = ['a', 'é', '日', '😀', '\n', '\u001b[31m'];
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		for (const capacity of [1, 5, 64, 4097, 10_000]) {
			const buffer = new OutputBuffer(capacity);
			let all = '';
			for (let round = 0; round < 300; round++) {
				let piece = '';
				const length = Math.floor(random() * (round % 50 === 0 ? 9000 : 40));
				for (let index = 0; index < length; index++) {
					piece += alphabet[Math.floor(random() * alphabet.length)];
				}
				buffer.append(piece);
				all += piece;
				const bytes = Buffer.from(all);
				let kept = bytes.subarray(Math.max(0, bytes.length - capacity));
				while (kept.length > 0 && (kept[0] & 0xc0) === 0x80) {
					kept = kept.subarray(1);
				}
				assert.equal(buffer.text(), kept.toString('utf8'));
				assert.equal(buffer.totalLength, bytes.length);
				assert.ok(buffer.length <= capacity);
			}
		}
	});

	it('skip counts output never held, so positions go on counting all of it', () => {
		const buffer = new OutputBuffer(8);
		buffer.skip(100);
		buffer.append('abc');
		assert.equal(buffer.totalLength, 103);
		assert.deepEqual(buffer.since(0), { text: 'abc', skipped: 100 });
		assert.deepEqual(buffer.since(101), { text: 'bc', skipped: 0 });
		assert.throws(() => buffer.skip(1));
	});

	it('shrink keeps only the newest text', () => {
		const buffer = new OutputBuffer(100);
		buffer.append('x'.repeat(50) + 'tail');
		buffer.shrink(4);
		assert.equal(buffer.text(), 'tail');
		buffer.append('++');
		assert.equal(buffer.text(), 'il++');
	});
});
