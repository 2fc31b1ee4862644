import { pidExists, processStartTime } from './procfs';

/**
 * No signal without identity: pids are reused, so a pid read from a file or remembered from earlier is
 * signalled only once its start time says it is still the same process. Where the platform tells no
 * start time (Windows), nothing is signalled by a remembered pid at all.
 */

/** Who leads a process group. A pgid is its leader's pid; the kernel does not reuse it while any member lives. */
export type GroupLeader =
	/** This process's own child: its pid cannot be reused until it is reaped (exited, as Node reaps at once). */
	| { readonly kind: 'child'; readonly exited: boolean }
	/** A process known from a record (a state file), with the start time recorded then. */
	| { readonly kind: 'recorded'; readonly startTime: string | undefined };

/**
 * Whether the group with this id is still the one its leader started. A process that has the
 * leader's pid but another start time (or appeared after our child was reaped) leads a group of
 * someone else's. Without a process of that pid, the members left (if any) are ours: the id stayed
 * theirs while one of them lived.
 */
export function groupIsOurs(pgid: number, leader: GroupLeader): boolean {
	if (!Number.isSafeInteger(pgid) || pgid <= 1) {
		return false;
	}
	if (!pidExists(pgid)) {
		return true;
	}
	if (leader.kind === 'child') {
		return !leader.exited;
	}
	return leader.startTime !== undefined && processStartTime(pgid) === leader.startTime;
}

/** Whether `pid` is still the process that started at `startTime`; never true without a start time. */
export function isIdentified(pid: number, startTime: string | undefined): boolean {
	return Number.isSafeInteger(pid) && pid > 1 && startTime !== undefined && processStartTime(pid) === startTime;
}

/** The error code when sending failed (`ESRCH`: gone), `EIDENTITY` when the process is not the one meant; undefined when sent. */
export type SignalFailure = string | undefined;

/** Signals one process after checking its start time. */
export function signalIdentified(pid: number, startTime: string | undefined, signal: NodeJS.Signals): SignalFailure {
	if (!isIdentified(pid, startTime)) {
		return 'EIDENTITY';
	}
	return send(pid, signal);
}

/** Signals a whole group after checking that it is still ours (see {@link groupIsOurs}). */
export function signalGroupOf(pgid: number, leader: GroupLeader, signal: NodeJS.Signals): SignalFailure {
	if (!groupIsOurs(pgid, leader)) {
		return 'EIDENTITY';
	}
	return send(-pgid, signal);
}

function send(target: number, signal: NodeJS.Signals): SignalFailure {
	try {
		process.kill(target, signal);
		return undefined;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code ?? String(error);
	}
}
