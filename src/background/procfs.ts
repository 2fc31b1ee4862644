import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * What the operating system tells about processes: who is alive (and still the same process), which
 * processes form a task's group, their CPU time and memory, and the TCP ports they listen on.
 *
 * Linux reads /proc. macOS gets start times and resources from `ps` (no ports). Elsewhere, Windows
 * included, only whether a pid exists.
 */

/** One process as /proc/<pid>/stat describes it. */
export interface ProcessStat {
	readonly pid: number;
	readonly pgid: number;
	/** User plus system CPU time, in clock ticks. */
	readonly cpuTicks: number;
	/** When it started, in clock ticks after boot. */
	readonly startTicks: number;
}

/**
 * Clock ticks per second for the times in /proc. Node cannot ask sysconf(_SC_CLK_TCK); it has been 100
 * (USER_HZ) on every Linux architecture for a long time, whatever the kernel's internal tick rate.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Parses /proc/<pid>/stat; undefined if it does not look like one. */
export function parseStat(text: string): ProcessStat | undefined {
	// The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
	const close = text.lastIndexOf(')');
	const pid = Number.parseInt(text, 10);
	if (close === -1 || !Number.isSafeInteger(pid)) {
		return undefined;
	}
	// fields[0] is field 3 (the state), so field n is fields[n - 3].
	const fields = text.slice(close + 2).split(' ');
	const pgid = Number(fields[2]);
	const utime = Number(fields[11]);
	const stime = Number(fields[12]);
	const startTicks = Number(fields[19]);
	if (![pgid, utime, stime, startTicks].every(Number.isFinite)) {
		return undefined;
	}
	return { pid, pgid, cpuTicks: utime + stime, startTicks };
}

/** `VmRSS` of /proc/<pid>/status, in bytes; 0 for processes without memory of their own (zombies, kernel threads). */
export function parseResidentBytes(statusText: string): number {
	const match = /^VmRSS:\s+(\d+)\s*kB/m.exec(statusText);
	return match ? Number(match[1]) * 1024 : 0;
}

/** The inodes of listening TCP sockets in /proc/net/tcp or tcp6, with their ports. */
export function parseListeningSockets(text: string, into: Map<string, number> = new Map()): Map<string, number> {
	const lines = text.split('\n');
	// The first line names the columns.
	for (let index = 1; index < lines.length; index++) {
		const fields = lines[index].trim().split(/\s+/);
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …; 0A is LISTEN.
		if (fields.length < 10 || fields[3] !== '0A') {
			continue;
		}
		const port = Number.parseInt(fields[1].slice(fields[1].lastIndexOf(':') + 1), 16);
		if (Number.isInteger(port) && port > 0 && fields[9] !== '0') {
			into.set(fields[9], port);
		}
	}
	return into;
}

/** `ps -A -o pid=,pgid=,rss=,%cpu=` output (macOS): pid, group, resident KiB, CPU percent. */
export function parsePsTable(text: string): { pid: number; pgid: number; residentBytes: number; cpuPercent: number }[] {
	const rows: { pid: number; pgid: number; residentBytes: number; cpuPercent: number }[] = [];
	for (const line of text.split('\n')) {
		const fields = line.trim().split(/\s+/);
		if (fields.length < 4) {
			continue;
		}
		const [pid, pgid, resident, cpu] = fields.map(Number);
		if ([pid, pgid, resident, cpu].every(Number.isFinite)) {
			rows.push({ pid, pgid, residentBytes: resident * 1024, cpuPercent: cpu });
		}
	}
	return rows;
}

/** Whether a process with this pid exists (it may be someone else's). */
export function pidExists(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

let bootId: string | undefined;

/**
 * A string that names when a process started, to tell it from a later process with the same pid:
 * pids are reused. Linux: the boot id and the start time in ticks; macOS: `ps -o lstart`. Undefined
 * when the process does not exist or the platform cannot say.
 */
export function processStartTime(pid: number, platform: NodeJS.Platform = process.platform): string | undefined {
	if (!Number.isSafeInteger(pid) || pid <= 0) {
		return undefined;
	}
	if (platform === 'linux') {
		try {
			const stat = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
			if (!stat) {
				return undefined;
			}
			bootId ??= readBootId();
			return `${bootId}:${stat.startTicks}`;
		} catch {
			return undefined;
		}
	}
	if (platform === 'darwin') {
		const result = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 5000 });
		const text = result.status === 0 ? result.stdout.trim() : '';
		return text.length > 0 ? text : undefined;
	}
	return undefined;
}

function readBootId(): string {
	try {
		return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
	} catch {
		return 'boot';
	}
}

/**
 * Whether `pid` is still the process that had `startTime`. Without a recorded start time (a platform
 * that cannot tell), existence is all there is to go by.
 */
export function isSameProcess(pid: number | undefined, startTime: string | undefined): boolean {
	if (pid === undefined || !pidExists(pid)) {
		return false;
	}
	return startTime === undefined || processStartTime(pid) === startTime;
}

/** Whether any process of the group exists. */
export function groupExists(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The stat of every process (Linux), in one pass over /proc; processes that end meanwhile are left out. */
export async function readProcessTable(): Promise<ProcessStat[]> {
	const names = await fs.promises.readdir('/proc');
	const pids = names.filter((name) => /^\d+$/.test(name));
	const stats: ProcessStat[] = [];
	// A few dozen reads at a time: all at once would queue thousands of requests on libuv's small thread pool.
	const batch = 64;
	for (let index = 0; index < pids.length; index += batch) {
		const texts = await Promise.all(pids.slice(index, index + batch).map((pid) => fs.promises.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')));
		for (const text of texts) {
			const stat = text ? parseStat(text) : undefined;
			if (stat) {
				stats.push(stat);
			}
		}
	}
	return stats;
}

/** Resident memory of a process (Linux); 0 when it cannot be read. */
export async function readResidentBytes(pid: number): Promise<number> {
	try {
		return parseResidentBytes(await fs.promises.readFile(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return 0;
	}
}

/** Seconds since boot (Linux), the clock of `startTicks`. */
export async function readUptimeSeconds(): Promise<number> {
	return Number.parseFloat(await fs.promises.readFile('/proc/uptime', 'utf8'));
}

/** Listening TCP sockets of this network namespace (Linux), IPv4 and IPv6: inode → port. */
export async function readListeningSockets(): Promise<Map<string, number>> {
	const sockets = new Map<string, number>();
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		try {
			parseListeningSockets(await fs.promises.readFile(file, 'utf8'), sockets);
		} catch {
			// No IPv6 in this kernel, or no /proc/net: fewer ports, not an error.
		}
	}
	return sockets;
}

/** The inodes of the sockets a process has open (Linux); only our own processes let us look. */
export async function readSocketInodes(pid: number): Promise<string[]> {
	let descriptors: string[];
	try {
		descriptors = await fs.promises.readdir(`/proc/${pid}/fd`);
	} catch {
		return [];
	}
	const targets = await Promise.all(descriptors.map((descriptor) => fs.promises.readlink(`/proc/${pid}/fd/${descriptor}`).catch(() => '')));
	const inodes: string[] = [];
	for (const target of targets) {
		const match = /^socket:\[(\d+)\]$/.exec(target);
		if (match) {
			inodes.push(match[1]);
		}
	}
	return inodes;
}

/** The process table from `ps` (macOS). */
export function readPsTable(): Promise<ReturnType<typeof parsePsTable>> {
	return new Promise((resolve) => {
		execFile('ps', ['-A', '-o', 'pid=,pgid=,rss=,%cpu='], { encoding: 'utf8', timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
			resolve(error ? [] : parsePsTable(stdout)),
		);
	});
}
