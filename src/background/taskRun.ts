import { errorMessage } from '../common/errors';
import type { LinePattern } from '../common/linePattern';
import type { Logger } from '../common/logger';
import { TaskPorts } from './ports';
import type { OutputStreamName, ProcessOutcome, ProcessRunner, TaskProcess } from './processRunner';
import type { GroupSample } from './resourceSampler';
import type { FollowedOutcome, FollowedRun } from './supervised/followedRun';
import type { OutputFlow, TaskOutput } from './taskOutput';
import { STOPPED_WITH_WINDOW, resultOf, type FinalResult, type StopRequest } from './taskResult';
import { TaskLeftovers, type LeftoverRun } from './taskLeftovers';
import type { ProcessTracking } from './tracking';
import type { MarkedProcess } from './processMarks';
import type { BackgroundSettings, TaskInfo, WaitOptions, WaitResult } from './types';
import { RunOutput } from './runOutput';
import { RunnerSlot } from './runnerSlot';

/** The longest a timer can wait in Node.js. */
const maxTimerMilliseconds = 2_147_483_647;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a run tells the manager, and reads from it. */
export interface TaskRunContext {
	readonly logger: Logger;
	/** Epoch milliseconds. */
	now(): number;
	getSettings(): BackgroundSettings;
	/** Listeners should hear of a change of the task. */
	changed(run: TaskRun, kind: 'status' | 'output'): void;
	/** What tasks.json holds of the task changed. */
	recordChanged(): void;
	/** The task reached its final status (called once); `announce`: with a notice and events, not at load or shutdown. */
	ended(run: TaskRun, announce: boolean): void;
	/** Finds, watches and stops the processes a task started, wherever they went. */
	readonly tracking: ProcessTracking;
}

/**
 * One task from queued to running to its final status: its fields change here only, each through a
 * method that says why, and the one way to the final status is {@link complete}. The manager reads
 * it through {@link info}, an immutable snapshot that is made again after every change.
 */
export class TaskRun implements LeftoverRun {
	readonly id: string;
	readonly command: string;
	readonly cwd: string;
	readonly logPath: string;
	/** Everything but `outputBytes`, which the output counts. */
	private readonly _state: Mutable<TaskInfo>;
	private _snapshot: TaskInfo | undefined;
	private readonly _output: RunOutput;
	/** What runs it now; also holds the process back while its log catches up. */
	private readonly _runner = new RunnerSlot();
	private readonly _ports = new TaskPorts();
	private _stopRequest: StopRequest | undefined;
	/** The outcome while the log is being flushed, so shutdown can finish the task without waiting. */
	private _pendingResult: FinalResult | undefined;
	private _timeoutTimer: NodeJS.Timeout | undefined;
	private _final = false;
	private _resolveFinished: (info: TaskInfo) => void = () => undefined;
	/** Resolves with the task's final snapshot. */
	readonly finished: Promise<TaskInfo>;
	/** Processes it started that outlive its main process. */
	private readonly _leftovers: TaskLeftovers;
	private _resolveMainEnded: (info: TaskInfo) => void = () => undefined;
	/**
	 * Resolves when its main process has ended (with the snapshot then), whether or not processes it
	 * started run on; also when it ends without having run.
	 */
	readonly mainEnded: Promise<TaskInfo>;
	/** Holds the process back while its log catches up; whichever process runs the task at the time. */
	readonly flow: OutputFlow = this._runner;

	constructor(
		info: TaskInfo,
		/** Variables the task's environment gets on top of the inherited one. */
		readonly env: Readonly<Record<string, string>> | undefined,
		private readonly _context: TaskRunContext,
	) {
		this._state = { ...info };
		({ id: this.id, command: this.command, cwd: this.cwd, logPath: this.logPath } = info);
		this.finished = new Promise((resolve) => (this._resolveFinished = resolve));
		this.mainEnded = new Promise((resolve) => (this._resolveMainEnded = resolve));
		this._leftovers = new TaskLeftovers(this, _context.tracking, _context.logger, () => _context.now());
		this._output = new RunOutput(info.logPath, () => _context.getSettings().memoryBufferBytes, () => {
			if (!this._final) {
				this._context.changed(this, 'output');
			}
		});
	}

	/** A task that ended before this manager existed (as tasks.json says): final from the start, without notice or events. */
	static ended(info: TaskInfo, context: TaskRunContext): TaskRun {
		const run = new TaskRun(info, undefined, context);
		run._final = true;
		run._resolveFinished(run.info);
		run._resolveMainEnded(run.info);
		return run;
	}

	// #region Reading

	get leaveRunning(): boolean {
		return this._state.leaveRunning ?? false;
	}

	get isFinal(): boolean {
		return this._final;
	}

	/** We asked its process group to stop and wait for it to end. */
	get isStopping(): boolean {
		return this._stopRequest !== undefined;
	}

	get stopRequest(): StopRequest | undefined {
		return this._stopRequest;
	}

	/** Its process has ended and its log is being flushed. */
	get isEnding(): boolean {
		return this._pendingResult !== undefined;
	}

	/** Its main process ended while processes it started still run (it is running until they end). */
	get isLingering(): boolean {
		return this._leftovers.isLingering;
	}

	/** A process runs it now: a child of this window, or one followed through its supervisor. */
	get hasProcess(): boolean {
		return this._runner.isSet;
	}

	/** The process group that runs it now, if any. */
	get processGroup(): number | undefined {
		return this._runner.pid;
	}

	/** The child process of this window that runs it, when that is what runs it (not a supervisor). */
	get ownProcess(): ProcessRunner | undefined {
		return this._runner.own;
	}

	/** It runs under a supervisor, followed through its files. */
	get isFollowed(): boolean {
		return this._runner.isFollowed;
	}

	/** Present from launch on; for tasks loaded from disk, output is read from the log. */
	get output(): TaskOutput | undefined {
		return this._output.current;
	}

	get hasOutput(): boolean {
		return this._output.current !== undefined;
	}

	/** The task as it is now; the same object until something changes. */
	get info(): TaskInfo {
		const output = this._output.current;
		if (!this._snapshot || this._snapshot.outputBytes !== (output?.bytes ?? this._state.outputBytes)) {
			if (output) {
				this._state.outputBytes = output.bytes;
			}
			this._snapshot = Object.freeze({ ...this._state });
		}
		return this._snapshot;
	}

	/** All the output held: in memory, or for a task loaded from disk, the log's tail. ANSI codes kept. */
	text(): string {
		return this._output.text();
	}

	/** Output after `cursor`, and where the output ends now (see `TaskManager.readOutputSince`). ANSI codes kept. */
	since(cursor: number): { text: string; skipped: number; end: number } {
		return this._output.since(cursor);
	}

	/** Changes what the task is; the next {@link info} is a new snapshot. */
	private update(change: Partial<Mutable<TaskInfo>>): void {
		Object.assign(this._state, change);
		this._snapshot = undefined;
	}

	// #endregion

	// #region From queued to running

	/** The output, before the process that writes to it starts (it may fail to). */
	attachOutput(output: TaskOutput): void {
		this._output.attach(output);
	}

	/** Launched: running from now on, its timeout counting. */
	markRunning(runner: TaskProcess): void {
		this._runner.set(runner);
		this.update({ status: 'running', startedAt: this._context.now(), pid: runner.pid });
		this.armTimeout();
		this._context.logger.debug(`${this.id} started (pid ${runner.pid ?? 'not known yet'}): ${this.command}`);
		this._context.changed(this, 'status');
		this._context.recordChanged();
	}

	/** Left running by an earlier window, and followed again from this one. */
	markAdopted(output: TaskOutput, runner: FollowedRun): void {
		this.update({ status: 'running', adopted: true });
		this._output.attach(output);
		this._runner.set(runner);
		this.armTimeout();
	}

	/** Its supervisor started the command: its pid is known now. */
	notePid(pid: number): void {
		this.update({ pid });
		this._context.changed(this, 'status');
		this._context.recordChanged();
	}

	/** Whether it should outlive the window; false when that was so already. */
	markLeaveRunning(value: boolean): boolean {
		if (this.leaveRunning === value) {
			return false;
		}
		this.update({ leaveRunning: value });
		return true;
	}

	/** Its command runs under a supervisor from now on; its own runner stays only to hear the shell's exit. */
	handOverTo(followed: FollowedRun, runner: ProcessRunner): void {
		this._runner.handOver(followed, runner);
	}

	/** The timeout counts from the start, also for a task adopted from an earlier window. */
	private armTimeout(): void {
		const seconds = this._state.timeoutSeconds;
		if (seconds === undefined) {
			return;
		}
		const remaining = (this._state.startedAt ?? this._context.now()) + seconds * 1000 - this._context.now();
		this._timeoutTimer = setTimeout(() => this.requestStop('timed out', `timed out after ${seconds} s`), Math.min(maxTimerMilliseconds, Math.max(0, remaining)));
	}

	// #endregion

	// #region While it runs

	/** A chunk of output, from its process or from the log its supervisor writes. */
	receiveOutput(chunk: Buffer, stream: OutputStreamName): void {
		this._output.push(chunk, stream);
		this._snapshot = undefined;
	}

	/** A port a wait found open, in the task's ports from now on. */
	private notePort(port: number): void {
		const ports = this._ports.addWaited(port, this._state.ports);
		if (ports && !this._final) {
			this.update({ ports });
			this._context.changed(this, 'status');
		}
	}

	/** CPU, memory and listening ports of its process group, as just sampled. */
	recordSample(sample: GroupSample): void {
		const ports = sample.ports !== undefined ? this._ports.sampled(sample.ports, this._state.ports) : undefined;
		this.update(ports ? { resources: sample.resources, ports: ports.length > 0 ? ports : undefined } : { resources: sample.resources });
		// New numbers every few seconds are not a change of status: listeners that only care about status are not woken for them.
		this._context.changed(this, ports ? 'status' : 'output');
	}

	/** Waits for a line, a port or the end (see `TaskManager.waitFor`); the pattern and the port are valid. */
	waitFor(pattern: LinePattern | undefined, port: number | undefined, options: WaitOptions): Promise<WaitResult> {
		return new Promise((resolve) => {
			this._output.wait(pattern, port, options, this._final, (outcome, found) => {
				if (found.port !== undefined) {
					this.notePort(found.port);
				}
				resolve({ outcome, ...found, task: this.info });
			});
		});
	}

	/** Stops it: a queued task ends at once; a running one's group gets SIGTERM, SIGKILL after the grace period, and it ends as `status`. */
	requestStop(status: StopRequest['status'], reason: string): void {
		if (this._final) {
			return;
		}
		if (this._pendingResult) {
			// Its main process has ended and its log is being flushed: what it left is stopped, not waited for.
			this._stopRequest ??= { status, reason };
			return;
		}
		if (this._state.status === 'queued') {
			this.complete({ status, reason, endedAt: this._context.now() });
			return;
		}
		if (this._stopRequest || (!this._runner.isSet && !this._leftovers.isLingering)) {
			return;
		}
		this._stopRequest = { status, reason };
		clearTimeout(this._timeoutTimer);
		const grace = Math.max(0, this._context.getSettings().killGraceSeconds) * 1000;
		// Its group, and every process it started that left the group: all get SIGTERM, then SIGKILL.
		const stopping = this._leftovers.stop(grace);
		if (!this._runner.stop(grace)) {
			const lingering = this._leftovers.result;
			void stopping.then(() => lingering && this.complete({ ...lingering, status, reason, endedAt: this._context.now() }));
		}
	}

	// #endregion

	// #region Ending

	/** Its shell exited; its pipes may stay open while processes it started hold them. */
	mainExited(outcome: ProcessOutcome): void {
		if (this._final || this._state.mainExit) {
			return;
		}
		this.update({ mainExit: { exitCode: outcome.exitCode, signal: outcome.signal } });
		this._resolveMainEnded(this.info);
		this._leftovers.lookSoon(() => this._runner.isSet && !this._final && !this._pendingResult && !this._stopRequest);
	}

	/** Its own process ended. */
	async processEnded(outcome: ProcessOutcome): Promise<void> {
		this._runner.clear();
		clearTimeout(this._timeoutTimer);
		const result = resultOf(outcome, this._stopRequest, this._context.now());
		this._pendingResult = result;
		try {
			// The log must be complete before anyone is told the task ended: they may open it at once.
			await this._output.current?.finish();
		} catch (error) {
			this._context.logger.warn(`${this._state.id}: could not finish the log: ${errorMessage(error)}`);
		}
		if (!this._final) {
			await this._leftovers.settle(result);
		}
	}

	/** The run its supervisor followed is over, and all of its log has been read. */
	followedRunEnded(outcome: FollowedOutcome): void {
		this._runner.clear();
		clearTimeout(this._timeoutTimer);
		if (!this._final) {
			if (outcome.stderrTail) {
				this._output.current?.appendStderr(outcome.stderrTail);
			}
			// No log to flush: the supervisor wrote it; this only ends the decoding.
			void this._output.current?.finish();
			const result = resultOf(outcome, this._stopRequest, this._context.now());
			this._pendingResult = result;
			void this._leftovers.settle(result);
		}
	}

	runsOn(result: FinalResult): void {
		this._pendingResult = undefined;
		// Why the main process's end is not the whole story (its supervisor died, say) shows on the row meanwhile.
		this.update({ mainExit: this._state.mainExit ?? { exitCode: result.exitCode ?? null, signal: result.signal ?? null }, reason: result.reason });
		this._resolveMainEnded(this.info);
		this.armTimeout();
	}

	/**
	 * A task left running whose command ended while no window was open, but whose processes still run:
	 * adopted as running, watched until the last ends, then it ends as `result` says.
	 */
	adoptLeftovers(result: FinalResult, left: readonly MarkedProcess[]): void {
		if (this._final || left.length === 0) {
			return;
		}
		this.update({ status: 'running', adopted: true, mainExit: undefined });
		this.runsOn(result);
		this._leftovers.linger(result, left);
	}

	showLeftovers(left: readonly MarkedProcess[]): void {
		this.update({ processesLeft: left.length > 0 ? left.map(({ pid, command }) => ({ pid, command })) : undefined });
		this._context.changed(this, 'status');
	}

	/** The one way a task reaches its final status: notice, events and the waiting promise, once each. */
	complete(result: FinalResult, announce = true): void {
		if (this._final) {
			return;
		}
		this._final = true;
		this._pendingResult = undefined;
		this._leftovers.clear();
		clearTimeout(this._timeoutTimer);
		const { status, reason, exitCode, signal, endedAt } = result;
		// Nothing listens or uses a CPU any more; a notice saying "ready on :3000" would mislead.
		this.update({ status, reason, exitCode, signal, endedAt, processesLeft: undefined, ports: undefined, resources: undefined });
		this._runner.releaseHandedOver();
		const info = this.info;
		this._context.logger.debug(`${this.id} ${status}${reason ? ` (${reason})` : ''}`);
		this._context.ended(this, announce);
		this._resolveMainEnded(info);
		this._resolveFinished(info);
		this._output.end(false);
	}

	/** Stops following it as the window closes: it goes on under its supervisor, for the next window to adopt. */
	letGo(): void {
		this._runner.detach();
		clearTimeout(this._timeoutTimer);
		this._leftovers.stopWatching();
		this._output.end(true);
	}

	signalGroup(signal: NodeJS.Signals): boolean {
		return this._runner.signalGroup(signal);
	}

	groupAlive(): boolean {
		return this._runner.groupAlive();
	}

	/** Ends it as the window closes, its group signalled already; no notice, no events. */
	endWithWindow(endedAt: number): void {
		this._runner.detach();
		this._output.current?.abandon();
		// A task that ended on its own and was only flushing its log keeps the way it ended; one being stopped keeps why.
		const result = this._pendingResult ?? { ...(this._stopRequest ?? { status: 'cancelled', reason: STOPPED_WITH_WINDOW }), endedAt };
		this.complete(result, false);
	}

	/** Processes it started outlived it (their window crashed) and were stopped now: its row says so. */
	noteStrayProcessesStopped(count: number): void {
		const note = `${count} process${count === 1 ? '' : 'es'} it left running ${count === 1 ? 'was' : 'were'} stopped when this window opened`;
		this.update({ reason: this._state.reason ? `${this._state.reason}; ${note}` : note });
		this._context.changed(this, 'status');
		this._context.recordChanged();
	}

	/** Keeps at most the newest `maxBytes` of a finished task's output in memory. */
	shrinkOutput(maxBytes: number): void {
		this._output.shrink(maxBytes);
	}

	/** Removed from the list: its output needs no memory any more. */
	dropOutput(): void {
		this._output.drop();
	}

	// #endregion
}
