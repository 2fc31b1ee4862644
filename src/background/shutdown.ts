import type { Logger } from '../common/logger';
import type { MarkedProcess } from './processMarks';
import type { TaskRun } from './taskRun';
import type { ProcessTracking } from './tracking';

/** How long shutdown lets processes react to SIGTERM before it sends SIGKILL; it blocks meanwhile. */
const disposeGraceMilliseconds = 250;

/** Blocks the thread; false where blocking the main thread is not allowed. */
function sleepSynchronously(milliseconds: number): boolean {
	try {
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
		return true;
	} catch {
		return false;
	}
}

/**
 * Ends every task as the window closes: stops each process group (SIGTERM, a short wait, SIGKILL for
 * what is left) and ends its task as cancelled, except tasks left running under a supervisor: those
 * are only no longer followed, and stay running for the next manager to adopt. Synchronous: the
 * window is closing and nothing would await it.
 */
export function shutDown(runs: readonly TaskRun[], logger: Logger, now: () => number, tracking?: ProcessTracking): void {
	const leaving = new Set<TaskRun>();
	for (const run of runs) {
		// One being stopped is not left running: it ends now, as the user asked, not in some later window.
		// One whose main process ended under its supervisor keeps what it started running too.
		if (!run.isFinal && (run.isFollowed || run.isLingering) && run.leaveRunning && !run.isStopping) {
			leaving.add(run);
			run.letGo();
		} else if (!run.isFinal && run.leaveRunning && run.hasProcess) {
			logger.info(`${run.id} was to be left running, but it does not run under a supervisor: it stops with the window.`);
		}
	}
	// By marker too: what left its task's group (setsid, double forks, daemons) stops with the window as well.
	const marked = tracking?.processesNowSync() ?? new Map<string, MarkedProcess[]>();
	const ownIds = new Set(runs.filter((run) => !leaving.has(run)).map((run) => run.id));
	const strays = [...marked].filter(([id]) => ownIds.has(id)).flatMap(([, processes]) => processes);
	const running = runs.filter((run) => run.hasProcess);
	for (const run of running) {
		run.signalGroup('SIGTERM');
	}
	tracking?.stopSync(strays, disposeGraceMilliseconds, sleepSynchronously);
	const deadline = performance.now() + disposeGraceMilliseconds;
	let alive = running.filter((run) => run.groupAlive());
	while (alive.length > 0 && performance.now() < deadline && sleepSynchronously(10)) {
		alive = alive.filter((run) => run.groupAlive());
	}
	for (const run of alive) {
		run.signalGroup('SIGKILL');
	}
	const endedAt = now();
	for (const run of runs) {
		if (!run.isFinal && !leaving.has(run)) {
			run.endWithWindow(endedAt);
		}
	}
}
