import { errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import type { MarkedProcess } from './processMarks';
import type { TaskRun } from './taskRun';
import type { ProcessTracking } from './tracking';

/**
 * Processes that carry the marker of a task this window holds as ended: left by a window that crashed
 * or was killed (nothing stopped them), or that escaped a stop. They are stopped, and the task's row
 * and the log say so. Those of a task left running on purpose are left alone, and so are those of
 * tasks this window does not hold: another window on the same store may be running them.
 */
export async function stopStrayProcesses(runs: ReadonlyMap<string, TaskRun>, tracking: ProcessTracking, logger: Logger, graceMilliseconds: number): Promise<void> {
	if (!tracking.enabled) {
		return;
	}
	let found: Map<string, MarkedProcess[]>;
	try {
		found = await tracking.processesNow();
	} catch (error) {
		logger.debug(`Could not look for processes left by ended tasks: ${errorMessage(error)}`);
		return;
	}
	const stopping: Promise<void>[] = [];
	for (const [id, processes] of found) {
		const run = runs.get(id);
		if (!run || !run.isFinal) {
			continue;
		}
		const list = processes.map((each) => `${each.pid} ${each.command}`).join('; ');
		if (run.leaveRunning) {
			logger.info(`${id} was left running and has ended, but ${processes.length} process${processes.length === 1 ? '' : 'es'} it started still run${processes.length === 1 ? 's' : ''}: ${list}. They are left running.`);
			continue;
		}
		logger.warn(`${id} had ended, but ${processes.length} process${processes.length === 1 ? '' : 'es'} it started still ran (left by a window that did not stop them): stopping ${list}.`);
		run.noteStrayProcessesStopped(processes.length);
		stopping.push(tracking.stop(id, processes, graceMilliseconds));
	}
	await Promise.all(stopping);
}
