import * as assert from 'node:assert/strict';
import { joinAdjacent, operand, partOf, quotedText, unquotedWord, wordValue, type WordPiece } from '../../../../src/agent/approval/words';

/** A piece of plain text, its value its text. */
const piece = (start: number, text: string): WordPiece => ({ start, end: start + text.length, text, value: text });
/** A piece holding an expansion: no value. */
const expansion = (start: number, text: string): WordPiece => ({ start, end: start + text.length, text, value: undefined });

describe('words', () => {
	it('joins pieces with no blank between them into one word, in order', () => {
		const words = joinAdjacent([piece(6, 'b'), piece(0, 'echo'), piece(5, 'a'), expansion(8, '"$x"')]);
		assert.deepEqual(
			words.map((word) => [word.text, word.value]),
			[
				['echo', 'echo'],
				['ab', 'ab'],
				['"$x"', undefined],
			],
		);
	});

	it('gives a joined word no value when a piece of it has none', () => {
		const [word] = joinAdjacent([piece(0, 'a'), expansion(1, '$(id)'), piece(6, 'b')]);
		assert.equal(word.text, 'a$(id)b');
		assert.equal(word.value, undefined);
		assert.equal(wordValue(word), 'a$(id)b');
	});

	it('reads the parts of a word as quoted as the word, and no shell word of their own', () => {
		assert.equal(partOf(unquotedWord), operand);
		assert.equal(partOf(quotedText), quotedText);
	});
});
