import * as assert from 'node:assert/strict';
import { collapseCarriageReturns, describeShell, formatOutput, getShell, lastLines, plainText, stripAnsi } from '../../../src/background';
import { taskEnvironment } from '../../../src/background/environment';
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

	it('shrink keeps only the newest text', () => {
		const buffer = new OutputBuffer(100);
		buffer.append('x'.repeat(50) + 'tail');
		buffer.shrink(4);
		assert.equal(buffer.text(), 'tail');
		buffer.append('++');
		assert.equal(buffer.text(), 'il++');
	});
});

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

	it('lastLines and formatOutput cut to the newest lines and characters', () => {
		assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc\n');
		assert.equal(lastLines('a\nb\nc', 2), 'b\nc');
		assert.equal(lastLines('a\nb', 5), 'a\nb');
		assert.equal(lastLines('a\nb', 0), '');
		assert.equal(formatOutput('\u001b[31mred\u001b[0m\nx\n', { maxLines: 1 }), 'x\n');
		assert.equal(formatOutput('\u001b[31mred\u001b[0m', { keepAnsi: true, maxChars: 4 }), '\u001b[0m');
	});
});

describe('environment and shell', () => {
	it('removes ANTHROPIC_ variables of any case from both sources', () => {
		const environment = taskEnvironment({ ANTHROPIC_API_KEY: 'k', PATH: '/bin', anthropic_x: 'y' }, { Anthropic_Model: 'm', EXTRA: 'e' });
		assert.deepEqual(environment, { PATH: '/bin', EXTRA: 'e' });
	});

	it('uses PowerShell on Windows and bash or sh elsewhere', () => {
		const windows = getShell('win32', '');
		assert.equal(windows.name, 'powershell');
		assert.deepEqual(windows.invocation('dir').args, ['-NoProfile', '-NonInteractive', '-Command', 'dir']);
		assert.match(describeShell('win32', ''), /PowerShell/);
		if (process.platform !== 'win32') {
			const shell = getShell();
			assert.ok(shell.name === 'bash' || shell.name === 'sh');
			assert.deepEqual(shell.invocation('ls').args, ['-c', 'ls']);
			assert.match(describeShell(), /^(bash|sh) \(`(bash|sh) -c`, stdin closed\)$/);
		}
	});
});
