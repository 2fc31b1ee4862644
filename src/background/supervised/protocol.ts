import * as fs from 'node:fs';
import { isRecord } from '../../common/guards';
import { writePrivateFileAtomic } from '../../common/privateFiles';

/**
 * What the task manager and the supervisor (supervisor.ts) tell each other through files: the spec
 * the manager writes for a supervisor to start from, and the state file the supervisor keeps.
 */

/** A shell invocation, fixed by the manager so the supervisor runs the command exactly as a normal task would. */
export interface SupervisorInvocation {
	readonly file: string;
	readonly args: readonly string[];
}

export interface SupervisorSpec {
	readonly version: 1;
	/**
	 * `spawn`: start the command and hold its pipes. `pipes`: a command this window started is handed
	 * over: its pipes arrive as file descriptors 3 (stdout) and 4 (stderr), and descriptor 5 carries one
	 * line of JSON ({@link HandoverReady}) once the log may be appended to (or ends, if the window died first).
	 */
	readonly mode: 'spawn' | 'pipes';
	readonly id: string;
	readonly logPath: string;
	readonly statePath: string;
	readonly logMaxBytes: number;
	/** How long the supervisor lets the group react to SIGTERM before SIGKILL, when it is asked to stop. */
	readonly killGraceMilliseconds: number;
	/** `spawn` only. */
	readonly invocation?: SupervisorInvocation;
	readonly cwd?: string;
	readonly env?: Readonly<Record<string, string>>;
	/** `pipes` only: the running command's pid, which is also its process group. */
	readonly pid?: number;
}

/** What the window tells a `pipes` supervisor once it has closed its side of the log. */
export interface HandoverReady {
	readonly written: number;
	readonly dropped: number;
}

/** The supervisor's state file: written (atomically) when the command starts and when its run is over. */
export interface SupervisorState {
	readonly version: 1;
	readonly status: 'running' | 'exited';
	readonly supervisorPid: number;
	/** See `processStartTime`: with the pid, tells the supervisor from a later process that got its pid. */
	readonly supervisorStartTime?: string;
	/** The command's shell; the group has the same id. */
	readonly pid?: number;
	readonly pgid?: number;
	readonly startTime?: string;
	readonly startedAt?: number;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	/**
	 * A handed-over command's exit code is known only to its parent, the window that started it: when
	 * that window is gone, the supervisor only sees its output end.
	 */
	readonly exitUnknown?: boolean;
	/** Why the command could not run, or why the supervisor failed. */
	readonly error?: string;
	/** Set when the supervisor stopped the group because it was asked to (SIGTERM). */
	readonly stopped?: boolean;
	/** The last bytes the command wrote to stderr while the supervisor read its pipes, base64: the log mixes both streams. */
	readonly stderrTail?: string;
	readonly endedAt?: number;
}


function optionalNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** Writes through a temporary file and a rename, so a reader sees the old state or the new one, never half; the user's alone (specs hold environments). */
export function writeJsonAtomically(filePath: string, value: unknown): void {
	writePrivateFileAtomic(filePath, JSON.stringify(value));
}

/** Undefined when the file is missing or is not a state file. */
export function readSupervisorState(filePath: string): SupervisorState | undefined {
	let value: unknown;
	try {
		value = JSON.parse(fs.readFileSync(filePath, 'utf8'));
	} catch {
		return undefined;
	}
	if (!isRecord(value) || (value.status !== 'running' && value.status !== 'exited') || optionalNumber(value.supervisorPid) === undefined) {
		return undefined;
	}
	return {
		version: 1,
		status: value.status,
		supervisorPid: value.supervisorPid as number,
		supervisorStartTime: optionalString(value.supervisorStartTime),
		pid: optionalNumber(value.pid),
		pgid: optionalNumber(value.pgid),
		startTime: optionalString(value.startTime),
		startedAt: optionalNumber(value.startedAt),
		exitCode: value.exitCode === null ? null : optionalNumber(value.exitCode),
		signal: value.signal === null ? null : optionalString(value.signal),
		exitUnknown: value.exitUnknown === true ? true : undefined,
		error: optionalString(value.error),
		stopped: value.stopped === true ? true : undefined,
		stderrTail: optionalString(value.stderrTail),
		endedAt: optionalNumber(value.endedAt),
	};
}

/** Throws when the file is not a spec this supervisor can follow. */
export function parseSupervisorSpec(text: string): SupervisorSpec {
	const value: unknown = JSON.parse(text);
	if (
		!isRecord(value) ||
		value.version !== 1 ||
		(value.mode !== 'spawn' && value.mode !== 'pipes') ||
		typeof value.id !== 'string' ||
		typeof value.logPath !== 'string' ||
		typeof value.statePath !== 'string' ||
		optionalNumber(value.logMaxBytes) === undefined ||
		optionalNumber(value.killGraceMilliseconds) === undefined
	) {
		throw new Error('not a supervisor spec');
	}
	if (value.mode === 'spawn') {
		const invocation = value.invocation;
		if (!isRecord(invocation) || typeof invocation.file !== 'string' || !Array.isArray(invocation.args) || typeof value.cwd !== 'string' || !isRecord(value.env)) {
			throw new Error('a spawn spec needs an invocation, a cwd and an env');
		}
	} else if (optionalNumber(value.pid) === undefined) {
		throw new Error('a pipes spec needs the pid of the command');
	}
	return value as unknown as SupervisorSpec;
}
