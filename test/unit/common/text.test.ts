import * as assert from 'node:assert/strict';
import { isWellFormed, sliceCodePoints, takeEnd, takeStart, toWellFormed } from '../../../src/common/text';

const rocket = '\u{1F680}';

/** Every cut of `text` at every length: none may hold a lone surrogate. */
function everyCut(text: string, cut: (text: string, count: number) => string): string[] {
	const results: string[] = [];
	for (let count = 0; count <= text.length + 1; count++) {
		results.push(cut(text, count));
	}
	return results;
}

describe('cutting text between code points (src/common/text)', () => {
	const samples = [rocket.repeat(7), `a${rocket.repeat(5)}`, `${rocket}b${rocket}cc${rocket}`, 'plain ascii', '日本語のテキスト', `mixed ${rocket} and 𝄞 clef`];

	it('takeStart never ends inside a surrogate pair, and keeps at most the count', () => {
		for (const text of samples) {
			for (const [count, cut] of everyCut(text, takeStart).entries()) {
				assert.ok(isWellFormed(cut), `takeStart(${JSON.stringify(text)}, ${count}) = ${JSON.stringify(cut)}`);
				assert.ok(cut.length <= count, 'no more than asked');
				assert.ok(text.startsWith(cut));
				assert.ok(cut.length >= Math.min(text.length, count) - 1, 'at most one unit short');
			}
		}
	});

	it('takeEnd never starts inside a surrogate pair, and keeps at most the count', () => {
		for (const text of samples) {
			for (const [count, cut] of everyCut(text, takeEnd).entries()) {
				assert.ok(isWellFormed(cut), `takeEnd(${JSON.stringify(text)}, ${count}) = ${JSON.stringify(cut)}`);
				assert.ok(cut.length <= count);
				assert.ok(text.endsWith(cut));
				assert.ok(cut.length >= Math.min(text.length, count) - 1);
			}
		}
	});

	it('sliceCodePoints moves both ends off a pair', () => {
		const text = rocket.repeat(6);
		for (let start = 0; start <= text.length; start++) {
			for (let end = start; end <= text.length; end++) {
				const cut = sliceCodePoints(text, start, end);
				assert.ok(isWellFormed(cut), `slice ${start}..${end}`);
				assert.ok(text.includes(cut));
			}
		}
		assert.equal(sliceCodePoints('abcdef', 1, 4), 'bcd');
		assert.equal(sliceCodePoints('abc', 2, 1), '');
	});

	it('toWellFormed replaces lone surrogates with U+FFFD and leaves pairs alone', () => {
		assert.equal(toWellFormed(rocket), rocket);
		assert.equal(toWellFormed('\ud83d'), '\ufffd');
		assert.equal(toWellFormed('\ude80x'), '\ufffdx');
		assert.equal(toWellFormed(`a\ud83d${rocket}\ude80b`), `a\ufffd${rocket}\ufffdb`);
		assert.equal(toWellFormed('nothing odd'), 'nothing odd');
		// What leaves for the API: JSON of a well-formed string has no \\udXXX escapes.
		assert.doesNotMatch(JSON.stringify(toWellFormed(`${rocket.slice(1)}${rocket.repeat(3)}${rocket.slice(0, 1)}`)), /\\ud[89a-f]/i);
	});

	it('isWellFormed tells a lone surrogate anywhere in the text', () => {
		assert.equal(isWellFormed(rocket.repeat(3)), true);
		assert.equal(isWellFormed(`${rocket}\ud83d`), false);
		assert.equal(isWellFormed(`\ude80${rocket}`), false);
		// A global pattern's lastIndex must not leak between calls.
		assert.equal(isWellFormed('\ud83d'), false);
		assert.equal(isWellFormed('\ud83d'), false);
	});
});
