import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Emitter, type Event } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { plainText } from './ansi';
import { taskEnvironment } from './environment';
import { FollowedRun, outcomeOfState, type FollowedOutcome, type FollowedRunHandlers } from './followedRun';
import { ProcessRunner, type OutputStreamName, type ProcessOutcome } from './processRunner';
import { isSameProcess, processStartTime } from './procfs';
import { ResourceSampler, type GroupSample } from './resourceSampler';
import { logSize, readLogBytes, readLogSince, readLogTail, utf8BoundaryInFile } from './logFile';
import { getShell, type Shell } from './shell';
import { readSupervisorState, writeJsonAtomically, type HandoverReady, type SupervisorSpec, type SupervisorState } from './supervisorProtocol';
import { TaskLog } from './taskLog';
import { TaskOutput, type OutputFlow } from './taskOutput';
import { TaskStore, taskNumber, type StoredState, type TaskRecord } from './taskStore';
import {
	isFinalStatus,
	type BackgroundSettings,
	type OutputSince,
	type ReadOutputOptions,
	type StartOptions,
	type TaskChange,
	type TaskInfo,
	type TaskNotice,
	type TaskService,
	type TaskStatus,
	type WaitCondition,
	type WaitOptions,
	type WaitResult,
} from './types';
import { MAX_LINE_CHARS, OutputWait, compilePattern } from './waiting';
import { errorMessage } from '../common/errors';

export interface TaskManagerOptions {
	/** The folder for tasks.json and logs/; one per workspace. */
	readonly storageDir: string;
	/** Where commands run when the caller names no folder. */
	readonly defaultCwd: string;
	/** Read again whenever a setting matters, so changes apply without a restart. */
	readonly getSettings: () => BackgroundSettings;
	readonly logger: Logger;
	/** The environment tasks inherit; defaults to this process's. */
	readonly baseEnv?: NodeJS.ProcessEnv;
	/** Epoch milliseconds, for the times recorded on tasks. */
	readonly now?: () => number;
	/** The shell that runs commands; detected when absent. */
	readonly shell?: Shell;
	/**
	 * The supervisor program (dist/supervisor.js) that runs tasks meant to outlive the window. Without
	 * it such tasks run as normal tasks, which stop with the window (the logger says so).
	 */
	readonly supervisorScript?: string;
	/**
	 * The Node.js that runs the supervisor; defaults to this process's executable, which in VS Code's
	 * extension host is Electron's, run as Node.js through `ELECTRON_RUN_AS_NODE`.
	 */
	readonly nodeExecutable?: string;
	/** How often CPU, memory and ports are sampled while sampling is on; about 3 s by default. */
	readonly sampleIntervalMilliseconds?: number;
}

/** Lines and characters of output a notice carries to the conversation. */
export const NOTICE_TAIL_LINES = 40;
export const NOTICE_TAIL_CHARS = 4000;
/** Finished tasks kept in the list and in tasks.json; older ones are removed with their logs. */
export const MAX_FINISHED_TASKS = 200;
/** Why tasks that were running when the window closed are no longer running. */
export const STOPPED_WITH_WINDOW = 'stopped with the window';
export const STOPPED_WHEN_WINDOW_CLOSED = 'stopped when the window closed';
/** Why a task left running is no longer running when no window saw how it ended. */
export const ENDED_WHILE_NO_WINDOW = 'ended while no window was open; its exit code is unknown';
/** Why a task left running ended when someone stopped its supervisor while no window was open. */
export const STOPPED_WHILE_NO_WINDOW = 'stopped while no window was open';
/** Why a task followed through its supervisor ended without an exit code while this window was open. */
export const ENDED_EXIT_UNKNOWN = 'ended; its exit code is unknown (its supervisor could not see it)';

const outputEventIntervalMilliseconds = 250;
/** Finished tasks whose whole in-memory tail stays; older ones keep only a short tail. */
const fullyRetainedFinishedTasks = 10;
const shortRetainedChars = 65_536;
/** How long dispose lets processes react to SIGTERM before it sends SIGKILL; it blocks meanwhile. */
const disposeGraceMilliseconds = 250;
const defaultSampleIntervalMilliseconds = 3000;
/** Spec files older than this belong to supervisors that never started; younger ones may be starting now. */
const staleSpecMilliseconds = 60_000;
/** The longest a timer can wait in Node.js. */
const maxTimerMilliseconds = 2_147_483_647;
/** Output that is only read, never written to a log by us: nothing to hold back. */
const noFlow: OutputFlow = { pause: () => undefined, resume: () => undefined };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface FinalResult {
	readonly status: TaskStatus;
	readonly reason?: string;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	readonly endedAt: number;
}

/** A running command as the manager drives it: a child process of this window, or one followed through its supervisor. */
interface TaskProcess {
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

interface Task {
	/** Everything but `outputBytes`, which the output counts. */
	readonly state: Mutable<TaskInfo>;
	snapshot: TaskInfo | undefined;
	/** Present from launch on; for tasks loaded from disk, output is read from the log. */
	output: TaskOutput | undefined;
	runner: TaskProcess | undefined;
	/** A command handed over to a supervisor keeps its runner here, only to hear the shell's exit (this window is its parent). */
	handedOver: ProcessRunner | undefined;
	readonly waiters: Set<OutputWait>;
	/** Ports a wait found accepting connections: kept in `ports` even where detection cannot see them. */
	readonly waitedPorts: Set<number>;
	/** Counts against maxConcurrent: from launch until the final status, so the list never shows more running. */
	holdsSlot: boolean;
	readonly env: Readonly<Record<string, string>> | undefined;
	/** Set when we stop the task: what it ends as, whatever the exit code. */
	stopRequest: { readonly status: 'cancelled' | 'timed out'; readonly reason: string } | undefined;
	/** The outcome while the log is being flushed, so dispose can finish the task without waiting. */
	pendingResult: FinalResult | undefined;
	timeoutTimer: NodeJS.Timeout | undefined;
	outputTimer: NodeJS.Timeout | undefined;
	lastOutputEventAt: number;
	final: boolean;
	noticePending: boolean;
	readonly finished: Promise<TaskInfo>;
	readonly resolveFinished: (task: TaskInfo) => void;
}

/** Blocks the thread; false where blocking the main thread is not allowed. */
function sleepSynchronously(milliseconds: number): boolean {
	try {
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
		return true;
	} catch {
		return false;
	}
}

/** The last `count` lines of `text` (a final newline does not start a line of its own). */
export function lastLines(text: string, count: number): string {
	if (count <= 0) {
		return '';
	}
	let position = text.endsWith('\n') ? text.length - 1 : text.length;
	for (let seen = 0; seen < count; seen++) {
		const newline = text.lastIndexOf('\n', position - 1);
		if (newline === -1) {
			return text;
		}
		position = newline;
	}
	return text.slice(position + 1);
}

/** Output as asked for: without ANSI codes unless kept, then cut to the newest lines and characters. */
export function formatOutput(raw: string, options: ReadOutputOptions = {}): string {
	let text = options.keepAnsi ? raw : plainText(raw);
	if (options.maxLines !== undefined) {
		text = lastLines(text, options.maxLines);
	}
	if (options.maxChars !== undefined && text.length > options.maxChars) {
		text = text.slice(text.length - Math.max(0, options.maxChars));
	}
	return text;
}

/**
 * Runs shell commands as background tasks: queues them under `maxConcurrent`, keeps the tail of their
 * output in memory and all of it (up to a cap) in a log file, stops them with their whole process
 * group, remembers them across reloads, and queues one notice per finished task for the conversation.
 *
 * Leaving a task running across a window reload or close: a task started with `leaveRunning` runs
 * under a supervisor (supervisor.ts), a detached Node.js process that holds the command's pipes,
 * writes its log and records its pid, start time and end in a state file. This window follows it
 * through those files only, so when the window goes the task goes on, and the next manager on the
 * same storage folder adopts it (checking pid and process start time, as pids are reused), or reports
 * how it ended meanwhile, once. A task marked with {@link setLeaveRunning} after it started is handed
 * over: its pipes are passed to a new supervisor and the task goes on as if it had started under one.
 * The one thing lost is its exit code when it ends while no window is open, as only the window that
 * started it is its parent; it is then reported as failed, exit code unknown.
 */
export class TaskManager extends Disposable implements TaskService {
	private readonly _onDidChange: Emitter<TaskChange>;
	readonly onDidChange: Event<TaskChange>;
	private readonly _onDidFinish: Emitter<TaskInfo>;
	readonly onDidFinish: Event<TaskInfo>;

	private readonly _taskStore: TaskStore;
	private readonly _logger: Logger;
	private readonly _now: () => number;
	private readonly _baseEnv: NodeJS.ProcessEnv;
	/** In id order, oldest first. */
	private readonly _tasks = new Map<string, Task>();
	private readonly _queue: Task[] = [];
	private readonly _notices: TaskNotice[] = [];
	private readonly _noticeTasks: Task[] = [];
	/** Finished tasks that still hold their whole output tail in memory, oldest first. */
	private readonly _fullyRetained: Task[] = [];
	private _nextId: number;
	private _active = 0;
	private _pumping = false;
	private readonly _sampler = new ResourceSampler();
	private _sampleTimer: NodeJS.Timeout | undefined;
	private _sampling = false;

	constructor(private readonly _options: TaskManagerOptions) {
		super();
		this._logger = _options.logger;
		this._now = _options.now ?? Date.now;
		this._baseEnv = _options.baseEnv ?? process.env;
		const reportListenerError = (error: unknown) => this._logger.error(`A background task listener failed: ${String(error)}`);
		this._onDidChange = this._register(new Emitter<TaskChange>(reportListenerError));
		this.onDidChange = this._onDidChange.event;
		this._onDidFinish = this._register(new Emitter<TaskInfo>(reportListenerError));
		this.onDidFinish = this._onDidFinish.event;
		this._taskStore = new TaskStore(_options.storageDir, () => this.storedState(), this._logger, this._now);

		const loaded = this._taskStore.load();
		this._nextId = loaded.nextId;
		let stoppedByClose = false;
		/** Tasks left running that ended while no window was open: announced once, below. */
		const endedMeanwhile: { task: Task; result: FinalResult }[] = [];
		const adopted = new Set<string>();
		const records = [...loaded.tasks].sort((a, b) => (taskNumber(a.id) ?? 0) - (taskNumber(b.id) ?? 0));
		for (const record of records) {
			if (this._tasks.has(record.id)) {
				continue;
			}
			const revived = record.leaveRunning && record.status === 'running' ? this.reviveSupervised(record) : undefined;
			if (revived) {
				this._tasks.set(record.id, revived.task);
				if (revived.result) {
					endedMeanwhile.push({ task: revived.task, result: revived.result });
				} else {
					adopted.add(record.id);
				}
				continue;
			}
			let state: Mutable<TaskInfo> = { ...record, logPath: this._taskStore.logPath(record.id) };
			if (!isFinalStatus(record.status)) {
				// The previous window ended without saying how its tasks ended; they did not survive it.
				state = { ...state, status: 'cancelled', reason: STOPPED_WHEN_WINDOW_CLOSED, endedAt: record.endedAt ?? loaded.savedAt };
				stoppedByClose = true;
			}
			const task = this.createTask(state, undefined);
			task.final = true;
			task.resolveFinished(this.snapshot(task));
			this._tasks.set(record.id, task);
		}
		for (const { task, result } of endedMeanwhile) {
			this.complete(task, result);
		}
		if (endedMeanwhile.length > 0) {
			// On disk before their state files go: a crash now must not announce them a second time.
			this._taskStore.saveNow();
		} else if (stoppedByClose || this.pruneFinished()) {
			this._taskStore.scheduleSave();
		}
		this.cleanSupervisedFolder(adopted);
	}

	// #region TaskService

	start(command: string, options: StartOptions): TaskInfo {
		if (this.isDisposed) {
			throw new Error('The background task manager has been disposed.');
		}
		const id = `bg-${this._nextId++}`;
		const timeout = options.timeoutSeconds ?? this._options.getSettings().timeoutSeconds;
		const task = this.createTask(
			{
				id,
				command,
				// A relative folder is taken from the default one, as the agent thinks of paths in the workspace.
				cwd: path.resolve(this._options.defaultCwd, options.cwd ?? '.'),
				origin: options.origin,
				status: 'queued',
				queuedAt: this._now(),
				outputBytes: 0,
				logPath: this._taskStore.logPath(id),
				timeoutSeconds: timeout > 0 ? timeout : undefined,
				leaveRunning: options.leaveRunning ? true : undefined,
			},
			options.env,
		);
		this._tasks.set(id, task);
		this._queue.push(task);
		this.fireChange(task, 'added');
		this._taskStore.scheduleSave();
		this.pump();
		return this.snapshot(task);
	}

	async cancel(id: string, reason?: string): Promise<TaskInfo | undefined> {
		const task = this._tasks.get(id);
		if (!task) {
			return undefined;
		}
		this.stop(task, 'cancelled', reason ?? 'cancelled');
		return task.finished;
	}

	get(id: string): TaskInfo | undefined {
		const task = this._tasks.get(id);
		return task && this.snapshot(task);
	}

	list(): readonly TaskInfo[] {
		return [...this._tasks.values()].reverse().map((task) => this.snapshot(task));
	}

	drain(): TaskNotice[] {
		const notices = this._notices.splice(0);
		for (const task of this._noticeTasks.splice(0)) {
			task.noticePending = false;
		}
		if (notices.length > 0 && this.pruneFinished()) {
			this._taskStore.scheduleSave();
		}
		return notices;
	}

	hasPendingNotices(): boolean {
		return this._notices.length > 0;
	}

	readOutput(id: string, options?: ReadOutputOptions): string {
		const task = this._tasks.get(id);
		return task ? formatOutput(this.rawOutput(task), options) : '';
	}

	whenFinished(id: string): Promise<TaskInfo> {
		const task = this._tasks.get(id);
		return task ? task.finished : Promise.reject(new Error(`There is no background task ${id}.`));
	}

	clearFinished(): void {
		let removed = false;
		for (const task of [...this._tasks.values()]) {
			if (task.final) {
				this.remove(task);
				removed = true;
			}
		}
		if (removed) {
			this._taskStore.scheduleSave();
		}
	}

	/**
	 * Waits for a line of output that matches `condition.pattern`, for `condition.port` to accept
	 * connections, or for the task to end, whichever comes first; resolves with `timeout` or `aborted`
	 * otherwise. Rejects only for an unknown task, an invalid pattern or port.
	 *
	 * The pattern is matched against each line as it arrives (ANSI codes stripped), after the output
	 * already in memory unless `includeExistingOutput` is false; a line still without its newline is
	 * matched after a short quiet spell. A port is tried on 127.0.0.1 and ::1 every 250 ms.
	 */
	waitFor(id: string, condition: WaitCondition, options: WaitOptions): Promise<WaitResult> {
		const task = this._tasks.get(id);
		if (!task) {
			return Promise.reject(new Error(`There is no background task ${id}.`));
		}
		let pattern: RegExp | undefined;
		try {
			pattern = condition.pattern !== undefined ? compilePattern(condition.pattern) : undefined;
		} catch (error) {
			return Promise.reject(error instanceof Error ? error : new Error(String(error)));
		}
		const port = condition.port;
		if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
			return Promise.reject(new Error(`${port} is not a TCP port (1 to 65535).`));
		}
		return new Promise((resolve) => {
			const wait = new OutputWait(pattern, port, options, (outcome, found) => {
				task.waiters.delete(wait);
				if (found.port !== undefined) {
					this.notePort(task, found.port);
				}
				resolve({ outcome, ...found, task: this.snapshot(task) });
			});
			task.waiters.add(wait);
			// Looking at new output only, the wait needs just the line in progress, not a megabyte of decoded tail.
			const existing = options.includeExistingOutput === false && task.output ? task.output.tail(MAX_LINE_CHARS * 4) : this.rawOutput(task);
			wait.start(existing, task.final);
		});
	}

	findDuplicate(command: string, cwd?: string): TaskInfo | undefined {
		const folder = path.resolve(this._options.defaultCwd, cwd ?? '.');
		for (const task of this._tasks.values()) {
			if (!task.final && task.state.command === command && task.state.cwd === folder) {
				return this.snapshot(task);
			}
		}
		return undefined;
	}

	// #endregion

	/**
	 * Samples CPU, memory and listening ports of running tasks every few seconds while on (for a view
	 * that shows them); off, nothing runs at all. Linux reads /proc; macOS has CPU and memory from `ps`
	 * but no ports; Windows has neither. Ports a {@link waitFor} saw open are shown everywhere.
	 */
	setSampling(enabled: boolean): void {
		if (enabled === (this._sampleTimer !== undefined) || (enabled && this.isDisposed)) {
			return;
		}
		if (!enabled) {
			clearInterval(this._sampleTimer);
			this._sampleTimer = undefined;
			return;
		}
		this._sampleTimer = setInterval(() => void this.sampleNow(), this._options.sampleIntervalMilliseconds ?? defaultSampleIntervalMilliseconds);
		this._sampleTimer.unref();
		void this.sampleNow();
	}

	/**
	 * Output after `cursor` (0 at first, then the cursor this returned), for a view that appends as the
	 * task prints. The cursor counts bytes of the whole output (as UTF-8), including those no longer in memory.
	 */
	readOutputSince(id: string, cursor: number, options: Pick<ReadOutputOptions, 'keepAnsi'> = {}): OutputSince {
		const task = this._tasks.get(id);
		if (!task) {
			return { text: '', skipped: 0, cursor };
		}
		let slice: { text: string; skipped: number };
		let end: number;
		if (task.output) {
			slice = task.output.since(cursor);
			end = task.output.totalLength;
		} else {
			// Loaded from disk: the log's tail stands for the output.
			const read = readLogSince(task.state.logPath, cursor, this._options.getSettings().memoryBufferBytes);
			slice = read;
			end = read.end;
		}
		return { text: options.keepAnsi ? slice.text : plainText(slice.text), skipped: slice.skipped, cursor: Math.max(end, cursor) };
	}

	/** Starts the same command again in the same folder, as the user's. */
	rerun(id: string): TaskInfo {
		const task = this._tasks.get(id);
		if (!task) {
			throw new Error(`There is no background task ${id}.`);
		}
		return this.start(task.state.command, { cwd: task.state.cwd, env: task.env, origin: 'user' });
	}

	getLogPath(id: string): string | undefined {
		return this._tasks.get(id)?.state.logPath;
	}

	/**
	 * Marks whether the task should outlive a window reload or close. A queued task starts under a
	 * supervisor; a running one is handed over to one (see the class comment); unmarking a task that
	 * runs under a supervisor makes it stop with the window again. Without a supervisor (none given,
	 * or Windows) the mark is kept but the task still stops with the window, which the logger says.
	 */
	setLeaveRunning(id: string, value: boolean): TaskInfo | undefined {
		const task = this._tasks.get(id);
		if (!task) {
			return undefined;
		}
		if ((task.state.leaveRunning ?? false) !== value) {
			task.state.leaveRunning = value;
			task.snapshot = undefined;
			if (value && task.runner instanceof ProcessRunner) {
				this.handOver(task, task.runner);
			}
			this.fireChange(task, 'status');
			this._taskStore.scheduleSave();
		}
		return this.snapshot(task);
	}

	/**
	 * Stops every running task with its process group (SIGTERM, a short wait, SIGKILL for what is left)
	 * and saves them as cancelled, except tasks left running under a supervisor: those are only no
	 * longer followed, and saved as running for the next manager to adopt. Synchronous: the window is
	 * closing and nothing would await it.
	 */
	override dispose(): void {
		if (this.isDisposed) {
			return;
		}
		clearInterval(this._sampleTimer);
		this._sampleTimer = undefined;
		const leaving = new Set<Task>();
		for (const task of this._tasks.values()) {
			// One being stopped is not left running: it ends now, as the user asked, not in some later window.
			if (!task.final && task.runner instanceof FollowedRun && task.state.leaveRunning && !task.stopRequest) {
				leaving.add(task);
				task.runner.abandon();
				task.runner = undefined;
				task.handedOver?.abandon();
				task.handedOver = undefined;
				clearTimeout(task.timeoutTimer);
				clearTimeout(task.outputTimer);
				task.outputTimer = undefined;
				for (const waiter of [...task.waiters]) {
					waiter.onEnd(true);
				}
			} else if (!task.final && task.state.leaveRunning && task.runner) {
				this._logger.info(`${task.state.id} was to be left running, but it does not run under a supervisor: it stops with the window.`);
			}
		}
		const running = [...this._tasks.values()].filter((task) => task.runner !== undefined);
		for (const task of running) {
			task.runner?.signalGroup('SIGTERM');
		}
		const deadline = performance.now() + disposeGraceMilliseconds;
		let alive = running.filter((task) => task.runner?.groupAlive());
		while (alive.length > 0 && performance.now() < deadline && sleepSynchronously(10)) {
			alive = alive.filter((task) => task.runner?.groupAlive());
		}
		for (const task of alive) {
			task.runner?.signalGroup('SIGKILL');
		}
		const endedAt = this._now();
		for (const task of this._tasks.values()) {
			if (task.final || leaving.has(task)) {
				continue;
			}
			task.runner?.abandon();
			task.runner = undefined;
			task.handedOver?.abandon();
			task.handedOver = undefined;
			task.output?.abandon();
			// A task that ended on its own and was only flushing its log keeps the way it ended; one being stopped keeps why.
			const result = task.pendingResult ?? { ...(task.stopRequest ?? { status: 'cancelled', reason: STOPPED_WITH_WINDOW }), endedAt };
			this.complete(task, result, false);
		}
		this._queue.length = 0;
		this._taskStore.close();
		super.dispose();
	}

	// #region Running

	private createTask(state: Mutable<TaskInfo>, env: Readonly<Record<string, string>> | undefined): Task {
		let resolveFinished: (task: TaskInfo) => void = () => undefined;
		const finished = new Promise<TaskInfo>((resolve) => (resolveFinished = resolve));
		return {
			state,
			snapshot: undefined,
			output: undefined,
			runner: undefined,
			handedOver: undefined,
			waiters: new Set(),
			waitedPorts: new Set(),
			holdsSlot: false,
			env,
			stopRequest: undefined,
			pendingResult: undefined,
			timeoutTimer: undefined,
			outputTimer: undefined,
			lastOutputEventAt: 0,
			final: false,
			noticePending: false,
			finished,
			resolveFinished,
		};
	}

	private maxConcurrent(): number {
		const value = Math.floor(this._options.getSettings().maxConcurrent);
		return Number.isFinite(value) && value >= 1 ? value : 1;
	}

	/** Starts queued tasks, oldest first, while there is room. */
	private pump(): void {
		// Launching can finish a task at once (a missing folder), which pumps again: the loop below covers that.
		if (this._pumping || this.isDisposed) {
			return;
		}
		this._pumping = true;
		try {
			while (this._queue.length > 0 && this._active < this.maxConcurrent()) {
				const task = this._queue.shift();
				if (task && !task.final) {
					this.launch(task);
				}
			}
		} finally {
			this._pumping = false;
		}
	}

	private launch(task: Task): void {
		const settings = this._options.getSettings();
		const { state } = task;
		if (!isFolder(state.cwd)) {
			this.complete(task, { status: 'failed', reason: `the working folder does not exist: ${state.cwd}`, endedAt: this._now() });
			return;
		}
		if (state.leaveRunning) {
			const unavailable = this.supervisorUnavailable();
			if (unavailable === undefined) {
				this.launchSupervised(task);
				return;
			}
			this._logger.info(`${state.id} runs as a normal task that stops with the window: ${unavailable}.`);
		}
		try {
			// Every time: someone may have deleted the folder since, and the log would be lost.
			this._taskStore.ensureFolders();
			const log = new TaskLog(state.logPath, Math.max(0, settings.logMaxBytes), (error) =>
				this._logger.warn(`${state.id}: could not write the log ${state.logPath}: ${error.message}`),
			);
			task.output = new TaskOutput(settings.memoryBufferBytes, log, {
				pause: () => task.runner?.pause(),
				resume: () => task.runner?.resume(),
			});
			task.runner = new ProcessRunner(
				{ command: state.command, cwd: state.cwd, env: taskEnvironment(this._baseEnv, task.env), shell: this._options.shell },
				{
					onOutput: (chunk, stream) => this.onOutput(task, chunk, stream),
					onDone: (outcome) => void this.onProcessDone(task, outcome),
					onWarning: (message) => this._logger.warn(`${state.id}: ${message}`),
				},
			);
		} catch (error) {
			task.runner = undefined;
			task.output?.abandon();
			this.complete(task, { status: 'failed', reason: `could not start: ${errorMessage(error)}`, endedAt: this._now() });
			return;
		}
		this.markRunning(task);
	}

	private markRunning(task: Task): void {
		const { state } = task;
		this._active++;
		task.holdsSlot = true;
		state.status = 'running';
		state.startedAt = this._now();
		state.pid = task.runner?.pid;
		task.snapshot = undefined;
		this.armTimeout(task);
		this._logger.debug(`${state.id} started (pid ${state.pid ?? 'not known yet'}): ${state.command}`);
		this.fireChange(task, 'status');
		this._taskStore.scheduleSave();
	}

	/** The timeout counts from the start, also for a task adopted from an earlier window. */
	private armTimeout(task: Task): void {
		const seconds = task.state.timeoutSeconds;
		if (seconds === undefined) {
			return;
		}
		const remaining = (task.state.startedAt ?? this._now()) + seconds * 1000 - this._now();
		task.timeoutTimer = setTimeout(() => this.stop(task, 'timed out', `timed out after ${seconds} s`), Math.min(maxTimerMilliseconds, Math.max(0, remaining)));
	}

	private stop(task: Task, status: 'cancelled' | 'timed out', reason: string): void {
		if (task.final || task.pendingResult) {
			return;
		}
		if (task.state.status === 'queued') {
			const index = this._queue.indexOf(task);
			if (index !== -1) {
				this._queue.splice(index, 1);
			}
			this.complete(task, { status, reason, endedAt: this._now() });
			return;
		}
		if (!task.runner || task.stopRequest) {
			return;
		}
		task.stopRequest = { status, reason };
		clearTimeout(task.timeoutTimer);
		const grace = Math.max(0, this._options.getSettings().killGraceSeconds) * 1000;
		task.runner.stop(grace);
	}

	private onOutput(task: Task, chunk: Buffer, stream: OutputStreamName): void {
		const text = task.output?.push(chunk, stream, task.waiters.size > 0);
		if (text && task.waiters.size > 0) {
			for (const waiter of [...task.waiters]) {
				waiter.onText(text);
			}
		}
		task.snapshot = undefined;
		if (task.outputTimer !== undefined) {
			return;
		}
		// Output can arrive thousands of times a second; listeners hear of it a few times a second at most.
		const wait = task.lastOutputEventAt + outputEventIntervalMilliseconds - performance.now();
		if (wait <= 0) {
			task.lastOutputEventAt = performance.now();
			this.fireChange(task, 'output');
			return;
		}
		task.outputTimer = setTimeout(() => {
			task.outputTimer = undefined;
			if (!task.final && !this.isDisposed) {
				task.lastOutputEventAt = performance.now();
				this.fireChange(task, 'output');
			}
		}, wait);
	}

	private async onProcessDone(task: Task, outcome: ProcessOutcome): Promise<void> {
		task.runner = undefined;
		clearTimeout(task.timeoutTimer);
		const result = this.resultOf(task, outcome);
		task.pendingResult = result;
		try {
			// The log must be complete before anyone is told the task ended: they may open it at once.
			await task.output?.finish();
		} catch (error) {
			this._logger.warn(`${task.state.id}: could not finish the log: ${errorMessage(error)}`);
		}
		if (!task.final) {
			this.complete(task, result);
		}
	}

	/** `noWindow`: the task ended while no window followed it (found by the next one). */
	private resultOf(task: Task, outcome: ProcessOutcome | FollowedOutcome, endedAt = this._now(), noWindow = false): FinalResult {
		if ('error' in outcome && outcome.error) {
			return { status: 'failed', reason: `could not start: ${outcome.error.message}`, exitCode: null, signal: null, endedAt };
		}
		if ('failure' in outcome && outcome.failure !== undefined) {
			return { status: 'failed', reason: outcome.failure, exitCode: null, signal: null, endedAt };
		}
		const { exitCode, signal } = outcome;
		if (task.stopRequest) {
			return { ...task.stopRequest, exitCode, signal, endedAt };
		}
		if ('stopped' in outcome && outcome.stopped) {
			return { status: 'cancelled', reason: noWindow ? STOPPED_WHILE_NO_WINDOW : 'its supervisor was told to stop it', exitCode, signal, endedAt };
		}
		if ('exitUnknown' in outcome && outcome.exitUnknown) {
			return { status: 'failed', reason: noWindow ? ENDED_WHILE_NO_WINDOW : ENDED_EXIT_UNKNOWN, exitCode: null, signal: null, endedAt };
		}
		if (signal) {
			return { status: 'failed', reason: `killed by ${signal}`, exitCode, signal, endedAt };
		}
		return { status: exitCode === 0 ? 'succeeded' : 'failed', exitCode, signal, endedAt };
	}

	/** The one way a task reaches its final status: notice, events and the waiting promise, once each. */
	private complete(task: Task, result: FinalResult, announce = true): void {
		if (task.final) {
			return;
		}
		task.final = true;
		task.pendingResult = undefined;
		if (task.holdsSlot) {
			task.holdsSlot = false;
			this._active--;
		}
		clearTimeout(task.timeoutTimer);
		clearTimeout(task.outputTimer);
		task.outputTimer = undefined;
		const { state } = task;
		state.status = result.status;
		state.reason = result.reason;
		state.exitCode = result.exitCode;
		state.signal = result.signal;
		state.endedAt = result.endedAt;
		// Nothing listens or uses a CPU any more; a notice saying "ready on :3000" would mislead.
		state.ports = undefined;
		state.resources = undefined;
		task.handedOver?.abandon();
		task.handedOver = undefined;
		task.snapshot = undefined;
		const info = this.snapshot(task);
		this._logger.debug(`${state.id} ${state.status}${state.reason ? ` (${state.reason})` : ''}`);
		if (announce) {
			this._notices.push({ task: info, outputTail: this.noticeTail(task) });
			this._noticeTasks.push(task);
			task.noticePending = true;
		}
		this.retainOutput(task);
		if (announce) {
			this.fireChange(task, 'status');
			this._onDidFinish.fire(info);
		}
		task.resolveFinished(info);
		for (const waiter of [...task.waiters]) {
			waiter.onEnd(false);
		}
		if (announce) {
			this.pruneFinished();
			this._taskStore.scheduleSave();
			this.pump();
		}
	}

	// #endregion

	// #region Supervised tasks

	/** Why tasks cannot be left running here, or undefined if they can. */
	private supervisorUnavailable(): string | undefined {
		if (process.platform === 'win32') {
			return 'leaving tasks running is not supported on Windows';
		}
		if (!this._options.supervisorScript) {
			return 'there is no supervisor to run it';
		}
		return undefined;
	}

	/** Starts the supervisor detached, so it outlives this process, with its spec in a file only we can read. */
	private spawnSupervisor(spec: SupervisorSpec, stdio: 'ignore' | ('ignore' | 'pipe' | Readable)[]): ChildProcess {
		const specPath = this._taskStore.specPath(spec.id);
		writeJsonAtomically(specPath, spec);
		// Our own environment minus what a task never sees; as Node.js even when this is Electron.
		const env: NodeJS.ProcessEnv = { ...taskEnvironment(process.env, undefined), ELECTRON_RUN_AS_NODE: '1' };
		delete env.NODE_OPTIONS;
		const supervisor = spawn(this._options.nodeExecutable ?? process.execPath, [this._options.supervisorScript ?? '', specPath], {
			cwd: this._options.storageDir,
			env,
			detached: true,
			stdio,
			windowsHide: true,
		});
		supervisor.unref();
		if (supervisor.pid !== undefined) {
			// Until the supervisor writes its own state (it takes Node.js a moment to start), a window
			// that loads tasks.json must still find it: a first state file, unless the supervisor was quicker.
			const first: SupervisorState = {
				version: 1,
				status: 'running',
				supervisorPid: supervisor.pid,
				supervisorStartTime: processStartTime(supervisor.pid),
				...(spec.pid !== undefined ? { pid: spec.pid, pgid: spec.pid } : {}),
			};
			try {
				fs.writeFileSync(spec.statePath, JSON.stringify(first), { flag: 'wx', mode: 0o600 });
			} catch {
				// The supervisor has written its state already.
			}
		}
		return supervisor;
	}

	private launchSupervised(task: Task): void {
		const settings = this._options.getSettings();
		const { state } = task;
		try {
			this._taskStore.ensureFolders();
			this._taskStore.ensureSupervisedFolder();
			const statePath = this._taskStore.statePath(state.id);
			fs.rmSync(statePath, { force: true });
			const spec: SupervisorSpec = {
				version: 1,
				mode: 'spawn',
				id: state.id,
				logPath: state.logPath,
				statePath,
				logMaxBytes: Math.max(0, settings.logMaxBytes),
				killGraceMilliseconds: Math.max(0, settings.killGraceSeconds) * 1000,
				invocation: (this._options.shell ?? getShell()).invocation(state.command),
				cwd: state.cwd,
				env: definedValues(taskEnvironment(this._baseEnv, task.env)),
			};
			const supervisor = this.spawnSupervisor(spec, 'ignore');
			task.output = new TaskOutput(settings.memoryBufferBytes, undefined, noFlow);
			task.runner = new FollowedRun({ statePath, logPath: state.logPath, supervisor, logOffset: 0 }, this.followHandlers(task));
		} catch (error) {
			task.runner?.abandon();
			task.runner = undefined;
			this.complete(task, { status: 'failed', reason: `could not start its supervisor: ${errorMessage(error)}`, endedAt: this._now() });
			return;
		}
		this.markRunning(task);
	}

	/**
	 * Moves a running task under a supervisor: its pipes go to a new supervisor, which appends to the
	 * log once this side has closed it, and from then on the task is followed like one started under a
	 * supervisor. Its exit code still comes from here while this window lives.
	 */
	private handOver(task: Task, runner: ProcessRunner): void {
		const unavailable = this.supervisorUnavailable();
		const output = task.output;
		if (unavailable !== undefined || !output || task.stopRequest || task.pendingResult) {
			this._logger.info(`${task.state.id} was marked to be left running, but it stops with the window: ${unavailable ?? 'it is ending'}.`);
			return;
		}
		const { state } = task;
		const settings = this._options.getSettings();
		let followed: FollowedRun | undefined;
		const pipes = runner.releaseOutput((outcome) => followed?.setExit(outcome));
		if (!pipes) {
			this._logger.info(`${state.id} was marked to be left running, but it is ending: it stops with the window.`);
			return;
		}
		let supervisor: ChildProcess;
		const statePath = this._taskStore.statePath(state.id);
		try {
			this._taskStore.ensureSupervisedFolder();
			fs.rmSync(statePath, { force: true });
			const spec: SupervisorSpec = {
				version: 1,
				mode: 'pipes',
				id: state.id,
				logPath: state.logPath,
				statePath,
				logMaxBytes: Math.max(0, settings.logMaxBytes),
				killGraceMilliseconds: Math.max(0, settings.killGraceSeconds) * 1000,
				pid: runner.pid,
			};
			supervisor = this.spawnSupervisor(spec, ['ignore', 'ignore', 'ignore', pipes.stdout, pipes.stderr, 'pipe']);
			if (supervisor.pid === undefined) {
				throw new Error('the supervisor did not start');
			}
		} catch (error) {
			// Nothing read the pipes but us: take them back, and the task goes on as before.
			runner.reclaimOutput();
			this._logger.warn(`${state.id} could not be handed over to a supervisor (${errorMessage(error)}): it stops with the window.`);
			return;
		}
		// What this side had read already but not yet taken: the supervisor reads only what comes after.
		for (const [stream, name] of [
			[pipes.stdout, 'stdout'],
			[pipes.stderr, 'stderr'],
		] as const) {
			let chunk: unknown;
			while ((chunk = stream.read()) !== null) {
				if (Buffer.isBuffer(chunk)) {
					this.onOutput(task, chunk, name);
				}
			}
			stream.destroy();
		}
		followed = new FollowedRun({ statePath, logPath: state.logPath, supervisor, pid: runner.pid, exitFromWindow: true }, this.followHandlers(task));
		task.runner = followed;
		task.handedOver = runner;
		const control = (supervisor.stdio as readonly unknown[])[5] as Writable | null;
		void this.finishHandOver(task, output, followed, control);
		this._logger.debug(`${state.id} was handed over to a supervisor (pid ${supervisor.pid}).`);
	}

	/** Closes this side of the log, then lets the supervisor append to it. */
	private async finishHandOver(task: Task, output: TaskOutput, followed: FollowedRun, control: Writable | null): Promise<void> {
		let ready: HandoverReady = { written: 0, dropped: 0 };
		try {
			ready = await output.closeLog();
		} catch (error) {
			this._logger.warn(`${task.state.id}: could not close the log before the hand-over: ${errorMessage(error)}`);
		}
		// Read from where this side stopped writing, before the supervisor may add to it.
		followed.begin(logSize(task.state.logPath));
		control?.on('error', () => undefined);
		control?.end(`${JSON.stringify(ready)}\n`);
	}

	private followHandlers(task: Task): FollowedRunHandlers {
		return {
			onOutput: (chunk) => this.onOutput(task, chunk, 'stdout'),
			onStarted: (pid) => {
				task.state.pid = pid;
				task.snapshot = undefined;
				this.fireChange(task, 'status');
				this._taskStore.scheduleSave();
			},
			onDone: (outcome) => this.onFollowedDone(task, outcome),
			onWarning: (message) => this._logger.warn(`${task.state.id}: ${message}`),
		};
	}

	private onFollowedDone(task: Task, outcome: FollowedOutcome): void {
		task.runner = undefined;
		clearTimeout(task.timeoutTimer);
		if (!task.final) {
			// No log to flush: the supervisor wrote it; this only ends the decoding.
			void task.output?.finish();
			this.complete(task, this.resultOf(task, outcome));
		}
		this.removeSupervisorFiles(task.state.id);
	}

	/**
	 * A task the previous window left running: adopted if its supervisor is still the same process,
	 * else finished the way its state file says (or as unknown). Undefined when the task never ran
	 * under a supervisor, which means it stopped with its window.
	 */
	private reviveSupervised(record: TaskRecord): { task: Task; result?: FinalResult } | undefined {
		const statePath = this._taskStore.statePath(record.id);
		const saved = readSupervisorState(statePath);
		if (!saved) {
			return undefined;
		}
		const task = this.createTask({ ...record, logPath: this._taskStore.logPath(record.id), pid: saved.pgid ?? saved.pid ?? record.pid }, undefined);
		if (saved.status === 'exited') {
			return { task, result: this.resultOf(task, outcomeOfState(saved), saved.endedAt ?? this._now(), true) };
		}
		if (!isSameProcess(saved.supervisorPid, saved.supervisorStartTime)) {
			// Gone without a word, or its pid now belongs to another process: either way it no longer runs.
			return { task, result: { status: 'failed', reason: ENDED_WHILE_NO_WINDOW, endedAt: this._now() } };
		}
		this.adopt(task, saved, statePath);
		return { task };
	}

	private adopt(task: Task, saved: SupervisorState, statePath: string): void {
		const settings = this._options.getSettings();
		const { state } = task;
		state.status = 'running';
		state.adopted = true;
		// The newest part of the log stands for the output so far, read now so it shows at once; positions still count all of it.
		const size = logSize(state.logPath);
		const start = utf8BoundaryInFile(state.logPath, Math.max(0, size - settings.memoryBufferBytes));
		task.output = new TaskOutput(settings.memoryBufferBytes, undefined, noFlow);
		task.output.skip(start);
		const tail = readLogBytes(state.logPath, start, size - start);
		task.output.push(tail, 'stdout');
		task.runner = new FollowedRun({ statePath, logPath: state.logPath, state: saved, logOffset: start + tail.length }, this.followHandlers(task));
		this._active++;
		task.holdsSlot = true;
		this.armTimeout(task);
		this._logger.info(`${state.id} was left running by an earlier window and is followed again (pid ${state.pid ?? 'unknown'}).`);
	}

	/** Deletes state and spec files no task needs: those of finished tasks, and specs no supervisor took. */
	private cleanSupervisedFolder(keep: ReadonlySet<string>): void {
		const folder = this._taskStore.supervisedFolder;
		let names: string[];
		try {
			names = fs.readdirSync(folder);
		} catch {
			return;
		}
		for (const name of names) {
			const id = /^(bg-\d+)\./.exec(name)?.[1];
			if (id !== undefined && keep.has(id)) {
				continue;
			}
			const file = path.join(folder, name);
			try {
				if (!name.endsWith('.state.json') && this._now() - fs.statSync(file).mtimeMs < staleSpecMilliseconds) {
					// A spec or temporary file this young may belong to a supervisor that is starting right now.
					continue;
				}
				fs.rmSync(file, { force: true });
			} catch (error) {
				this._logger.warn(`Could not delete ${file}: ${errorMessage(error)}`);
			}
		}
	}

	private removeSupervisorFiles(id: string): void {
		for (const file of [this._taskStore.statePath(id), this._taskStore.specPath(id)]) {
			void fs.promises.rm(file, { force: true }).catch((error: unknown) => this._logger.warn(`Could not delete ${file}: ${errorMessage(error)}`));
		}
	}

	// #endregion

	// #region Ports and sampling

	/** A port a wait found open, in the task's ports from now on. */
	private notePort(task: Task, port: number): void {
		task.waitedPorts.add(port);
		if (task.final) {
			return;
		}
		const ports = sortedPorts([...(task.state.ports ?? []), port]);
		if (!samePorts(ports, task.state.ports)) {
			task.state.ports = ports;
			task.snapshot = undefined;
			this.fireChange(task, 'status');
		}
	}

	/** One pass over the process table for all running tasks. */
	private async sampleNow(): Promise<void> {
		if (this._sampling || this.isDisposed) {
			return;
		}
		const groups = new Map<number, Task>();
		for (const task of this._tasks.values()) {
			const pid = task.runner?.pid;
			if (!task.final && pid !== undefined) {
				groups.set(pid, task);
			}
		}
		if (groups.size === 0) {
			return;
		}
		this._sampling = true;
		try {
			const samples = await this._sampler.sample([...groups.keys()]);
			for (const [pgid, task] of groups) {
				const sample = samples.get(pgid);
				if (sample && !task.final && task.runner?.pid === pgid && !this.isDisposed) {
					this.applySample(task, sample);
				}
			}
		} catch (error) {
			this._logger.debug(`Could not sample the background tasks' processes: ${errorMessage(error)}`);
		} finally {
			this._sampling = false;
		}
	}

	private applySample(task: Task, sample: GroupSample): void {
		const { state } = task;
		state.resources = sample.resources;
		task.snapshot = undefined;
		let portsChanged = false;
		if (sample.ports !== undefined) {
			const ports = sortedPorts([...sample.ports, ...task.waitedPorts]);
			if (!samePorts(ports, state.ports)) {
				state.ports = ports.length > 0 ? ports : undefined;
				portsChanged = true;
			}
		}
		// New numbers every few seconds are not a change of status: listeners that only care about status are not woken for them.
		this.fireChange(task, portsChanged ? 'status' : 'output');
	}

	// #endregion

	// #region Output, list and storage

	private rawOutput(task: Task): string {
		return task.output ? task.output.text() : readLogTail(task.state.logPath, this._options.getSettings().memoryBufferBytes);
	}

	private noticeTail(task: Task): string {
		// Escape codes take room too: read more than the notice keeps, then cut what is left after stripping.
		const raw = task.output ? task.output.tail(NOTICE_TAIL_CHARS * 4) : readLogTail(task.state.logPath, NOTICE_TAIL_CHARS * 4);
		const tail = formatOutput(raw, { maxLines: NOTICE_TAIL_LINES, maxChars: NOTICE_TAIL_CHARS });
		// stdout and stderr are two pipes: stdout printed before an error can be read after it and push the
		// error out of the tail. The last lines of stderr then follow, so the error always reaches the model.
		const stderr = task.output ? formatOutput(task.output.stderrTail(), { maxLines: 10, maxChars: 1500 }).trim() : '';
		const lastError = stderr.split('\n').at(-1) ?? '';
		if (lastError === '' || tail.includes(lastError)) {
			return tail;
		}
		return `${tail}\n--- the last lines written to stderr ---\n${stderr}`;
	}

	/** Old finished tasks keep a short tail in memory: a thousand finished builds must not each hold a megabyte. */
	private retainOutput(task: Task): void {
		if (!task.output) {
			return;
		}
		this._fullyRetained.push(task);
		while (this._fullyRetained.length > fullyRetainedFinishedTasks) {
			this._fullyRetained.shift()?.output?.shrink(shortRetainedChars);
		}
	}

	/** Removes the oldest finished tasks beyond the limit, except those whose notice still waits. */
	private pruneFinished(): boolean {
		let finished = 0;
		for (const task of this._tasks.values()) {
			if (task.final && !task.noticePending) {
				finished++;
			}
		}
		let excess = finished - MAX_FINISHED_TASKS;
		if (excess <= 0) {
			return false;
		}
		for (const task of [...this._tasks.values()]) {
			if (excess <= 0) {
				break;
			}
			if (task.final && !task.noticePending) {
				this.remove(task);
				excess--;
			}
		}
		return true;
	}

	private remove(task: Task): void {
		this._tasks.delete(task.state.id);
		const retained = this._fullyRetained.indexOf(task);
		if (retained !== -1) {
			this._fullyRetained.splice(retained, 1);
		}
		task.output = undefined;
		this.fireChange(task, 'removed');
		const logPath = task.state.logPath;
		void fs.promises.rm(logPath, { force: true }).catch((error: unknown) => this._logger.warn(`Could not delete ${logPath}: ${errorMessage(error)}`));
		this.removeSupervisorFiles(task.state.id);
	}

	private storedState(): StoredState {
		const tasks: TaskRecord[] = [];
		for (const task of this._tasks.values()) {
			const info = this.snapshot(task);
			tasks.push({
				id: info.id,
				command: info.command,
				cwd: info.cwd,
				origin: info.origin,
				status: info.status,
				reason: info.reason,
				pid: info.pid,
				exitCode: info.exitCode,
				signal: info.signal,
				queuedAt: info.queuedAt,
				startedAt: info.startedAt,
				endedAt: info.endedAt,
				timeoutSeconds: info.timeoutSeconds,
				outputBytes: info.outputBytes,
				leaveRunning: info.leaveRunning,
			});
		}
		return { nextId: this._nextId, tasks };
	}

	private snapshot(task: Task): TaskInfo {
		if (!task.snapshot || task.snapshot.outputBytes !== (task.output?.bytes ?? task.state.outputBytes)) {
			if (task.output) {
				task.state.outputBytes = task.output.bytes;
			}
			task.snapshot = Object.freeze({ ...task.state });
		}
		return task.snapshot;
	}

	private fireChange(task: Task, kind: TaskChange['kind']): void {
		if (!this.isDisposed) {
			this._onDidChange.fire({ task: this.snapshot(task), kind });
		}
	}

	// #endregion
}

function sortedPorts(ports: readonly number[]): number[] {
	return [...new Set(ports)].sort((a, b) => a - b);
}

function samePorts(a: readonly number[], b: readonly number[] | undefined): boolean {
	const other = b ?? [];
	return a.length === other.length && a.every((port, index) => port === other[index]);
}

/** An environment as plain strings: the spec is JSON, where an undefined value would vanish anyway. */
function definedValues(environment: NodeJS.ProcessEnv): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(environment)) {
		if (value !== undefined) {
			result[name] = value;
		}
	}
	return result;
}

function isFolder(folder: string): boolean {
	try {
		return fs.statSync(folder).isDirectory();
	} catch {
		return false;
	}
}

