import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { readPipe } from './pipeReading';
import { groupExists } from './procfs';
import { getShell, type Shell } from './shell';
import { signalGroupOf } from './signals';

export type OutputStreamName = 'stdout' | 'stderr';

export interface ProcessOutcome {
	readonly exitCode: number | null;
	readonly signal: NodeJS.Signals | null;
	/** Set when the process could not be started at all. */
	readonly error?: Error;
}

/** A running command as a task drives it: a child process of this window, or one followed through its supervisor. */
export interface TaskProcess {
	/** The shell's pid, which is also the process group (POSIX); undefined until known. */
	readonly pid: number | undefined;
	/** SIGTERM to the group now, SIGKILL after the grace period. */
	stop(graceMilliseconds: number): void;
	signalGroup(signal: NodeJS.Signals): boolean;
	groupAlive(): boolean;
	/** No more callbacks; the process itself is left alone. */
	abandon(): void;
	pause(): void;
	resume(): void;
}

export interface ProcessRunnerOptions {
	readonly command: string;
	readonly cwd: string;
	readonly env: NodeJS.ProcessEnv;
	readonly shell?: Shell;
	readonly platform?: NodeJS.Platform;
}

export interface ProcessRunnerHandlers {
	/** Output from either stream, in the order it arrives. */
	onOutput(chunk: Buffer, stream: OutputStreamName): void;
	/** Called once, when the run is over: see {@link ProcessRunner}. Not called after {@link ProcessRunner.abandon}. */
	onDone(outcome: ProcessOutcome): void;
	/** The shell itself exited; its output pipes may stay open while processes it started hold them. */
	onExit?(outcome: ProcessOutcome): void;
	/** Problems that do not end the run (a signal that could not be sent), for the log. */
	onWarning(message: string): void;
}

/** How long a process that escaped the group may keep our pipes open after the group was killed. */
const pipeReleaseMilliseconds = 2000;
/** How often a stopped run looks whether its group is gone, while it waits for the group to go. */
const groupPollMilliseconds = 50;

/**
 * One shell command running in its own process group.
 *
 * The run is over when the shell has exited and its stdout and stderr are closed, because a command
 * like `npm run dev &` leaves a child that still writes to our pipes after the shell is gone. When we
 * stop a run, it is over once the group is also gone or has been sent SIGKILL, so nothing of it lingers.
 *
 * On POSIX the group is the unit we signal (`kill(-pid)`), which reaches grandchildren that the shell
 * started in the background. On Windows there are no process groups; `taskkill /T` ends the tree.
 */
export class ProcessRunner implements TaskProcess {
	readonly pid: number | undefined;
	private readonly _child: ChildProcess;
	private readonly _platform: NodeJS.Platform;
	private _closed = false;
	private _outcome: ProcessOutcome | undefined;
	private _spawnError: Error | undefined;
	private _done = false;
	private _stopping = false;
	private _killSent = false;
	private _treeKilled = false;
	private _killTimer: NodeJS.Timeout | undefined;
	private _pipeTimer: NodeJS.Timeout | undefined;
	private _groupPoll: NodeJS.Timeout | undefined;
	/** Set once the output pipes went to someone else: from then on only the exit is reported, there. */
	private _onReleasedExit: ((outcome: ProcessOutcome) => void) | undefined;
	/** Output goes to the handlers (not while the pipes are handed over, nor once abandoned). */
	private _delivering = true;

	/** Spawns at once; a failure to start arrives through `onDone` with `error` set. */
	constructor(
		options: ProcessRunnerOptions,
		private readonly _handlers: ProcessRunnerHandlers,
	) {
		this._platform = options.platform ?? process.platform;
		const invocation = (options.shell ?? getShell()).invocation(options.command);
		this._child = spawn(invocation.file, [...invocation.args], {
			cwd: options.cwd,
			env: options.env,
			// stdin closed: a command that asks a question fails at once instead of waiting forever.
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own group (POSIX), so one signal reaches everything the command started. On Windows a
			// detached child would get a console window of its own, and taskkill /T does not need a group.
			detached: this._platform !== 'win32',
			windowsHide: true,
		});
		this.pid = this._child.pid;
		for (const [stream, name] of [
			[this._child.stdout, 'stdout'],
			[this._child.stderr, 'stderr'],
		] as const) {
			if (stream) {
				// The chunk is only lent (see readPipe): the handlers copy what they keep.
				readPipe(stream, (chunk) => this._delivering && this._handlers.onOutput(chunk, name));
			}
		}
		this._child.on('error', (error) => {
			if (this.pid === undefined) {
				this._spawnError = error;
			} else {
				this._handlers.onWarning(`process ${this.pid}: ${error.message}`);
			}
		});
		this._child.on('exit', (exitCode, signal) => {
			this._outcome = { exitCode, signal };
			this._onReleasedExit?.({ exitCode, signal });
			if (!this._done) {
				this._handlers.onExit?.({ exitCode, signal });
			}
		});
		this._child.on('close', (exitCode, signal) => {
			this._closed = true;
			this._outcome ??= { exitCode, signal };
			this.settle();
		});
	}

	/** Stops reading output, so a producer faster than its consumer blocks on a full pipe instead of filling memory. */
	pause(): void {
		this._child.stdout?.pause();
		this._child.stderr?.pause();
	}

	resume(): void {
		this._child.stdout?.resume();
		this._child.stderr?.resume();
	}

	/** SIGTERM to the group now, SIGKILL after the grace period if anything of it is left. */
	stop(graceMilliseconds: number): void {
		if (this._done || this._stopping) {
			return;
		}
		this._stopping = true;
		if (this._platform === 'win32') {
			this.killTree(false);
			this._killSent = true;
			this.settle();
			return;
		}
		this.signalGroup('SIGTERM');
		this._killTimer = setTimeout(() => this.kill(), Math.max(0, graceMilliseconds));
	}

	/** SIGKILL to the group now. */
	kill(): void {
		if (this._done) {
			return;
		}
		this._stopping = true;
		clearTimeout(this._killTimer);
		this._killTimer = undefined;
		if (!this._killSent) {
			this._killSent = true;
			if (this._platform === 'win32') {
				this.killTree(false);
			} else if (this.groupAlive()) {
				this.signalGroup('SIGKILL');
			}
			// A process that left the group (setsid) can hold our pipes forever; stop waiting for it.
			this._pipeTimer = setTimeout(() => this.releasePipes(), pipeReleaseMilliseconds);
		}
		this.settle();
	}

	/** Whether any process of the group is still alive (on Windows: whether the run is still going). */
	groupAlive(): boolean {
		if (this.pid === undefined) {
			return false;
		}
		if (this._platform === 'win32') {
			// taskkill /F has already ended the tree when it returns; before that, the open pipes tell.
			return !this._closed && !this._treeKilled;
		}
		return groupExists(this.pid);
	}

	/** Sends a signal to the whole group; false when the group is gone. */
	signalGroup(signal: NodeJS.Signals): boolean {
		if (this.pid === undefined) {
			return false;
		}
		if (this._platform === 'win32') {
			this.killTree(true);
			return true;
		}
		const failure = signalGroupOf(this.pid, { kind: 'child', exited: this._outcome !== undefined }, signal);
		if (failure !== undefined && failure !== 'ESRCH') {
			this._handlers.onWarning(`could not send ${signal} to process group ${this.pid}: ${failure}`);
		}
		return failure === undefined;
	}

	/**
	 * Stops reading the output and gives the pipes to the caller, for a command that is to outlive this
	 * process: the caller passes them to the process that reads them from now on (a supervisor), then
	 * reads what this side had already taken with {@link Readable.read} and destroys them. From then on
	 * `onDone` is never called; the shell's exit, which only its parent can see, goes to `onExit` instead
	 * (at once if it has already exited). Undefined when the run is over or being stopped.
	 */
	releaseOutput(onExit: (outcome: ProcessOutcome) => void): { stdout: Readable; stderr: Readable } | undefined {
		const { stdout, stderr } = this._child;
		if (this._done || this._stopping || !stdout || !stderr || this._closed || this.pid === undefined) {
			return undefined;
		}
		this._done = true;
		this._delivering = false;
		this.clearTimers();
		for (const stream of [stdout, stderr]) {
			stream.pause();
		}
		this._onReleasedExit = onExit;
		const outcome = this._outcome;
		if (outcome) {
			queueMicrotask(() => onExit(outcome));
		}
		return { stdout, stderr };
	}

	/** Takes the pipes back after {@link releaseOutput}, when handing them over failed before anyone else read them. */
	reclaimOutput(): void {
		if (!this._onReleasedExit) {
			return;
		}
		this._onReleasedExit = undefined;
		this._done = false;
		this._delivering = true;
		this.resume();
		this.settle();
	}

	/**
	 * Forgets the process without waiting for it (on shutdown, after the caller signalled it): no more
	 * callbacks, and nothing of it keeps Node's event loop alive.
	 */
	abandon(): void {
		this._done = true;
		this._delivering = false;
		this.clearTimers();
		this._child.removeAllListeners();
		this._child.on('error', () => undefined);
		this._child.stdout?.destroy();
		this._child.stderr?.destroy();
		this._child.unref();
	}

	private killTree(synchronously: boolean): void {
		if (this.pid === undefined) {
			return;
		}
		const args = ['/pid', String(this.pid), '/T', '/F'];
		if (synchronously) {
			spawnSync('taskkill', args, { windowsHide: true, timeout: 5000, stdio: 'ignore' });
			this._treeKilled = true;
			return;
		}
		const killer = spawn('taskkill', args, { windowsHide: true, stdio: 'ignore' });
		killer.on('error', (error) => this._handlers.onWarning(`taskkill failed for ${this.pid}: ${error.message}`));
	}

	private clearTimers(): void {
		clearTimeout(this._killTimer);
		clearTimeout(this._pipeTimer);
		clearInterval(this._groupPoll);
		this._killTimer = undefined;
		this._pipeTimer = undefined;
		this._groupPoll = undefined;
	}

	private releasePipes(): void {
		if (!this._closed) {
			this._handlers.onWarning(`process group ${this.pid} was killed but its output pipes stayed open; closing them`);
			this._child.stdout?.destroy();
			this._child.stderr?.destroy();
		}
	}

	private settle(): void {
		if (this._done || !this._closed || !this._outcome) {
			return;
		}
		// Stopping: wait until the group is gone or has been sent SIGKILL, so cancel leaves nothing behind.
		// Exited members count until they are reaped, so look again shortly rather than only at the SIGKILL deadline.
		if (this._stopping && !this._killSent && this.groupAlive()) {
			this._groupPoll ??= setInterval(() => this.settle(), groupPollMilliseconds);
			return;
		}
		this._done = true;
		this.clearTimers();
		const outcome: ProcessOutcome = this._spawnError ? { exitCode: null, signal: null, error: this._spawnError } : this._outcome;
		this._handlers.onDone(outcome);
	}
}
