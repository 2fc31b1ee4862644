import * as path from 'node:path';
import { Emitter, type Event } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { plainText } from './ansi';
import { Launcher } from './launch';
import { NoticeQueue } from './notices';
import { formatOutput, noticeTail } from './outputFormat';
import { Retention, finishedBeyondLimit } from './retention';
import { Sampling } from './sampling';
import type { Shell } from './shell';
import { storeMarker } from './processMarks';
import { shutDown } from './shutdown';
import { Slots } from './slots';
import { cleanSupervisedFolder, removeSupervisorFiles } from './supervised/cleanup';
import { SupervisedLauncher } from './supervised/launch';
import { TaskRun, type TaskRunContext } from './taskRun';
import { OrphanTakeOver } from './orphanTakeOver';
import { TaskStore, recordOf, type TaskRecord } from './taskStore';
import type { ProcessIdentity } from './store/storeLock';
import { ProcessTracking } from './tracking';
import { checkedWaitCondition } from './waiting';
import type { BackgroundSettings, OutputSince, ReadOutputOptions, StartOptions, TaskChange, TaskInfo, TaskNotice, TaskService, WaitCondition, WaitOptions, WaitResult } from './types';

// The names this module exported before its parts moved to files of their own; src/agent imports some from here.
export { NOTICE_TAIL_CHARS, NOTICE_TAIL_LINES, formatOutput, lastLines } from './outputFormat';
export { MAX_FINISHED_TASKS } from './retention';
export { ENDED_EXIT_UNKNOWN, ENDED_WHILE_NO_WINDOW, STOPPED_WHEN_WINDOW_CLOSED, STOPPED_WHILE_NO_WINDOW, STOPPED_WITH_WINDOW } from './taskResult';

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
	/** This window's folder name in the store (a new one when absent) and the process that owns it (this one). */
	readonly window?: { readonly instance?: string; readonly identity?: ProcessIdentity };
	/** How often the store is searched for windows that closed or died, whose tasks this window takes over; 5 s by default. */
	readonly takeOverIntervalMilliseconds?: number;
}

const defaultTakeOverIntervalMilliseconds = 5000;

/**
 * Runs shell commands as background tasks: queues them under `maxConcurrent`, keeps the tail of their
 * output in memory and all of it (up to a cap) in a log file, stops them with their whole process
 * group, remembers them across reloads, and queues one notice per finished task for the conversation.
 * It owns the ids, the list of tasks, the events and the lookups; each task's state is its
 * {@link TaskRun}'s, and the rest is delegated to the parts named below.
 *
 * Leaving a task running across a window reload or close: a task started with `leaveRunning` runs
 * under a supervisor (supervised/supervisor.ts), a detached Node.js process that holds the command's
 * pipes, writes its log and records its pid, start time and end in a state file. This window follows
 * it through those files only, so when the window goes the task goes on, and the next manager on the
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
	/** In id order, oldest first. */
	private _runs = new Map<string, TaskRun>();
	private readonly _runContext: TaskRunContext;
	private readonly _slots: Slots<TaskRun>;
	private readonly _notices: NoticeQueue;
	/** Tasks removed from the list whose log waits for their notice to be saved with a conversation. */
	private readonly _logsToRemove = new Set<string>();
	/** Looks for windows that closed or died, to take their tasks over. */
	private readonly _orphanWatch: { dispose(): void };
	private readonly _retention = new Retention<TaskRun>();
	private readonly _sampling: Sampling;
	private readonly _tracking: ProcessTracking;
	private readonly _supervised: SupervisedLauncher;
	private readonly _launcher: Launcher;

	constructor(private readonly _options: TaskManagerOptions) {
		super();
		this._logger = _options.logger;
		this._now = _options.now ?? Date.now;
		const reportListenerError = (error: unknown) => this._logger.error(`A background task listener failed: ${String(error)}`);
		this._onDidChange = this._register(new Emitter<TaskChange>(reportListenerError));
		this.onDidChange = this._onDidChange.event;
		this._onDidFinish = this._register(new Emitter<TaskInfo>(reportListenerError));
		this.onDidFinish = this._onDidFinish.event;
		this._taskStore = new TaskStore(_options.storageDir, () => this.records(), this._logger, this._now, _options.window);
		this._taskStore.open();
		this._notices = new NoticeQueue(this._taskStore.journal);
		this._slots = new Slots(() => _options.getSettings().maxConcurrent);
		this._sampling = this._register(new Sampling(() => this._runs.values(), this._logger, _options.sampleIntervalMilliseconds));
		const tracking = this._register(new ProcessTracking(storeMarker(_options.storageDir), this._logger));
		this._tracking = tracking;
		this._runContext = {
			logger: this._logger,
			now: this._now,
			getSettings: _options.getSettings,
			changed: (run, kind) => this.fireChange(run, kind),
			recordChanged: () => this._taskStore.scheduleSave(),
			ended: (run, announce) => this.ended(run, announce),
			tracking,
		};
		const launchOptions = {
			store: this._taskStore,
			logger: this._logger,
			getSettings: _options.getSettings,
			now: this._now,
			baseEnv: _options.baseEnv ?? process.env,
			shell: _options.shell,
			marker: (id: string) => tracking.markerOf(id),
		};
		this._supervised = new SupervisedLauncher({ ...launchOptions, supervisorScript: _options.supervisorScript, nodeExecutable: _options.nodeExecutable });
		this._launcher = new Launcher({ ...launchOptions, supervised: this._supervised });

		const orphans = new OrphanTakeOver({
			store: this._taskStore,
			notices: this._notices,
			runContext: this._runContext,
			supervised: this._supervised,
			tracking,
			logger: this._logger,
			killGraceSeconds: () => _options.getSettings().killGraceSeconds,
			runs: () => this._runs,
			setRuns: (runs) => {
				this._runs = runs;
			},
			hold: (run) => this._slots.hold(run),
			announce: (run) => this.pushNotice(run, undefined),
			pruneFinished: () => this.pruneFinished(),
			added: (run) => this.fireChange(run, 'added'),
		});
		orphans.takeOver();
		cleanSupervisedFolder(this._taskStore, (id) => this._runs.get(id)?.isFinal === true, this._logger, this._now);
		this._orphanWatch = orphans.watch(_options.takeOverIntervalMilliseconds ?? defaultTakeOverIntervalMilliseconds, () => !this.isDisposed);
	}

	// #region TaskService

	start(command: string, options: StartOptions): TaskInfo {
		if (this.isDisposed) {
			throw new Error('The background task manager has been disposed.');
		}
		const id = this._taskStore.ids.next();
		const timeout = options.timeoutSeconds ?? this._options.getSettings().timeoutSeconds;
		const run = new TaskRun(
			{
				id,
				command,
				// A relative folder is taken from the default one, as the agent thinks of paths in the workspace.
				cwd: path.resolve(this._options.defaultCwd, options.cwd ?? '.'),
				origin: options.origin,
				conversationId: options.conversationId,
				caller: options.caller,
				status: 'queued',
				queuedAt: this._now(),
				outputBytes: 0,
				logPath: this._taskStore.logPath(id),
				timeoutSeconds: timeout > 0 ? timeout : undefined,
				leaveRunning: options.leaveRunning ? true : undefined,
			},
			options.env,
			this._runContext,
		);
		this._runs.set(id, run);
		this._slots.enqueue(run);
		this.fireChange(run, 'added');
		// On disk before its process starts: if this window dies the next moment, the next one still knows
		// the task and tells its conversation how it ended, rather than leave it waiting for a notice forever.
		this._taskStore.saveNow();
		this.pump();
		return run.info;
	}

	async cancel(id: string, reason?: string): Promise<TaskInfo | undefined> {
		const run = this._runs.get(id);
		if (!run) {
			return undefined;
		}
		run.requestStop('cancelled', reason ?? 'cancelled');
		return run.finished;
	}

	get(id: string): TaskInfo | undefined {
		return this._runs.get(id)?.info;
	}

	list(): readonly TaskInfo[] {
		return [...this._runs.values()].reverse().map((run) => run.info);
	}

	drain(conversationId?: string): TaskNotice[] {
		const notices = this._notices.drain(conversationId);
		if (notices.length > 0 && this.pruneFinished()) {
			this._taskStore.scheduleSave();
		}
		return notices;
	}

	acknowledge(taskIds: readonly string[]): void {
		this._notices.acknowledge(taskIds);
		for (const id of taskIds) {
			if (this._logsToRemove.delete(id)) {
				this._taskStore.removeLog(id);
			}
		}
	}

	hasPendingNotices(conversationId?: string): boolean {
		return this._notices.hasWaiting(conversationId);
	}

	pendingNotices(): readonly TaskInfo[] {
		return this._notices.waitingTasks();
	}

	readOutput(id: string, options?: ReadOutputOptions): string {
		const run = this._runs.get(id);
		return run ? formatOutput(run.text(), options) : '';
	}

	whenFinished(id: string): Promise<TaskInfo> {
		const run = this._runs.get(id);
		return run ? run.finished : Promise.reject(new Error(`There is no background task ${id}.`));
	}

	whenMainEnded(id: string): Promise<TaskInfo> {
		const run = this._runs.get(id);
		return run ? run.mainEnded : Promise.reject(new Error(`There is no background task ${id}.`));
	}

	clearFinished(): void {
		let removed = false;
		for (const run of [...this._runs.values()]) {
			if (run.isFinal) {
				this.remove(run);
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
		const run = this._runs.get(id);
		if (!run) {
			return Promise.reject(new Error(`There is no background task ${id}.`));
		}
		try {
			const { pattern, port } = checkedWaitCondition(condition);
			return run.waitFor(pattern, port, options);
		} catch (error) {
			return Promise.reject(error instanceof Error ? error : new Error(String(error)));
		}
	}

	findDuplicate(command: string, cwd?: string): TaskInfo | undefined {
		const folder = path.resolve(this._options.defaultCwd, cwd ?? '.');
		for (const run of this._runs.values()) {
			if (!run.isFinal && run.command === command && run.cwd === folder) {
				return run.info;
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
		this._sampling.setEnabled(enabled);
	}

	/**
	 * Output after `cursor` (0 at first, then the cursor this returned), for a view that appends as the
	 * task prints. The cursor counts bytes of the whole output (as UTF-8), including those no longer in memory.
	 */
	readOutputSince(id: string, cursor: number, options: Pick<ReadOutputOptions, 'keepAnsi'> = {}): OutputSince {
		const run = this._runs.get(id);
		if (!run) {
			return { text: '', skipped: 0, cursor };
		}
		const slice = run.since(cursor);
		return { text: options.keepAnsi ? slice.text : plainText(slice.text), skipped: slice.skipped, cursor: Math.max(slice.end, cursor) };
	}

	/** Starts the same command again in the same folder, as the user's (for the conversation the user is in). */
	rerun(id: string, options: { readonly conversationId?: string } = {}): TaskInfo {
		const run = this._runs.get(id);
		if (!run) {
			throw new Error(`There is no background task ${id}.`);
		}
		return this.start(run.command, { cwd: run.cwd, env: run.env, origin: 'user', conversationId: options.conversationId });
	}

	getLogPath(id: string): string | undefined {
		return this._runs.get(id)?.logPath;
	}

	/**
	 * Marks whether the task should outlive a window reload or close. A queued task starts under a
	 * supervisor; a running one is handed over to one (see the class comment); unmarking a task that
	 * runs under a supervisor makes it stop with the window again. Without a supervisor (none given,
	 * or Windows) the mark is kept but the task still stops with the window, which the logger says.
	 */
	setLeaveRunning(id: string, value: boolean): TaskInfo | undefined {
		const run = this._runs.get(id);
		if (!run) {
			return undefined;
		}
		if (run.markLeaveRunning(value)) {
			const ownProcess = run.ownProcess;
			if (value && ownProcess) {
				this._supervised.handOver(run, ownProcess);
			}
			this.fireChange(run, 'status');
			this._taskStore.scheduleSave();
		}
		return run.info;
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
		this._sampling.dispose();
		this._orphanWatch.dispose();
		shutDown([...this._runs.values()], this._logger, this._now, this._tracking);
		this._slots.clearQueue();
		this._taskStore.close();
		super.dispose();
	}

	/** Starts queued tasks, oldest first, while there is room. */
	private pump(): void {
		if (!this.isDisposed) {
			this._slots.pump((run) => this._launcher.launch(run));
		}
	}

	/**
	 * A task reached its final status: its slot, its notice, what stays in memory, the events. The
	 * notice is on disk before anyone hears of the end, also when the window closes (`announce` false:
	 * no events then), so that the next window delivers it.
	 */
	private ended(run: TaskRun, announce: boolean): void {
		this._slots.release(run);
		this.pushNotice(run, run.output);
		this._retention.keep(run);
		if (!announce) {
			return;
		}
		this.fireChange(run, 'status');
		this._onDidFinish.fire(run.info);
		this.pruneFinished();
		this._taskStore.scheduleSave();
		this.pump();
	}

	/**
	 * Records the notice of an ended task. A task another agent started through a tool has no
	 * conversation to tell (its caller waits for it), so it gets none: Meanwhile's chat must not hear of it.
	 */
	private pushNotice(run: TaskRun, output: Parameters<typeof noticeTail>[0]): void {
		if (run.info.origin !== 'tool') {
			this._notices.push({ task: run.info, outputTail: noticeTail(output, run.logPath) });
		}
	}

	/** Removes the oldest finished tasks beyond the limit, except those whose notice still waits. */
	private pruneFinished(): boolean {
		const removable = finishedBeyondLimit(this._runs.values(), (id) => this._notices.isPending(id));
		for (const run of removable) {
			this.remove(run);
		}
		return removable.length > 0;
	}

	private remove(run: TaskRun): void {
		this._runs.delete(run.id);
		this._retention.forget(run);
		run.dropOutput();
		this.fireChange(run, 'removed');
		if (this._notices.isPending(run.id)) {
			// Its notice names the log: it goes once the notice is saved with a conversation.
			this._logsToRemove.add(run.id);
		} else {
			this._taskStore.removeLog(run.id);
		}
		removeSupervisorFiles(this._taskStore, run.id, this._logger);
	}

	private records(): TaskRecord[] {
		return [...this._runs.values()].map((run) => recordOf(run.info));
	}

	private fireChange(run: TaskRun, kind: TaskChange['kind']): void {
		if (!this.isDisposed) {
			this._onDidChange.fire({ task: run.info, kind });
		}
	}
}
