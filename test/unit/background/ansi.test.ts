import * as assert from 'node:assert/strict';
import { collapseCarriageReturns, plainText, stripAnsi } from '../../../src/background';

describe('ANSI and plain text', () => {
	it('strips colours, cursor moves, titles and hyperlinks', () => {
		assert.equal(stripAnsi('\u001b[1;32mok\u001b[0m \u001b[2K\u001b[1Gdone'), 'ok done');
		assert.equal(stripAnsi('\u001b]0;title\u0007x\u001b]8;;http://a\u001b\\link\u001b]8;;\u001b\\'), 'xlink');
		assert.equal(stripAnsi('\u001b(Bplain\u0007'), 'plain');
		assert.equal(stripAnsi('nothing to do\n'), 'nothing to do\n');
	});

	it('keeps what a redrawn line said last', () => {
		assert.equal(collapseCarriageReturns('10%\r50%\r100%\ndone\r\n'), '100%\ndone\n');
		assert.equal(collapseCarriageReturns('a\r'), 'a');
		assert.equal(plainText('\u001b[32m1/3\r2/3\r3/3\u001b[0m\n'), '3/3\n');
	});
});
