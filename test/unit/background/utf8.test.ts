import * as assert from 'node:assert/strict';
import { completeUtf8Length, utf8RemnantLength } from '../../../src/background/utf8';

/** One, two, three and four bytes per character, each between ASCII neighbours and next to each other. */
const text = 'a\u00e9b\u20acc\u{1f600}d\u65e5\u00e9\u{1f600}\u20ac\u65e5\n';
const bytes = Buffer.from(text, 'utf8');

/** The byte offsets between characters, 0 and the end included. */
function boundaries(): number[] {
	const offsets = [0];
	let offset = 0;
	for (const character of text) {
		offset += Buffer.byteLength(character, 'utf8');
		offsets.push(offset);
	}
	return offsets;
}

describe('utf8', () => {
	it('completeUtf8Length ends every cut at the last whole character', () => {
		const offsets = boundaries();
		for (let cut = 0; cut <= bytes.length; cut++) {
			const expected = Math.max(...offsets.filter((offset) => offset <= cut));
			assert.equal(completeUtf8Length(bytes.subarray(0, cut)), expected, `cut at byte ${cut}`);
		}
	});

	it('utf8RemnantLength starts every cut at the next whole character', () => {
		const offsets = boundaries();
		for (let cut = 0; cut <= bytes.length; cut++) {
			const expected = Math.min(...offsets.filter((offset) => offset >= cut)) - cut;
			const rest = bytes.subarray(cut);
			assert.equal(utf8RemnantLength(rest), expected, `cut at byte ${cut}`);
			assert.doesNotMatch(rest.subarray(utf8RemnantLength(rest)).toString('utf8'), /\ufffd/);
		}
	});

	it('gives up after three continuation bytes, which no valid character has', () => {
		const continuations = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x61]);
		assert.equal(utf8RemnantLength(continuations), 3);
		assert.equal(completeUtf8Length(continuations.subarray(0, 4)), 4, 'no lead byte within reach: nothing to wait for');
		assert.equal(completeUtf8Length(Buffer.from([0x61, 0xff])), 1, 'an invalid lead byte waits like the lead of four');
		assert.equal(completeUtf8Length(Buffer.alloc(0)), 0);
		assert.equal(utf8RemnantLength(Buffer.alloc(0)), 0);
	});
});
