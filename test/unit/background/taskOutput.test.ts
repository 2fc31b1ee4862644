import * as assert from 'node:assert/strict';
import { TaskOutput } from '../../../src/background/taskOutput';
import { completeUtf8Length } from '../../../src/background/utf8';

const noFlow = { pause: () => undefined, resume: () => undefined };

describe('TaskOutput: the output fast path', () => {
	it('holds back a character split across chunks until its end arrives', () => {
		const euro = Buffer.from('€', 'utf8');
		assert.equal(euro.length, 3);
		assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)])), 2);
		assert.equal(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro])), 5);
		const output = new TaskOutput(1024, undefined, noFlow);
		output.push(Buffer.concat([Buffer.from('price: '), euro.subarray(0, 1)]), 'stdout');
		output.push(euro.subarray(1, 2), 'stdout');
		output.push(Buffer.concat([euro.subarray(2), Buffer.from(' 5\n')]), 'stdout');
		assert.equal(output.text(), 'price: € 5\n');
	});

	it('keeps a split character of stdout whole when a chunk of stderr comes in between', () => {
		const snowman = Buffer.from('☃', 'utf8');
		const output = new TaskOutput(1024, undefined, noFlow);
		output.push(snowman.subarray(0, 1), 'stdout');
		output.push(Buffer.from('err\n'), 'stderr');
		output.push(snowman.subarray(1), 'stdout');
		assert.equal(output.text(), 'err\n☃');
	});

	it('joins a split character to a long next chunk without decoding, also with stderr in between', () => {
		const check = Buffer.from('✓', 'utf8');
		const output = new TaskOutput(1024, undefined, noFlow);
		assert.equal(output.push(Buffer.concat([Buffer.from('ok '), check.subarray(0, 2)]), 'stdout', false), '');
		output.push(Buffer.from('err\n'), 'stderr', false);
		output.push(Buffer.concat([check.subarray(2), Buffer.from(' passed\nnext '), check.subarray(0, 1)]), 'stdout', false);
		output.push(Buffer.concat([check.subarray(1), Buffer.from(' done\n')]), 'stdout', false);
		assert.equal(output.text(), 'ok err\n✓ passed\nnext ✓ done\n');
		assert.equal(output.bytes, output.totalLength);
	});

	it('turns invalid bytes into replacement characters, also a split character that never ends', async () => {
		const output = new TaskOutput(1024, undefined, noFlow);
		output.push(Buffer.from([0x6f, 0x6b, 0xff, 0x0a]), 'stdout');
		output.push(Buffer.from([0xe2, 0x82]), 'stdout');
		await output.finish();
		assert.equal(output.text(), 'ok\ufffd\n\ufffd');
	});
});
