import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStat, processStartTime } from './procfs';

/**
 * Every process a task starts carries `MEANWHILE_TASK=<store>:<task id>` in its environment, inherited
 * by whatever it starts in turn. A process group is left by `setsid`, double forks and daemons; the
 * environment is not, so on Linux /proc/<pid>/environ finds every process of a task again, wherever it
 * went. What escapes: a process that clears or rewrites its environment (`env -i`, `sudo`, some
 * daemons re-executing themselves), and processes of other users (their environ cannot be read).
 * macOS gives no other process's environment without entitlements: there, the group is all there is.
 *
 * A cgroup per task would be the kernel's own answer, but an extension host may create one only where
 * systemd delegated a subtree to the user (not over SSH, in most containers, or on macOS): the marker
 * works everywhere on Linux, at the cost of one read per process of the user per scan.
 */
export const TASK_MARKER_VARIABLE = 'MEANWHILE_TASK';

/** Names a store (a workspace's storage folder): the same for every window on it, different for another workspace. */
export function storeMarker(storageDir: string): string {
	return createHash('sha256').update(path.resolve(storageDir)).digest('hex').slice(0, 16);
}

export function taskMarker(store: string, id: string): string {
	return `${store}:${id}`;
}

/** Whether processes can be found by their marker here. */
export function tracksByMarker(platform: NodeJS.Platform = process.platform): boolean {
	return platform === 'linux';
}

/** A live process that carries a marker of the store. */
export interface MarkedProcess {
	readonly taskId: string;
	readonly pid: number;
	readonly pgid: number;
	/** See `processStartTime`: what makes a signal to it safe later. */
	readonly startTime: string;
	/** Its command line, shortened, for the row and the log. */
	readonly command: string;
}

const commandChars = 160;
const batch = 64;

/** The task id in an environment block (`NAME=value` entries separated by NUL) marked for `store`, if any. */
export function markedTaskId(environ: Buffer, store: string): string | undefined {
	return markedTaskIdFor(environ, markerNeedle(store));
}

function markedTaskIdFor(environ: Buffer, needle: Buffer): string | undefined {
	let at = environ.indexOf(needle);
	while (at > 0 && environ[at - 1] !== 0) {
		at = environ.indexOf(needle, at + 1);
	}
	if (at === -1) {
		return undefined;
	}
	const start = at + needle.length;
	const end = environ.indexOf(0, start);
	const id = environ.toString('utf8', start, end === -1 ? environ.length : end);
	return id.length > 0 ? id : undefined;
}

/** A command line as /proc/<pid>/cmdline has it (arguments separated by NUL), as one shortened line. */
export function commandLine(raw: Buffer): string {
	const text = raw.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ').trim();
	return text.length > commandChars ? `${text.slice(0, commandChars - 1)}…` : text;
}

function describe(pid: number, taskId: string, stat: string, cmdline: Buffer): MarkedProcess | undefined {
	const parsed = parseStat(stat);
	const startTime = processStartTime(pid);
	if (!parsed || startTime === undefined) {
		return undefined;
	}
	return { taskId, pid, pgid: parsed.pgid, startTime, command: commandLine(cmdline) };
}

function numericNames(names: readonly string[]): number[] {
	const pids: number[] = [];
	for (const name of names) {
		const pid = Number(name);
		if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid) {
			pids.push(pid);
		}
	}
	return pids;
}

/**
 * Every live process of this user that carries a marker of `store` (Linux; elsewhere none). One pass
 * over /proc, a few dozen reads at a time; a process that ends meanwhile is left out.
 */
export function findMarkedProcesses(store: string, platform: NodeJS.Platform = process.platform): Promise<MarkedProcess[]> {
	return new MarkScanner(store, platform).scan();
}

/** The synchronous {@link findMarkedProcesses}, for the window's last moments (shutdown cannot wait). */
export function findMarkedProcessesSync(store: string, platform: NodeJS.Platform = process.platform): MarkedProcess[] {
	return new MarkScanner(store, platform).scanSync();
}

/**
 * Repeated passes over /proc for one store. A process found without the marker is remembered by its
 * /proc entry's inode number, which a later process with the same pid never shares: the next passes
 * look at it with one `stat` instead of reading its environment. Only entries older than a moment
 * are remembered, as a process just forked shows its parent's environment until it executes.
 */
export class MarkScanner {
	private readonly _needle: Buffer;
	/** Processes without the marker: pid → inode number of /proc/<pid>. */
	private _unmarked = new Map<number, number>();

	constructor(
		readonly store: string,
		private readonly _platform: NodeJS.Platform = process.platform,
		private readonly _now: () => number = Date.now,
	) {
		this._needle = markerNeedle(store);
	}

	async scan(): Promise<MarkedProcess[]> {
		if (!tracksByMarker(this._platform)) {
			return [];
		}
		// Not through the thread pool, where it would queue behind the tasks' log writes.
		const pids = numericNames(fs.readdirSync('/proc'));
		const seen = new Map<number, number>();
		const found: MarkedProcess[] = [];
		let inExec: number[] = [];
		// Reads of /proc are answered from memory at once: done synchronously in slices (cheaper than a
		// thread pool round trip each); the event loop is let through between slices only on a large
		// table, as each pause makes every task that waits for the pass wait longer.
		for (let index = 0; index < pids.length; index += batch) {
			if (index > 0 && index % (batch * 8) === 0) {
				await new Promise((resolve) => setImmediate(resolve));
			}
			this.visit(pids.slice(index, index + batch), seen, found, inExec);
		}
		for (let round = 0; inExec.length > 0 && round < execRetries; round++) {
			await new Promise((resolve) => setTimeout(resolve, execRetryMilliseconds));
			inExec = this.revisit(inExec, found);
		}
		this._unmarked = seen;
		return found;
	}

	scanSync(): MarkedProcess[] {
		if (!tracksByMarker(this._platform)) {
			return [];
		}
		let names: string[];
		try {
			names = fs.readdirSync('/proc');
		} catch {
			return [];
		}
		const seen = new Map<number, number>();
		const found: MarkedProcess[] = [];
		let inExec: number[] = [];
		this.visit(numericNames(names), seen, found, inExec);
		for (let round = 0; inExec.length > 0 && round < execRetries; round++) {
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, execRetryMilliseconds);
			inExec = this.revisit(inExec, found);
		}
		this._unmarked = seen;
		return found;
	}

	/** Reads again the processes that were in the middle of exec; returns those still there. */
	private revisit(pids: readonly number[], found: MarkedProcess[]): number[] {
		const still: number[] = [];
		for (const pid of pids) {
			const marked = markedProcess(pid, this._needle);
			if (marked === 'in exec') {
				still.push(pid);
			} else if (marked) {
				found.push(marked);
			}
		}
		return still;
	}

	private visit(pids: readonly number[], seen: Map<number, number>, found: MarkedProcess[], inExec: number[]): void {
		const settled = this._now() - unmarkedSettleMilliseconds;
		for (const pid of pids) {
			let entry: fs.Stats;
			try {
				entry = fs.statSync(`/proc/${pid}`);
			} catch {
				continue;
			}
			if (this._unmarked.get(pid) === entry.ino) {
				seen.set(pid, entry.ino);
				continue;
			}
			const marked = markedProcess(pid, this._needle);
			if (marked === 'in exec') {
				// Just forked and executing: read again in a moment. An old process is read again next pass.
				if (entry.ctimeMs >= settled) {
					inExec.push(pid);
				}
			} else if (marked) {
				found.push(marked);
			} else if (entry.ctimeMs < settled) {
				seen.set(pid, entry.ino);
			}
		}
	}
}

/** How old a /proc entry must be before a process without the marker is remembered as such. */
const unmarkedSettleMilliseconds = 2000;
/** How often, and how long apart, a process caught in the middle of exec is read again in one pass. */
const execRetries = 25;
const execRetryMilliseconds = 2;
/** PF_KTHREAD in the flags of /proc/<pid>/stat: a kernel thread, which has no environment at all. */
const kernelThreadFlag = 0x00200000;

function markerNeedle(store: string): Buffer {
	return Buffer.from(`${TASK_MARKER_VARIABLE}=${store}:`);
}

/**
 * The process if it carries the marker; undefined if not, if it is another user's (EACCES) or if it
 * ended meanwhile; 'in exec' when its environment reads empty though it is neither a kernel thread nor
 * a zombie: during exec the kernel installs the new memory before it records where the environment is
 * on it, so a process just forked by a task (`setsid cmd &`) can read empty for a moment.
 */
function markedProcess(pid: number, needle: Buffer): MarkedProcess | undefined | 'in exec' {
	try {
		const environ = fs.readFileSync(`/proc/${pid}/environ`);
		if (environ.length === 0) {
			return isExecuting(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) ? 'in exec' : undefined;
		}
		const taskId = markedTaskIdFor(environ, needle);
		return taskId === undefined ? undefined : describe(pid, taskId, fs.readFileSync(`/proc/${pid}/stat`, 'utf8'), fs.readFileSync(`/proc/${pid}/cmdline`));
	} catch {
		return undefined;
	}
}

/** Whether a process without an environment (by its /proc/<pid>/stat) is a live user process: then it is executing. */
function isExecuting(stat: string): boolean {
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const state = fields[0];
	const flags = Number(fields[6]);
	return state !== 'Z' && state !== 'X' && Number.isFinite(flags) && (flags & kernelThreadFlag) === 0;
}

/**
 * Whether the process found earlier still runs: the same start time, and not a zombie (a process that
 * ended and waits for its parent to reap it, which in some containers never happens).
 */
export function stillRuns(process: Pick<MarkedProcess, 'pid' | 'startTime'>): boolean {
	let stat: string;
	try {
		stat = fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8');
	} catch {
		return false;
	}
	const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
	return state !== 'Z' && state !== 'X' && processStartTime(process.pid) === process.startTime;
}

/** The processes found, by task id. */
export function byTask(processes: readonly MarkedProcess[]): Map<string, MarkedProcess[]> {
	const tasks = new Map<string, MarkedProcess[]>();
	for (const each of processes) {
		const list = tasks.get(each.taskId);
		if (list) {
			list.push(each);
		} else {
			tasks.set(each.taskId, [each]);
		}
	}
	return tasks;
}
