import { logSize, readLogBytes, utf8BoundaryInFile } from '../logFile';
import { isIdentified } from '../signals';
import { TaskOutput } from '../taskOutput';
import { ENDED_WHILE_NO_WINDOW, STOPPED_WHEN_WINDOW_CLOSED, resultOf, type FinalResult } from '../taskResult';
import { TaskRun, type TaskRunContext } from '../taskRun';
import { taskNumber, type TaskRecord, type TaskStore } from '../taskStore';
import { isFinalStatus, type TaskInfo } from '../types';
import { FollowedRun, outcomeOfState } from './followedRun';
import { noFlow, type SupervisedLauncher } from './launch';
import { readSupervisorState, type SupervisorState } from './protocol';

export interface RecoveryOptions {
	readonly store: TaskStore;
	readonly context: TaskRunContext;
	readonly launcher: SupervisedLauncher;
}

/** The tasks of tasks.json as this manager takes them over. */
export interface RecoveredTasks {
	/** Every task, in id order, oldest first. */
	readonly runs: readonly TaskRun[];
	/** Tasks left running whose supervisor still runs them: followed again, running. */
	readonly adopted: readonly TaskRun[];
	/** Tasks left running that ended while no window was open: to be completed (and announced) once. */
	readonly endedMeanwhile: readonly { readonly run: TaskRun; readonly result: FinalResult }[];
	/** Tasks that were running or queued when their window ended without saying how they ended: cancelled now, and to be announced. */
	readonly stoppedByClose: readonly TaskRun[];
}

/** The records of a window that closed or died. */
export interface RecordsToRecover {
	readonly tasks: readonly TaskRecord[];
	/** When they were last saved: about when that window stopped. */
	readonly savedAt?: number;
}

/**
 * Takes over the tasks an earlier manager saved. A task left running under a supervisor is adopted
 * if its supervisor is still the same process, else finished the way its state file says (or as
 * unknown); any other task that was not finished did not survive its window.
 */
export function recoverTasks(loaded: RecordsToRecover, options: RecoveryOptions): RecoveredTasks {
	const { store, context } = options;
	const runs: TaskRun[] = [];
	const adopted: TaskRun[] = [];
	const endedMeanwhile: { run: TaskRun; result: FinalResult }[] = [];
	const seen = new Set<string>();
	const stoppedByClose: TaskRun[] = [];
	const records = [...loaded.tasks].sort((a, b) => (taskNumber(a.id) ?? 0) - (taskNumber(b.id) ?? 0));
	for (const record of records) {
		if (seen.has(record.id)) {
			continue;
		}
		seen.add(record.id);
		// Queued too: a task left running is saved before its supervisor starts, so a crash in between still finds it.
		const revived = record.leaveRunning && !isFinalStatus(record.status) ? reviveSupervised(record, options) : undefined;
		if (revived) {
			runs.push(revived.run);
			if (revived.result) {
				endedMeanwhile.push({ run: revived.run, result: revived.result });
			} else {
				adopted.push(revived.run);
			}
			continue;
		}
		let info: TaskInfo = { ...record, logPath: store.logPath(record.id) };
		const stopped = !isFinalStatus(record.status);
		if (stopped) {
			// The previous window ended without saying how its tasks ended; they did not survive it.
			info = { ...info, status: 'cancelled', reason: STOPPED_WHEN_WINDOW_CLOSED, endedAt: record.endedAt ?? loaded.savedAt };
		}
		const run = TaskRun.ended(info, context);
		runs.push(run);
		if (stopped) {
			stoppedByClose.push(run);
		}
	}
	return { runs, adopted, endedMeanwhile, stoppedByClose };
}

/**
 * A task the previous window left running: adopted if its supervisor is still the same process,
 * else finished the way its state file says (or as unknown). Undefined when the task never ran
 * under a supervisor, which means it stopped with its window.
 */
function reviveSupervised(record: TaskRecord, options: RecoveryOptions): { run: TaskRun; result?: FinalResult } | undefined {
	const { store, context } = options;
	const statePath = store.statePath(record.id);
	const saved = readSupervisorState(statePath);
	if (!saved) {
		return undefined;
	}
	const run = new TaskRun({ ...record, logPath: store.logPath(record.id), pid: saved.pgid ?? saved.pid ?? record.pid }, undefined, context);
	if (saved.status === 'exited') {
		return { run, result: resultOf(outcomeOfState(saved), undefined, saved.endedAt ?? context.now(), true) };
	}
	if (!isIdentified(saved.supervisorPid, saved.supervisorStartTime)) {
		// Gone without a word, or its pid now belongs to another process (or it has no start time to tell): never adopted by pid alone.
		return { run, result: { status: 'failed', reason: ENDED_WHILE_NO_WINDOW, endedAt: context.now() } };
	}
	adopt(run, saved, statePath, options);
	return { run };
}

function adopt(run: TaskRun, saved: SupervisorState, statePath: string, options: RecoveryOptions): void {
	const { context, launcher } = options;
	const settings = context.getSettings();
	const logPath = run.logPath;
	// The newest part of the log stands for the output so far, read now so it shows at once; positions still count all of it.
	const size = logSize(logPath);
	const start = utf8BoundaryInFile(logPath, Math.max(0, size - settings.memoryBufferBytes));
	const output = new TaskOutput(settings.memoryBufferBytes, undefined, noFlow);
	output.skip(start);
	const tail = readLogBytes(logPath, start, size - start);
	output.push(tail, 'stdout');
	const runner = new FollowedRun({ statePath, logPath, state: saved, logOffset: start + tail.length }, launcher.follow(run));
	run.markAdopted(output, runner);
	context.logger.info(`${run.id} was left running by an earlier window and is followed again (pid ${run.info.pid ?? 'unknown'}).`);
}
