import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { logSize, readLogBytes, readLogSince, readLogTail, utf8BoundaryInFile } from '../../../src/background/logFile';

describe('logFile', () => {
	let folder: string;
	let logPath: string;
	const missing = () => path.join(folder, 'missing.log');

	beforeEach(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-log-file-'));
		logPath = path.join(folder, 'bg-1.log');
		// 'ab' then '€' (three bytes) then 'cd': byte 3 and 4 are inside the euro sign.
		fs.writeFileSync(logPath, 'ab\u20accd');
	});

	afterEach(() => {
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('logSize counts bytes, 0 without a file', () => {
		assert.equal(logSize(logPath), 7);
		assert.equal(logSize(missing()), 0);
	});

	it('readLogTail decodes the newest bytes without half a character at the start', () => {
		assert.equal(readLogTail(logPath, 100), 'ab\u20accd');
		assert.equal(readLogTail(logPath, 5), '\u20accd');
		assert.equal(readLogTail(logPath, 4), 'cd', 'the cut euro sign is skipped');
		assert.equal(readLogTail(logPath, 3), 'cd');
		assert.equal(readLogTail(logPath, 0), '');
		assert.equal(readLogTail(missing(), 10), '');
	});

	it('readLogBytes reads a range, shorter at the end of the file, empty for a missing file', () => {
		assert.deepEqual(readLogBytes(logPath, 1, 2), Buffer.from([0x62, 0xe2]));
		assert.deepEqual(readLogBytes(logPath, 5, 10), Buffer.from('cd'));
		assert.equal(readLogBytes(logPath, 0, 0).length, 0);
		assert.equal(readLogBytes(missing(), 0, 4).length, 0);
	});

	it('utf8BoundaryInFile moves a position inside a character to its end', () => {
		assert.equal(utf8BoundaryInFile(logPath, 0), 0);
		assert.equal(utf8BoundaryInFile(logPath, 2), 2);
		assert.equal(utf8BoundaryInFile(logPath, 3), 5);
		assert.equal(utf8BoundaryInFile(logPath, 4), 5);
		assert.equal(utf8BoundaryInFile(logPath, 5), 5);
		assert.equal(utf8BoundaryInFile(logPath, 7), 7);
		assert.equal(utf8BoundaryInFile(missing(), 3), 3);
	});

	it('readLogSince gives what follows a cursor and counts what the tail no longer holds', () => {
		fs.writeFileSync(logPath, 'abcdefgh');
		assert.deepEqual(readLogSince(logPath, 0, 100), { text: 'abcdefgh', skipped: 0, end: 8 });
		assert.deepEqual(readLogSince(logPath, 0, 4), { text: 'efgh', skipped: 4, end: 8 });
		assert.deepEqual(readLogSince(logPath, 6, 4), { text: 'gh', skipped: 0, end: 8 });
		assert.deepEqual(readLogSince(logPath, 20, 4), { text: '', skipped: 0, end: 8 });
		assert.deepEqual(readLogSince(missing(), 3, 4), { text: '', skipped: 0, end: 0 });
	});

	it('readLogSince counts bytes, as cursors of output in memory do, also for characters of several bytes', () => {
		fs.writeFileSync(logPath, '\u{1F680}a\u{1F680}b');
		assert.deepEqual(readLogSince(logPath, 0, 100), { text: '\u{1F680}a\u{1F680}b', skipped: 0, end: 10 });
		assert.deepEqual(readLogSince(logPath, 5, 100), { text: '\u{1F680}b', skipped: 0, end: 10 });
		assert.deepEqual(readLogSince(logPath, 0, 6), { text: 'a\u{1F680}b', skipped: 4, end: 10 });
		// The tail of 3 bytes starts inside the second rocket: it starts after it, and says what it left out.
		assert.deepEqual(readLogSince(logPath, 0, 3), { text: 'b', skipped: 9, end: 10 });
		// A cursor inside a character skips to the next one.
		assert.deepEqual(readLogSince(logPath, 2, 100), { text: 'a\u{1F680}b', skipped: 2, end: 10 });
		assert.deepEqual(readLogSince(logPath, 10, 100), { text: '', skipped: 0, end: 10 });
	});
});
