import * as assert from 'node:assert/strict';
import { isSameProcess, parseListeningSockets, parsePsTable, parseResidentBytes, parseStat, processStartTime } from '../../../src/background/procfs';

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
