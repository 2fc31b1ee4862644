import * as fs from 'node:fs';
import { TextDecoder } from 'node:util';
import { UTF8_REMNANT_PROBE_BYTES, utf8RemnantLength } from './utf8';

/**
 * Raw reads of a task's log file, for tasks whose output is not (or no longer) in memory: a task
 * loaded from disk, one adopted from an earlier window. None of them throws: a log that is missing or
 * cannot be read reads as empty.
 */

/** The log's size in bytes; 0 when there is no file. */
export function logSize(logPath: string): number {
	try {
		return fs.statSync(logPath).size;
	} catch {
		return 0;
	}
}

/** The newest `maxBytes` of a log file, decoded; '' when there is no file. */
export function readLogTail(logPath: string, maxBytes: number): string {
	let descriptor: number | undefined;
	try {
		descriptor = fs.openSync(logPath, 'r');
		const size = fs.fstatSync(descriptor).size;
		const length = Math.min(size, Math.max(0, maxBytes));
		const bytes = Buffer.alloc(length);
		const read = fs.readSync(descriptor, bytes, 0, length, size - length);
		const kept = bytes.subarray(0, read);
		// Starting inside a multi-byte character would decode as U+FFFD: skip its continuation bytes.
		return new TextDecoder('utf-8').decode(kept.subarray(utf8RemnantLength(kept)));
	} catch {
		return '';
	} finally {
		if (descriptor !== undefined) {
			fs.closeSync(descriptor);
		}
	}
}

/**
 * The output after `cursor` as the log's newest `maxBytes` tell it: the tail stands for the output,
 * the bytes before it for what memory dropped. Cursors count bytes of the log, as they count bytes of
 * the output of a task in memory; `end` is the cursor to pass next time.
 */
export function readLogSince(logPath: string, cursor: number, maxBytes: number): { text: string; skipped: number; end: number } {
	const size = logSize(logPath);
	const tailStart = utf8BoundaryInFile(logPath, Math.max(0, size - Math.max(0, maxBytes)));
	const from = Math.min(size, Math.max(tailStart, Math.floor(cursor)));
	const bytes = readLogBytes(logPath, from, size - from);
	// A cursor inside a character (it cannot come from here, but callers pass what they like) starts after it.
	const remnant = utf8RemnantLength(bytes);
	const skipped = Math.max(0, tailStart - Math.max(0, cursor)) + remnant;
	return { text: new TextDecoder('utf-8').decode(bytes.subarray(remnant)), skipped, end: size };
}

/** Up to `length` bytes of a file from `offset`; fewer if the file is shorter or cannot be read. */
export function readLogBytes(filePath: string, offset: number, length: number): Buffer {
	if (length <= 0) {
		return Buffer.alloc(0);
	}
	let descriptor: number | undefined;
	try {
		descriptor = fs.openSync(filePath, 'r');
		const bytes = Buffer.alloc(length);
		return bytes.subarray(0, fs.readSync(descriptor, bytes, 0, length, offset));
	} catch {
		return Buffer.alloc(0);
	} finally {
		if (descriptor !== undefined) {
			fs.closeSync(descriptor);
		}
	}
}

/** A position at or just after `offset` that does not fall inside a UTF-8 character of the file. */
export function utf8BoundaryInFile(filePath: string, offset: number): number {
	if (offset <= 0) {
		return 0;
	}
	const probe = readLogBytes(filePath, offset, UTF8_REMNANT_PROBE_BYTES);
	return offset + utf8RemnantLength(probe);
}
