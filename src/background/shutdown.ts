import type { Logger } from '../common/logger';
import type { TaskRun } from './taskRun';

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
export function shutDown(runs: readonly TaskRun[], logger: Logger, now: () => number): void {
	const leaving = new Set<TaskRun>();
	for (const run of runs) {
		// One being stopped is not left running: it ends now, as the user asked, not in some later window.
		if (!run.isFinal && run.isFollowed && run.leaveRunning && !run.isStopping) {
			leaving.add(run);
			run.letGo();
		} else if (!run.isFinal && run.leaveRunning && run.hasProcess) {
			logger.info(`${run.id} was to be left running, but it does not run under a supervisor: it stops with the window.`);
		}
	}
	const running = runs.filter((run) => run.hasProcess);
	for (const run of running) {
		run.signalGroup('SIGTERM');
	}
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
