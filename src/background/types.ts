import type { Event } from '../common/event';
import type { TaskStatusWord } from '../shared/protocol';

export type TaskStatus = TaskStatusWord;
/** `tool`: another agent in VS Code started it through Meanwhile's Language Model Tools (see {@link TaskInfo.caller}). */
export type TaskOrigin = 'agent' | 'user' | 'tool';

export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['succeeded', 'failed', 'cancelled', 'timed out']);

export function isFinalStatus(status: TaskStatus): boolean {
	return FINAL_STATUSES.has(status);
}

/** A snapshot of one task. Immutable: a new object after every change. */
export interface TaskInfo {
	/** `bg-N`, N counting up per workspace, never reused (also across reloads). */
	readonly id: string;
	readonly command: string;
	readonly cwd: string;
	readonly origin: TaskOrigin;
	/**
	 * The conversation the task belongs to: the one whose agent started it, or the one shown when the
	 * user started it. Its notice is delivered there only; undefined: to the next conversation that asks.
	 */
	readonly conversationId?: string;
	/**
	 * For origin `tool`: who called, as the tree shows it (e.g. "VS Code chat"). Such a task has no
	 * conversation and sends no notice: its caller waits for it with the wait tool.
	 */
	readonly caller?: string;
	readonly status: TaskStatus;
	/** Why it ended when the exit code alone does not say (cancelled by whom, timed out after how long, stopped with the window). */
	readonly reason?: string;
	readonly pid?: number;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	/** Epoch milliseconds. */
	readonly queuedAt: number;
	readonly startedAt?: number;
	readonly endedAt?: number;
	readonly timeoutSeconds?: number;
	/** Bytes of output seen so far (stdout and stderr together). */
	readonly outputBytes: number;
	/** The task's full log file (capped by `background.logMaxBytes`). */
	readonly logPath: string;
	/** Ports the task's processes listen on, when detected. */
	readonly ports?: readonly number[];
	/** Whether the task should outlive a window reload. */
	readonly leaveRunning?: boolean;
	/** Set when this window re-adopted a task a previous window left running. */
	readonly adopted?: boolean;
	/** CPU and memory of the task's process group, sampled every few seconds while sampling is on. */
	readonly resources?: ResourceUsage;
	/** How its main process (the shell) ended, once it did while processes it started still run: the task runs on until they end. */
	readonly mainExit?: { readonly exitCode: number | null; readonly signal: string | null };
	/** The processes it started that still run after its main process ended (found by their marker, Linux). */
	readonly processesLeft?: readonly LeftProcess[];
}

/** A process a task started that outlived the task's main process. */
export interface LeftProcess {
	readonly pid: number;
	readonly command: string;
}

export interface StartOptions {
	/** Defaults to the manager's default cwd (the first workspace folder, else the home folder). */
	readonly cwd?: string;
	/** Added to the inherited environment; `ANTHROPIC_*` variables are removed whatever is passed. */
	readonly env?: Readonly<Record<string, string>>;
	readonly origin: TaskOrigin;
	/** See {@link TaskInfo.conversationId}. */
	readonly conversationId?: string;
	/** See {@link TaskInfo.caller}. */
	readonly caller?: string;
	/** Ends the task as `timed out` after this many seconds; 0 or absent: no timeout. */
	readonly timeoutSeconds?: number;
	/** Keep the task running across a window reload or close (see {@link TaskService.setLeaveRunning}). */
	readonly leaveRunning?: boolean;
}

export interface ResourceUsage {
	/** Percent of one core, summed over the group's processes (may exceed 100). */
	readonly cpuPercent: number;
	/** Resident memory of the group's processes, in bytes. */
	readonly memoryBytes: number;
	readonly processCount: number;
	/** Epoch milliseconds. */
	readonly sampledAt: number;
}

/** What `background_wait` and `background_run {ready}` wait for; several conditions: the first to hold wins. */
export interface WaitCondition {
	/** A regular expression (RE2 syntax, linear time; see common/linePattern.ts) matched against each new line of output, ANSI stripped. */
	readonly pattern?: string;
	/** A TCP port on the local machine that accepts connections (127.0.0.1 or ::1). */
	readonly port?: number;
	/** Wait for the task to end (the default when no condition is given). */
	readonly exit?: boolean;
}

export interface WaitOptions {
	readonly timeoutMs: number;
	readonly signal?: AbortSignal;
	/** Match the pattern against output already printed too (default true). */
	readonly includeExistingOutput?: boolean;
}

export interface WaitResult {
	/** `pattern`: the pattern matched; `port`: the port accepts connections; `exited`: the task ended (also when it ended before the pattern or port showed); `timeout`; `aborted`. */
	readonly outcome: 'pattern' | 'port' | 'exited' | 'timeout' | 'aborted';
	/** The line that matched, for `pattern`. */
	readonly line?: string;
	readonly port?: number;
	/** The task when the wait ended. */
	readonly task: TaskInfo;
}

/** One finished task as it reaches the conversation, exactly once. */
export interface TaskNotice {
	readonly task: TaskInfo;
	/** The last lines of output, ANSI codes stripped. */
	readonly outputTail: string;
}

export interface TaskChange {
	readonly task: TaskInfo;
	readonly kind: 'added' | 'status' | 'output' | 'removed';
}

export interface BackgroundSettings {
	readonly maxConcurrent: number;
	readonly killGraceSeconds: number;
	readonly memoryBufferBytes: number;
	readonly logMaxBytes: number;
	readonly timeoutSeconds: number;
}

export const DEFAULT_BACKGROUND_SETTINGS: BackgroundSettings = {
	maxConcurrent: 16,
	killGraceSeconds: 3,
	memoryBufferBytes: 1_048_576,
	logMaxBytes: 52_428_800,
	timeoutSeconds: 0,
};

export interface ReadOutputOptions {
	/** Keep ANSI escape codes (for display); stripped by default (for the model). */
	readonly keepAnsi?: boolean;
	/** At most this many characters, the newest kept. */
	readonly maxChars?: number;
	/** At most this many lines, the newest kept. */
	readonly maxLines?: number;
}

/** Output that arrived after a cursor, for views that append as a task prints. */
export interface OutputSince {
	/** The output after the cursor that is still held in memory (ANSI codes stripped unless kept). */
	readonly text: string;
	/** Bytes of output after the cursor no longer held in memory (the log file has them, up to its cap). */
	readonly skipped: number;
	/** Pass this back next time to get only what came after this call (a count of bytes of output, 0 at first). */
	readonly cursor: number;
}

/** What the agent and the UI see of the task engine. */
export interface TaskService {
	readonly onDidChange: Event<TaskChange>;
	/** Fires once per task when it reaches a final status. */
	readonly onDidFinish: Event<TaskInfo>;
	start(command: string, options: StartOptions): TaskInfo;
	cancel(id: string, reason?: string): Promise<TaskInfo | undefined>;
	get(id: string): TaskInfo | undefined;
	/** Newest first. */
	list(): readonly TaskInfo[];
	/**
	 * The notices of finished tasks for a conversation (those it started, and those of no conversation),
	 * oldest first, each once. They stay on disk until {@link acknowledge}: a conversation acknowledges
	 * them once it is saved with them. Without a conversation: every notice, acknowledged at once.
	 */
	drain(conversationId?: string): TaskNotice[];
	/** The conversation that drained these notices (or learned of these tasks' ends otherwise) has been saved. */
	acknowledge(taskIds: readonly string[]): void;
	/** Whether notices wait for this conversation (any conversation when undefined). */
	hasPendingNotices(conversationId?: string): boolean;
	/** The tasks whose notices wait to be drained, oldest first (each says its conversation). */
	pendingNotices(): readonly TaskInfo[];
	/** The in-memory tail of a task's output. */
	readOutput(id: string, options?: ReadOutputOptions): string;
	/** Output after a cursor (bytes of output seen); for views and readers that follow a task as it prints. */
	readOutputSince(id: string, cursor: number, options?: Pick<ReadOutputOptions, 'keepAnsi'>): OutputSince;
	/** Resolves when the task reaches a final status (at once if it has). */
	whenFinished(id: string): Promise<TaskInfo>;
	/**
	 * Resolves when the task's main process (its shell) has ended, with the task then: processes it
	 * started may still run (`status` still `running`), and the task ends when they have.
	 */
	whenMainEnded(id: string): Promise<TaskInfo>;
	/** Removes finished tasks from the list (their logs too). */
	clearFinished(): void;
	/** Waits until a condition holds, the task ends, the timeout passes or the signal aborts; never rejects for these. */
	waitFor(id: string, condition: WaitCondition, options: WaitOptions): Promise<WaitResult>;
	/** A running or queued task with the same command line and cwd, if any. */
	findDuplicate(command: string, cwd?: string): TaskInfo | undefined;
	/** Marks a task to survive (or not) a window reload or close. */
	setLeaveRunning(id: string, value: boolean): TaskInfo | undefined;
}
