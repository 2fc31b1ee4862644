/**
 * The supervisor of a task that is to outlive the window: a small Node.js program the task manager
 * starts detached, one per such task (bundled on its own to dist/supervisor.js).
 *
 *     node supervisor.js <spec file>
 *
 * It reads and deletes the spec (which holds the task's environment), then either starts the command
 * in its own process group (`spawn`) or takes over the pipes of a command the window started
 * (`pipes`). It appends the output to the task's log, under the same cap as every task, keeps a state
 * file (pid, group, start time; then how the run ended) that any later window can read, and exits
 * when the run is over. SIGTERM asks it to stop the task: SIGTERM to the group, SIGKILL after the
 * grace period. The window follows the task through the log and the state file only, so nothing
 * breaks when the window goes away.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { ProcessRunner, type ProcessOutcome } from '../processRunner';
import { groupExists, processStartTime } from '../procfs';
import { signalGroupOf } from '../signals';
import type { Shell } from '../shell';
import { TaskLog } from '../taskLog';
import { STDERR_TAIL_BYTES, TailBytes } from '../tailBytes';
import { parseSupervisorSpec, writeJsonAtomically, type HandoverReady, type SupervisorSpec, type SupervisorState } from './protocol';

/** How long after SIGKILL a stopped `pipes` run waits for pipes that a process outside the group still holds. */
const pipeReleaseMilliseconds = 2000;

type StateFields = Omit<SupervisorState, 'version' | 'status' | 'supervisorPid' | 'supervisorStartTime'>;

class Supervisor {
	private readonly _supervisorStartTime = processStartTime(process.pid);
	private _started: StateFields = {};
	private _log: TaskLog | undefined;
	private _finished = false;
	private _stopRequested = false;
	/** The log mixes both streams: the window learns the end of stderr from the state file. */
	private readonly _stderrTail = new TailBytes(STDERR_TAIL_BYTES);
	/** What stops the command; set once there is one. */
	private _stop: (() => void) | undefined;

	constructor(private readonly _spec: SupervisorSpec) {}

	run(): void {
		// Detached, without a terminal: these come only from someone who means the task; SIGTERM is the one that stops it.
		process.on('SIGHUP', () => undefined);
		process.on('SIGINT', () => undefined);
		process.on('SIGTERM', () => this.requestStop());
		process.on('uncaughtException', (error) => this.fail(error));
		if (this._spec.mode === 'spawn') {
			this.runSpawned();
		} else {
			this.runHandedOver();
		}
	}

	private runSpawned(): void {
		const spec = this._spec;
		const invocation = spec.invocation ?? { file: '', args: [] };
		const shell: Shell = { name: 'supervised', executable: invocation.file, invocation: () => invocation };
		const log = new TaskLog(spec.logPath, spec.logMaxBytes, () => undefined);
		this._log = log;
		let waitingForLog = false;
		const runner: ProcessRunner = new ProcessRunner(
			{ command: '', cwd: spec.cwd ?? '.', env: { ...spec.env }, shell },
			{
				onOutput: (chunk, stream) => {
					if (stream === 'stderr') {
						this._stderrTail.append(chunk);
					}
					// A command printing faster than the disk takes it waits on its pipe instead of filling our memory.
					if (!log.write(chunk) && !waitingForLog) {
						waitingForLog = true;
						runner.pause();
						log.onDrain(() => {
							waitingForLog = false;
							runner.resume();
						});
					}
				},
				onDone: (outcome) => void this.finish(outcomeFields(outcome)),
				onWarning: () => undefined,
			},
		);
		this._stop = () => runner.stop(spec.killGraceMilliseconds);
		if (runner.pid !== undefined) {
			this.started(runner.pid);
		}
		if (this._stopRequested) {
			this._stop();
		}
	}

	private runHandedOver(): void {
		const spec = this._spec;
		const pid = spec.pid ?? 0;
		this.started(pid);
		const streams: net.Socket[] = [];
		let released = false;
		const release = () => {
			released = true;
			streams.forEach((stream) => stream.destroy());
		};
		this._stop = () => {
			const startTime = this._started.startTime;
			signalGroup(pid, startTime, 'SIGTERM');
			setTimeout(() => {
				if (groupExists(pid)) {
					signalGroup(pid, startTime, 'SIGKILL');
				}
				// A process that left the group (setsid) can hold the pipes forever; stop waiting for it.
				setTimeout(release, pipeReleaseMilliseconds);
			}, spec.killGraceMilliseconds);
		};
		if (this._stopRequested) {
			this._stop();
		}

		// The window writes to the log until it has handed over; only then may this side append.
		const control = new net.Socket({ fd: 5, readable: true, writable: false });
		let message = '';
		let begun = false;
		const begin = () => {
			if (begun) {
				return;
			}
			begun = true;
			control.destroy();
			const ready = parseReady(message, spec.logPath);
			const log = new TaskLog(spec.logPath, spec.logMaxBytes, () => undefined, { append: true, written: ready.written, dropped: ready.dropped });
			this._log = log;
			let open = 2;
			let waitingForLog = false;
			for (const fd of [3, 4]) {
				const stream = new net.Socket({ fd, readable: true, writable: false });
				streams.push(stream);
				stream.on('data', (chunk: Buffer) => {
					if (fd === 4) {
						this._stderrTail.append(chunk);
					}
					if (!log.write(chunk) && !waitingForLog) {
						waitingForLog = true;
						streams.forEach((each) => each.pause());
						log.onDrain(() => {
							waitingForLog = false;
							streams.forEach((each) => each.resume());
						});
					}
				});
				stream.on('error', () => undefined);
				stream.on('close', () => {
					if (--open === 0) {
						// Only the window that started the command can see its exit code; the state says so.
						void this.finish({ exitCode: null, signal: null, exitUnknown: true });
					}
				});
			}
			if (released) {
				release();
			}
		};
		control.setEncoding('utf8');
		control.on('data', (text: string) => {
			message += text;
			if (message.includes('\n')) {
				begin();
			}
		});
		// The window went away before it said it was ready: its log is as complete as it will get.
		control.on('close', begin);
		control.on('error', () => undefined);
	}

	private requestStop(): void {
		if (this._stopRequested) {
			return;
		}
		this._stopRequested = true;
		this._stop?.();
	}

	private started(pid: number): void {
		this._started = { pid, pgid: pid, startTime: processStartTime(pid), startedAt: Date.now() };
		this.writeState('running', {});
	}

	private async finish(fields: StateFields): Promise<void> {
		if (this._finished) {
			return;
		}
		this._finished = true;
		// The log is complete before the state says the run is over: the window reads the rest of it then.
		await this._log?.close();
		const stderr = this._stderrTail.bytes;
		this.writeState('exited', { ...fields, stopped: this._stopRequested ? true : undefined, endedAt: Date.now(), ...(stderr.length > 0 ? { stderrTail: stderr.toString('base64') } : {}) });
		process.exit(0);
	}

	/** Something in here broke: the task cannot be followed any more, so it is stopped rather than left writing to pipes no one reads. */
	private fail(error: Error): void {
		if (this._started.pid !== undefined) {
			signalGroup(this._started.pid, this._started.startTime, 'SIGTERM');
		}
		this._finished = true;
		try {
			this.writeState('exited', { exitCode: null, signal: null, error: `the supervisor failed: ${error.message}`, endedAt: Date.now() });
		} finally {
			process.exit(1);
		}
	}

	private writeState(status: SupervisorState['status'], fields: StateFields): void {
		const state: SupervisorState = {
			version: 1,
			status,
			supervisorPid: process.pid,
			supervisorStartTime: this._supervisorStartTime,
			...this._started,
			...fields,
		};
		writeJsonAtomically(this._spec.statePath, state);
	}
}

function outcomeFields(outcome: ProcessOutcome): StateFields {
	return outcome.error ? { exitCode: null, signal: null, error: `could not start: ${outcome.error.message}` } : { exitCode: outcome.exitCode, signal: outcome.signal };
}

function parseReady(message: string, logPath: string): HandoverReady {
	try {
		const value = JSON.parse(message.split('\n')[0]) as Partial<HandoverReady>;
		if (typeof value.written === 'number' && typeof value.dropped === 'number') {
			return { written: value.written, dropped: value.dropped };
		}
	} catch {
		// Fall through to what the file says.
	}
	let written = 0;
	try {
		written = fs.statSync(logPath).size;
	} catch {
		// No log yet: nothing written.
	}
	return { written, dropped: 0 };
}

/** A handed-over command is not this process's child: its group is signalled only while its leader is still the one that started. */
function signalGroup(pgid: number, startTime: string | undefined, signal: NodeJS.Signals): void {
	signalGroupOf(pgid, { kind: 'recorded', startTime }, signal);
}

function main(): void {
	const specPath = process.argv[2] ?? '';
	let spec: SupervisorSpec;
	try {
		spec = parseSupervisorSpec(fs.readFileSync(specPath, 'utf8'));
	} catch {
		// Without a spec there is no state file to report to; the window sees this process end without one.
		process.exitCode = 2;
		return;
	} finally {
		// It holds the task's environment: it lives no longer than it must.
		if (specPath) {
			fs.rmSync(specPath, { force: true });
		}
	}
	process.title = `meanwhile-supervisor ${spec.id}`;
	new Supervisor(spec).run();
}

main();
