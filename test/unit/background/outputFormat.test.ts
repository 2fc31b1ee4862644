import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatOutput, lastLines } from '../../../src/background';
import { NOTICE_TAIL_LINES, noticeTail } from '../../../src/background/outputFormat';
import { TaskOutput } from '../../../src/background/taskOutput';

const noFlow = { pause: () => undefined, resume: () => undefined };

function numbers(from: number, to: number): string {
	let text = '';
	for (let number = from; number <= to; number++) {
		text += `${number}\n`;
	}
	return text;
}

describe('output formatting', () => {
	it('lastLines and formatOutput cut to the newest lines and characters', () => {
		assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc\n');
		assert.equal(lastLines('a\nb\nc', 2), 'b\nc');
		assert.equal(lastLines('a\nb', 5), 'a\nb');
		assert.equal(lastLines('a\nb', 0), '');
		assert.equal(formatOutput('\u001b[31mred\u001b[0m\nx\n', { maxLines: 1 }), 'x\n');
		assert.equal(formatOutput('\u001b[31mred\u001b[0m', { keepAnsi: true, maxChars: 4 }), '\u001b[0m');
	});

	describe('noticeTail', () => {
		it('carries the last lines of the output in memory, ANSI codes stripped', () => {
			const output = new TaskOutput(1024 * 1024, undefined, noFlow);
			output.push(Buffer.from(`\u001b[32m${numbers(1, 100)}\u001b[0m`), 'stdout');
			assert.equal(noticeTail(output, 'no log'), numbers(101 - NOTICE_TAIL_LINES, 100));
		});

		it('reads the log when the output is not in memory (a task loaded from disk)', () => {
			const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-notice-'));
			try {
				const logPath = path.join(folder, 'bg-1.log');
				fs.writeFileSync(logPath, numbers(1, 100));
				assert.equal(noticeTail(undefined, logPath), numbers(101 - NOTICE_TAIL_LINES, 100));
				assert.equal(noticeTail(undefined, path.join(folder, 'missing.log')), '');
			} finally {
				fs.rmSync(folder, { recursive: true, force: true });
			}
		});

		it('adds the last lines of stderr when later stdout pushed them out of the tail, and only then', () => {
			const output = new TaskOutput(1024 * 1024, undefined, noFlow);
			output.push(Buffer.from('ERROR: the real failure\n'), 'stderr');
			output.push(Buffer.from(numbers(1, 500)), 'stdout');
			assert.equal(noticeTail(output, 'no log'), `${numbers(501 - NOTICE_TAIL_LINES, 500)}\n--- the last lines written to stderr ---\nERROR: the real failure`);
			const inTail = new TaskOutput(1024 * 1024, undefined, noFlow);
			inTail.push(Buffer.from(numbers(1, 5)), 'stdout');
			inTail.push(Buffer.from('ERROR: at the end\n'), 'stderr');
			assert.equal(noticeTail(inTail, 'no log'), `${numbers(1, 5)}ERROR: at the end\n`);
		});
	});
});
