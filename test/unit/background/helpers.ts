import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../../src/common/logger';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager, type BackgroundSettings, type TaskManagerOptions } from '../../../src/background';

/** A logger that remembers what it was told, so tests can check warnings. */
export class RecordingLogger implements Logger {
	readonly lines: { level: string; message: string }[] = [];
	trace(message: string): void {
		this.lines.push({ level: 'trace', message });
	}
	debug(message: string): void {
		this.lines.push({ level: 'debug', message });
	}
	info(message: string): void {
		this.lines.push({ level: 'info', message });
	}
	warn(message: string): void {
		this.lines.push({ level: 'warn', message });
	}
	error(message: string | Error): void {
		this.lines.push({ level: 'error', message: String(message) });
	}
	warnings(): string[] {
		return this.lines.filter((line) => line.level === 'warn').map((line) => line.message);
	}
}

/** Temporary storage folders and the managers using them; `dispose` stops every task and deletes every folder. */
export class Fixture {
	readonly logger = new RecordingLogger();
	private readonly _managers: TaskManager[] = [];
	private readonly _folders: string[] = [];

	folder(): string {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-bg-test-'));
		this._folders.push(folder);
		return folder;
	}

	manager(settings: Partial<BackgroundSettings> = {}, options: Partial<TaskManagerOptions> = {}): TaskManager {
		const merged: BackgroundSettings = { ...DEFAULT_BACKGROUND_SETTINGS, killGraceSeconds: 1, ...settings };
		const manager = new TaskManager({
			storageDir: options.storageDir ?? this.folder(),
			defaultCwd: options.defaultCwd ?? os.tmpdir(),
			getSettings: options.getSettings ?? (() => merged),
			logger: options.logger ?? this.logger,
			...(options.baseEnv ? { baseEnv: options.baseEnv } : {}),
			...(options.now ? { now: options.now } : {}),
			...(options.supervisorScript ? { supervisorScript: options.supervisorScript } : {}),
			...(options.sampleIntervalMilliseconds ? { sampleIntervalMilliseconds: options.sampleIntervalMilliseconds } : {}),
			...(options.window ? { window: options.window } : {}),
			...(options.takeOverIntervalMilliseconds ? { takeOverIntervalMilliseconds: options.takeOverIntervalMilliseconds } : {}),
		});
		this._managers.push(manager);
		return manager;
	}

	dispose(): void {
		for (const manager of this._managers.splice(0)) {
			manager.dispose();
		}
		for (const folder of this._folders.splice(0)) {
			killSupervised(folder);
			// A log stream or a save may still be closing on a busy machine: give it a few seconds.
			fs.rmSync(folder, { recursive: true, force: true, maxRetries: 40, retryDelay: 100 });
		}
	}
}

/**
 * The supervisor bundled as dist/supervisor.js is, in the tests, the one tsc compiled next to the
 * other sources (out/src/background/supervised/supervisor.js), run by this Node.js.
 */
export const SUPERVISOR_SCRIPT = path.join(__dirname, '../../../src/background/supervised/supervisor.js');

/** Kills what tasks left running under a storage folder still run, so a failed test leaves nothing behind. */
export function killSupervised(storageDir: string): void {
	const folder = path.join(storageDir, 'supervised');
	let names: string[] = [];
	try {
		names = fs.readdirSync(folder).filter((name) => name.endsWith('.state.json'));
	} catch {
		return;
	}
	for (const name of names) {
		try {
			const state = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as { status: string; pgid?: number; supervisorPid?: number };
			if (state.status !== 'running') {
				continue;
			}
			for (const target of [state.pgid === undefined ? undefined : -state.pgid, state.supervisorPid]) {
				if (target !== undefined && target !== -process.pid && target !== process.pid) {
					try {
						process.kill(target, 'SIGKILL');
					} catch {
						// Gone already.
					}
				}
			}
		} catch {
			// Not a state file we can read: nothing to kill.
		}
	}
}

/** A command line: Node.js serving HTTP on a port the system picks, on `host`, printing `listening on <port>` once it listens. */
export function nodeServer(host: string): string {
	return `"${process.execPath}" -e "const s = require('http').createServer((q, r) => r.end('ok')); s.listen(0, '${host}', () => console.log('listening on ' + s.address().port))"`;
}

/** A token to put in a command line, to find its processes with ps later. */
/** Whether a process with this pid exists (signal 0). */
export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

export function uniqueMarker(): string {
	return String(Math.floor(Math.random() * 1e9)).padStart(9, '1');
}

/** Command lines of live processes that contain the marker. */
export function processesWith(marker: string): string[] {
	const output = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
	return output.split('\n').filter((line) => line.includes(marker));
}

export async function waitFor(condition: () => boolean, timeoutMilliseconds = 10_000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMilliseconds;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`Timed out waiting for ${what}`);
		}
		await delay(20);
	}
}

export function delay(milliseconds: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** The task lists every window of a store has saved (`windows/<instance>/tasks.json`), by instance. */
export function savedTaskLists(storageDir: string): Map<string, { id: string; status: string; leaveRunning?: boolean }[]> {
	const lists = new Map<string, { id: string; status: string; leaveRunning?: boolean }[]>();
	const root = path.join(storageDir, 'windows');
	for (const instance of fs.existsSync(root) ? fs.readdirSync(root) : []) {
		const file = path.join(root, instance, 'tasks.json');
		if (fs.existsSync(file)) {
			lists.set(instance, (JSON.parse(fs.readFileSync(file, 'utf8')) as { tasks: { id: string; status: string; leaveRunning?: boolean }[] }).tasks);
		}
	}
	return lists;
}

/** Every task record a store's windows have saved. */
export function savedRecords(storageDir: string): { id: string; status: string; leaveRunning?: boolean }[] {
	return [...savedTaskLists(storageDir).values()].flat();
}
