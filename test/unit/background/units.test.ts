import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collapseCarriageReturns, describeShell, formatOutput, getShell, lastLines, plainText, stripAnsi } from '../../../src/background';
import { taskEnvironment } from '../../../src/background/environment';
import { OutputBuffer } from '../../../src/background/outputBuffer';
import { isSameProcess, parseListeningSockets, parsePsTable, parseResidentBytes, parseStat, processStartTime } from '../../../src/background/procfs';
import { parseSupervisorSpec, readSupervisorState, writeJsonAtomically } from '../../../src/background/supervised/protocol';
import { LineMatcher, MAX_LINE_CHARS, compilePattern } from '../../../src/background/waiting';

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

	it('removes ELECTRON_RUN_AS_NODE, which would turn Electron apps the command starts into Node.js', () => {
		assert.deepEqual(taskEnvironment({ ELECTRON_RUN_AS_NODE: '1', VSCODE_IPC_HOOK_CLI: 'kept' }, undefined), { VSCODE_IPC_HOOK_CLI: 'kept' });
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

describe('process and socket tables', () => {
	it('parseStat reads group, CPU time and start time, also when the command name has spaces and parentheses', () => {
		const text = '4242 (my (odd) name) S 1 4200 4200 0 -1 4194560 100 0 0 0 150 25 3 4 20 0 1 0 98765 3133440 411 18446744073709551615';
		assert.deepEqual(parseStat(text), { pid: 4242, pgid: 4200, cpuTicks: 175, startTicks: 98765 });
		assert.equal(parseStat('garbage'), undefined);
	});

	it('parseResidentBytes reads VmRSS in bytes, 0 without it', () => {
		assert.equal(parseResidentBytes('Name:\tnode\nVmRSS:\t   12345 kB\nVmSwap:\t0 kB\n'), 12345 * 1024);
		assert.equal(parseResidentBytes('Name:\tkthreadd\n'), 0);
	});

	it('parseListeningSockets keeps only sockets in LISTEN state, IPv4 and IPv6', () => {
		const tcp = [
			'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
			'   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0000000000000000 100 0 0 10 0',
			'   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0000000000000000 20 4 30 10 -1',
		].join('\n');
		const tcp6 = [
			'  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
			'   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 333 1 0000000000000000 100 0 0 10 0',
		].join('\n');
		const sockets = parseListeningSockets(tcp6, parseListeningSockets(tcp));
		assert.deepEqual([...sockets], [
			['111', 8080],
			['333', 3000],
		]);
	});

	it('parsePsTable reads pid, group, memory and CPU from ps', () => {
		assert.deepEqual(parsePsTable('  101   100   2048   12.5\n  102   100    512    0.0\nbad line\n'), [
			{ pid: 101, pgid: 100, residentBytes: 2048 * 1024, cpuPercent: 12.5 },
			{ pid: 102, pgid: 100, residentBytes: 512 * 1024, cpuPercent: 0 },
		]);
	});

	it('a process is the same only with the same start time, and this one has one where the platform can tell', () => {
		const startTime = processStartTime(process.pid);
		if (process.platform === 'linux' || process.platform === 'darwin') {
			assert.ok(startTime);
		}
		assert.equal(isSameProcess(process.pid, startTime), true);
		assert.equal(isSameProcess(process.pid, 'another start'), process.platform !== 'linux' && process.platform !== 'darwin');
		assert.equal(isSameProcess(undefined, startTime), false);
	});
});

describe('LineMatcher', () => {
	it('matches whole lines fed in pieces, and only the new text is looked at', () => {
		const matcher = new LineMatcher(/^ready in \d+ ms$/);
		assert.equal(matcher.push('building\nready in '), undefined);
		assert.equal(matcher.hasPartial, true);
		assert.equal(matcher.matchPartial(), undefined);
		assert.equal(matcher.push('12'), undefined);
		assert.equal(matcher.push(' ms\r\nmore\n'), 'ready in 12 ms');
	});

	it('strips ANSI codes and keeps what a redrawn line said last', () => {
		const matcher = new LineMatcher(/^100%$/);
		assert.equal(matcher.push('\u001b[1m 50%\r100%\u001b[0m\n'), '100%');
	});

	it('keeps only the end of a line that never ends', () => {
		const matcher = new LineMatcher(/tail$/);
		matcher.push('x'.repeat(MAX_LINE_CHARS * 3));
		assert.equal(matcher.push('tail\n')?.length, MAX_LINE_CHARS + 'tail'.length, 'the kept end, then what completed the line');
	});

	it('compilePattern says what is wrong with an invalid pattern', () => {
		assert.throws(() => compilePattern('(unclosed'), /"\(unclosed" is not a valid regular expression/);
		assert.equal(compilePattern('a+').test('caat'), true);
	});
});

describe('supervisor protocol', () => {
	it('reads a state file field by field and rejects what is not one', () => {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-state-'));
		try {
			const file = path.join(folder, 'bg-1.state.json');
			writeJsonAtomically(file, { version: 1, status: 'exited', supervisorPid: 5, pid: 6, pgid: 6, exitCode: 7, signal: null, stopped: true, extra: 'x' });
			assert.deepEqual(readSupervisorState(file), {
				version: 1,
				status: 'exited',
				supervisorPid: 5,
				supervisorStartTime: undefined,
				pid: 6,
				pgid: 6,
				startTime: undefined,
				startedAt: undefined,
				exitCode: 7,
				signal: null,
				exitUnknown: undefined,
				error: undefined,
				stopped: true,
				endedAt: undefined,
			});
			assert.deepEqual(fs.readdirSync(folder), ['bg-1.state.json'], 'no temporary file is left');
			fs.writeFileSync(file, '{"status": "sleeping", "supervisorPid": 5}');
			assert.equal(readSupervisorState(file), undefined);
			assert.equal(readSupervisorState(path.join(folder, 'missing.json')), undefined);
		} finally {
			fs.rmSync(folder, { recursive: true, force: true });
		}
	});

	it('accepts spawn and pipes specs with what each needs, and nothing else', () => {
		const base = { version: 1, id: 'bg-1', logPath: 'l', statePath: 's', logMaxBytes: 10, killGraceMilliseconds: 100 };
		assert.equal(parseSupervisorSpec(JSON.stringify({ ...base, mode: 'spawn', invocation: { file: 'sh', args: ['-c', 'x'] }, cwd: '/', env: {} })).mode, 'spawn');
		assert.equal(parseSupervisorSpec(JSON.stringify({ ...base, mode: 'pipes', pid: 12 })).pid, 12);
		assert.throws(() => parseSupervisorSpec(JSON.stringify({ ...base, mode: 'spawn' })), /invocation/);
		assert.throws(() => parseSupervisorSpec(JSON.stringify({ ...base, mode: 'pipes' })), /pid/);
		assert.throws(() => parseSupervisorSpec('[]'), /not a supervisor spec/);
	});
});
