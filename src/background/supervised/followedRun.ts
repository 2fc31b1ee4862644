import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../common/errors';
import type { ProcessOutcome, TaskProcess } from '../processRunner';
import { groupExists } from '../procfs';
import { isIdentified, signalGroupOf, signalIdentified, type GroupLeader } from '../signals';
import { readSupervisorState, type SupervisorState } from './protocol';

export interface FollowedOutcome {
	readonly exitCode: number | null;
	readonly signal: NodeJS.Signals | null;
	/** How the command ended is not known: its exit code was only visible to a window that is gone, or its supervisor vanished. */
	readonly exitUnknown?: boolean;
	/** The supervisor stopped the command because it was asked to. */
	readonly stopped?: boolean;
	/** Why the command did not run or could not be followed to its end, as a whole sentence for the task's reason. */
	readonly failure?: string;
	/** The last bytes it wrote to stderr while its supervisor read them. */
	readonly stderrTail?: Buffer;
}

export interface FollowedRunOptions {
	readonly statePath: string;
	readonly logPath: string;
	/** The supervisor, when this window started it; an adopted run knows it only from the state file. */
	readonly supervisor?: ChildProcess;
	/** The state file as read when adopting. */
	readonly state?: SupervisorState;
	/** The command's pid (and group) when known before the supervisor says so: a command handed over from this window. */
	readonly pid?: number;
	/** Where to start reading the log; absent: not before {@link FollowedRun.begin}. */
	readonly logOffset?: number;
	/** The command was handed over from this window, which sees its exit ({@link FollowedRun.setExit}). */
	readonly exitFromWindow?: boolean;
	readonly pollMilliseconds?: number;
}

export interface FollowedRunHandlers {
	/** The chunk is valid only during the call (its buffer is reused): copy what you keep. */
	onOutput(chunk: Buffer): void;
	/** The command's pid, which is also its process group, became known. */
	onStarted(pid: number): void;
	/** Called once, when the run is over and all of its log has been read. Not called after {@link FollowedRun.abandon}. */
	onDone(outcome: FollowedOutcome): void;
	onWarning(message: string): void;
}

const defaultPollMilliseconds = 500;
/** Why a task's exit code is unknown when its supervisor died (killed, out of memory) while its command ran. */
export const SUPERVISOR_DIED = 'its supervisor ended unexpectedly, so its exit code is unknown';
const readChunkBytes = 65_536;
/** How long a run handed over from this window waits for the shell's exit after its output has ended. */
const windowExitWaitMilliseconds = 1000;

/**
 * A task run by a supervisor (supervisor.ts), followed from this window through files only: the
 * appended part of its log becomes output, and its state file says when it started and how it ended.
 * The log is watched (fs.watch) and also polled, as watching misses changes on some file systems.
 *
 * Stopping it signals both the supervisor (which then stops the group itself, as a task runner would)
 * and the group, so it also stops if the supervisor is gone. Abandoning it only stops following:
 * the task goes on, and a later window can adopt it.
 */
export class FollowedRun implements TaskProcess {
	private _state: SupervisorState | undefined;
	private _stateStamp = '';
	private _offset: number | undefined;
	private _file: fs.promises.FileHandle | undefined;
	private _reading: Promise<void> | undefined;
	private _readAgain = false;
	private _readFailed = false;
	private _logWatcher: fs.FSWatcher | undefined;
	private _stateWatcher: fs.FSWatcher | undefined;
	private _timer: NodeJS.Timeout | undefined;
	private _killTimer: NodeJS.Timeout | undefined;
	private _supervisorExit: { code: number | null; error?: Error } | undefined;
	private _windowExit: ProcessOutcome | undefined;
	private _windowExitListener: (() => void) | undefined;
	private _ending = false;
	/** Set once `onDone` was called or following was abandoned: no callbacks after that. */
	private _done = false;
	private _stopping = false;
	private readonly _onSupervisorExit = (code: number | null) => {
		this._supervisorExit ??= { code };
		this.check();
	};
	private readonly _onSupervisorError = (error: Error) => {
		this._supervisorExit ??= { code: null, error };
		this.check();
	};

	constructor(
		private readonly _options: FollowedRunOptions,
		private readonly _handlers: FollowedRunHandlers,
	) {
		this._state = _options.state;
		this._offset = _options.logOffset;
		_options.supervisor?.on('exit', this._onSupervisorExit);
		_options.supervisor?.on('error', this._onSupervisorError);
		try {
			// The state file is replaced by a rename, so its folder is what can be watched.
			const name = path.basename(_options.statePath);
			this._stateWatcher = fs.watch(path.dirname(_options.statePath), { persistent: false }, (_event, changed) => {
				if (changed === null || changed === name) {
					this.check();
				}
			});
			this._stateWatcher.on('error', () => this.closeWatchers());
		} catch {
			// Polling alone will do.
		}
		this._timer = setInterval(() => this.check(), _options.pollMilliseconds ?? defaultPollMilliseconds);
		this._timer.unref();
		setImmediate(() => this.check());
	}

	/** The command's pid, which is also its process group; undefined until the supervisor has started it. */
	get pid(): number | undefined {
		return this._state?.pgid ?? this._state?.pid ?? this._options.pid;
	}

	/** Starts reading the log at `offset`, for a run created before the log could be read. */
	begin(offset: number): void {
		if (this._offset === undefined) {
			this._offset = offset;
			this.check();
		}
	}

	/** The exit of a handed-over command, which only this window, its parent, sees. */
	setExit(outcome: ProcessOutcome): void {
		this._windowExit = outcome;
		this._windowExitListener?.();
	}

	/** Output is read as it comes and kept in bounded memory: there is nothing to hold back. */
	pause(): void {}

	resume(): void {}

	/** Asks the supervisor to stop the group, and signals the group too; SIGKILL after the grace period if the group is still there. */
	stop(graceMilliseconds: number): void {
		if (this._done || this._stopping) {
			return;
		}
		this._stopping = true;
		this.signalSupervisor('SIGTERM');
		this.signalGroup('SIGTERM');
		// The supervisor sends SIGKILL itself after the grace period; this one is for when it is gone.
		this._killTimer = setTimeout(() => {
			if (this.groupAlive()) {
				this.signalGroup('SIGKILL');
			}
			this.check();
		}, Math.max(0, graceMilliseconds) + 500);
	}

	groupAlive(): boolean {
		const pid = this.pid;
		return pid !== undefined && groupExists(pid);
	}

	signalGroup(signal: NodeJS.Signals): boolean {
		const pid = this.pid;
		if (pid === undefined) {
			return false;
		}
		// The leader's start time comes with the state file; a command handed over from this window is its child until then.
		const startTime = this._state?.startTime;
		const leader: GroupLeader = startTime === undefined && this._options.exitFromWindow ? { kind: 'child', exited: this._windowExit !== undefined } : { kind: 'recorded', startTime };
		const failure = signalGroupOf(pid, leader, signal);
		if (failure !== undefined && failure !== 'ESRCH') {
			this._handlers.onWarning(`could not send ${signal} to process group ${pid}: ${failure}`);
		}
		return failure === undefined;
	}

	/** Stops following; the task and its supervisor go on. */
	abandon(): void {
		this._done = true;
		this.closeWatchers();
		clearInterval(this._timer);
		clearTimeout(this._killTimer);
		this._windowExitListener?.();
		this._options.supervisor?.off('exit', this._onSupervisorExit);
		this._options.supervisor?.off('error', this._onSupervisorError);
		this._options.supervisor?.on('error', () => undefined);
		void this.closeFile();
	}

	private signalSupervisor(signal: NodeJS.Signals): void {
		const supervisor = this._options.supervisor;
		if (supervisor) {
			// Not reaped yet while it has not exited, so its pid is still its own.
			if (!this._supervisorExit) {
				supervisor.kill(signal);
			}
			return;
		}
		const state = this._state;
		// A pid from a file may belong to someone else by now: only the process that started then is signalled.
		if (state) {
			signalIdentified(state.supervisorPid, state.supervisorStartTime, signal);
		}
	}

	/** Reads what changed: the state file, the log; ends the run when the state or the supervisor says so. */
	private check(): void {
		if (this._done || this._ending) {
			return;
		}
		this.readState();
		if (this._state?.status === 'exited') {
			void this.end(outcomeOfState(this._state));
			return;
		}
		if (this.supervisorGone()) {
			// It may have written its last state just before it went.
			this.readState(true);
			const state = this._state;
			if (state?.status === 'exited') {
				void this.end(outcomeOfState(state));
			} else {
				const exit = this._supervisorExit;
				if (exit?.error) {
					void this.end({ exitCode: null, signal: null, failure: `could not start its supervisor: ${exit.error.message}` });
				} else if (this.pid === undefined) {
					const code = exit?.code === undefined || exit.code === null ? '' : ` (exit code ${exit.code})`;
					void this.end({ exitCode: null, signal: null, failure: `its supervisor ended before it started the command${code}` });
				} else {
					this._handlers.onWarning(`the supervisor ended without recording how the command ended (state file ${this._options.statePath})`);
					// What the command started may run on: the task follows it by its marker, and says why its exit code is unknown.
					// (A command handed over from this window still has its exit code seen here.)
					void this.end({ exitCode: null, signal: null, exitUnknown: true, ...(this._options.exitFromWindow ? {} : { failure: SUPERVISOR_DIED }) });
				}
			}
			return;
		}
		void this.readLog();
	}

	private supervisorGone(): boolean {
		if (this._options.supervisor) {
			return this._supervisorExit !== undefined;
		}
		const state = this._state;
		return state === undefined || !isIdentified(state.supervisorPid, state.supervisorStartTime);
	}

	private readState(force = false): void {
		let stamp: string;
		try {
			const stat = fs.statSync(this._options.statePath);
			stamp = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
		} catch {
			return;
		}
		if (!force && stamp === this._stateStamp) {
			return;
		}
		const state = readSupervisorState(this._options.statePath);
		if (!state) {
			return;
		}
		this._stateStamp = stamp;
		const known = this.pid;
		this._state = state;
		const pid = this.pid;
		if (known === undefined && pid !== undefined) {
			this._handlers.onStarted(pid);
		}
	}

	private async end(outcome: FollowedOutcome): Promise<void> {
		this._ending = true;
		this.closeWatchers();
		clearInterval(this._timer);
		clearTimeout(this._killTimer);
		// The supervisor closes the log before it records the end: what is left to read is all there is.
		await this.readLog();
		await this.closeFile();
		let final = outcome;
		if (this._options.exitFromWindow && outcome.exitUnknown && outcome.failure === undefined) {
			await this.windowExit();
			if (this._windowExit) {
				final = { exitCode: this._windowExit.exitCode, signal: this._windowExit.signal, stopped: outcome.stopped, stderrTail: outcome.stderrTail };
			}
		}
		if (!this._done) {
			this._done = true;
			this._handlers.onDone(final);
		}
	}

	/** Resolves when the shell's exit has been seen, or after a short wait. */
	private windowExit(): Promise<void> {
		if (this._windowExit || this._done) {
			return Promise.resolve();
		}
		return new Promise((resolve) => {
			const timer = setTimeout(() => this._windowExitListener?.(), windowExitWaitMilliseconds);
			this._windowExitListener = () => {
				this._windowExitListener = undefined;
				clearTimeout(timer);
				resolve();
			};
		});
	}

	private readLog(): Promise<void> {
		if (this._reading) {
			this._readAgain = true;
			return this._reading;
		}
		const reading = this.readLoop().finally(() => {
			this._reading = undefined;
		});
		this._reading = reading;
		return reading;
	}

	private async readLoop(): Promise<void> {
		do {
			this._readAgain = false;
			await this.readAvailable();
		} while (this._readAgain && !this._done);
	}

	/** Reads from where the last read stopped to the end of the file: only what was appended. */
	private async readAvailable(): Promise<void> {
		if (this._offset === undefined || this._done || this._readFailed) {
			return;
		}
		let file = this._file;
		if (!file) {
			try {
				file = await fs.promises.open(this._options.logPath, 'r');
			} catch {
				// Not created yet; the next change or poll looks again.
				return;
			}
			if (this._done) {
				await file.close().catch(() => undefined);
				return;
			}
			this._file = file;
			this.watchLog();
		}
		try {
			// One buffer per pass: the reader copies what it keeps before the next read.
			const buffer = Buffer.allocUnsafe(readChunkBytes);
			for (;;) {
				const { bytesRead } = await file.read(buffer, 0, buffer.length, this._offset);
				if (bytesRead === 0 || this._done) {
					return;
				}
				this._offset += bytesRead;
				this._handlers.onOutput(buffer.subarray(0, bytesRead));
			}
		} catch (error) {
			if (this._done) {
				return;
			}
			this._readFailed = true;
			this._handlers.onWarning(`could not read the log ${this._options.logPath}: ${errorMessage(error)}`);
		}
	}

	private watchLog(): void {
		if (this._logWatcher || this._done || this._ending) {
			return;
		}
		try {
			this._logWatcher = fs.watch(this._options.logPath, { persistent: false }, () => void this.readLog());
			this._logWatcher.on('error', () => this.closeWatchers());
		} catch {
			// Polling alone will do.
		}
	}

	private closeWatchers(): void {
		this._logWatcher?.close();
		this._stateWatcher?.close();
		this._logWatcher = undefined;
		this._stateWatcher = undefined;
	}

	private async closeFile(): Promise<void> {
		const file = this._file;
		this._file = undefined;
		await file?.close().catch(() => undefined);
	}
}

/** How the run ended, as the supervisor recorded it. */
export function outcomeOfState(state: SupervisorState): FollowedOutcome {
	return {
		exitCode: state.exitCode ?? null,
		signal: (state.signal ?? null) as NodeJS.Signals | null,
		exitUnknown: state.exitUnknown,
		stopped: state.stopped,
		failure: state.error,
		...(state.stderrTail ? { stderrTail: Buffer.from(state.stderrTail, 'base64') } : {}),
	};
}
