import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDecoder } from 'node:util';
import { Emitter, type Event } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { plainText } from './ansi';
import { taskEnvironment } from './environment';
import { ProcessRunner, type OutputStreamName, type ProcessOutcome } from './processRunner';
import type { Shell } from './shell';
import { TaskLog } from './taskLog';
import { TaskOutput } from './taskOutput';
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
} from './types';

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
}

/** Lines and characters of output a notice carries to the conversation. */
export const NOTICE_TAIL_LINES = 40;
export const NOTICE_TAIL_CHARS = 4000;
/** Finished tasks kept in the list and in tasks.json; older ones are removed with their logs. */
export const MAX_FINISHED_TASKS = 200;
/** Why tasks that were running when the window closed are no longer running. */
export const STOPPED_WITH_WINDOW = 'stopped with the window';
export const STOPPED_WHEN_WINDOW_CLOSED = 'stopped when the window closed';

const outputEventIntervalMilliseconds = 250;
/** Finished tasks whose whole in-memory tail stays; older ones keep only a short tail. */
const fullyRetainedFinishedTasks = 10;
const shortRetainedChars = 65_536;
/** How long dispose lets processes react to SIGTERM before it sends SIGKILL; it blocks meanwhile. */
const disposeGraceMilliseconds = 250;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface FinalResult {
	readonly status: TaskStatus;
	readonly reason?: string;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	readonly endedAt: number;
}

interface Task {
	/** Everything but `outputBytes`, which the output counts. */
	readonly state: Mutable<TaskInfo>;
	snapshot: TaskInfo | undefined;
	/** Present from launch on; for tasks loaded from disk, output is read from the log. */
	output: TaskOutput | undefined;
	runner: ProcessRunner | undefined;
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

/** The newest `maxBytes` of a log file, decoded; '' when there is no file. */
function readLogTail(logPath: string, maxBytes: number): string {
	let descriptor: number | undefined;
	try {
		descriptor = fs.openSync(logPath, 'r');
		const size = fs.fstatSync(descriptor).size;
		const length = Math.min(size, Math.max(0, maxBytes));
		const bytes = Buffer.alloc(length);
		const read = fs.readSync(descriptor, bytes, 0, length, size - length);
		let start = 0;
		// Starting inside a multi-byte character would decode as U+FFFD: skip its continuation bytes.
		while (start < read && start < 3 && (bytes[start] & 0xc0) === 0x80) {
			start++;
		}
		return new TextDecoder('utf-8').decode(bytes.subarray(start, read));
	} catch {
		return '';
	} finally {
		if (descriptor !== undefined) {
			fs.closeSync(descriptor);
		}
	}
}

/**
 * Runs shell commands as background tasks: queues them under `maxConcurrent`, keeps the tail of their
 * output in memory and all of it (up to a cap) in a log file, stops them with their whole process
 * group, remembers them across reloads, and queues one notice per finished task for the conversation.
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
		const records = [...loaded.tasks].sort((a, b) => (taskNumber(a.id) ?? 0) - (taskNumber(b.id) ?? 0));
		for (const record of records) {
			if (this._tasks.has(record.id)) {
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
		if (stoppedByClose || this.pruneFinished()) {
			this._taskStore.scheduleSave();
		}
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

	// #endregion

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
			// Loaded from disk: the log's tail stands for the output, the bytes before it for what memory dropped.
			const maxBytes = this._options.getSettings().memoryBufferBytes;
			const text = readLogTail(task.state.logPath, maxBytes);
			const dropped = Math.max(0, logSize(task.state.logPath) - maxBytes);
			end = dropped + text.length;
			const start = Math.min(Math.max(0, cursor), end);
			const skipped = Math.max(0, dropped - start);
			slice = { text: text.slice(Math.max(0, start - dropped)), skipped };
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

	/** Records whether the task should outlive a window reload. */
	setLeaveRunning(id: string, value: boolean): TaskInfo | undefined {
		const task = this._tasks.get(id);
		if (!task) {
			return undefined;
		}
		if ((task.state.leaveRunning ?? false) !== value) {
			task.state.leaveRunning = value;
			task.snapshot = undefined;
			this.fireChange(task, 'status');
			this._taskStore.scheduleSave();
		}
		return this.snapshot(task);
	}

	/**
	 * Stops every running task with its process group (SIGTERM, a short wait, SIGKILL for what is left)
	 * and saves them as cancelled. Synchronous: the window is closing and nothing would await it.
	 */
	override dispose(): void {
		if (this.isDisposed) {
			return;
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
			if (task.final) {
				continue;
			}
			task.runner?.abandon();
			task.runner = undefined;
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
		this._active++;
		task.holdsSlot = true;
		state.status = 'running';
		state.startedAt = this._now();
		state.pid = task.runner.pid;
		task.snapshot = undefined;
		if (state.timeoutSeconds !== undefined) {
			const seconds = state.timeoutSeconds;
			task.timeoutTimer = setTimeout(() => this.stop(task, 'timed out', `timed out after ${seconds} s`), seconds * 1000);
		}
		this._logger.debug(`${state.id} started (pid ${state.pid ?? 'unknown'}): ${state.command}`);
		this.fireChange(task, 'status');
		this._taskStore.scheduleSave();
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
		task.output?.push(chunk, stream);
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

	private resultOf(task: Task, outcome: ProcessOutcome): FinalResult {
		const endedAt = this._now();
		if (outcome.error) {
			return { status: 'failed', reason: `could not start: ${outcome.error.message}`, exitCode: null, signal: null, endedAt };
		}
		const { exitCode, signal } = outcome;
		if (task.stopRequest) {
			return { ...task.stopRequest, exitCode, signal, endedAt };
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
		if (announce) {
			this.pruneFinished();
			this._taskStore.scheduleSave();
			this.pump();
		}
	}

	// #endregion

	// #region Output, list and storage

	private rawOutput(task: Task): string {
		return task.output ? task.output.text() : readLogTail(task.state.logPath, this._options.getSettings().memoryBufferBytes);
	}

	private noticeTail(task: Task): string {
		// Escape codes take room too: read more than the notice keeps, then cut what is left after stripping.
		const raw = task.output ? task.output.tail(NOTICE_TAIL_CHARS * 4) : readLogTail(task.state.logPath, NOTICE_TAIL_CHARS * 4);
		return formatOutput(raw, { maxLines: NOTICE_TAIL_LINES, maxChars: NOTICE_TAIL_CHARS });
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

function logSize(logPath: string): number {
	try {
		return fs.statSync(logPath).size;
	} catch {
		return 0;
	}
}

function isFolder(folder: string): boolean {
	try {
		return fs.statSync(folder).isDirectory();
	} catch {
		return false;
	}
}

function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
