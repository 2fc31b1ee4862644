/**
 * Taking over the tasks and notices of windows that closed or died (see TaskStore): tasks left running
 * are followed again, tasks that did not survive their window are announced as cancelled, notices not yet
 * saved with a conversation wait here for it, and what a crashed window's tasks started is stopped.
 * Looked for when the manager starts, every few seconds, and when the folder of windows changes.
 */
import * as fs from 'node:fs';
import type { Logger } from '../common/logger';
import type { NoticeQueue } from './notices';
import { stopStrayProcesses } from './strays';
import type { SupervisedLauncher } from './supervised/launch';
import { recoverTasks } from './supervised/recovery';
import type { TaskRun, TaskRunContext } from './taskRun';
import { taskNumber, type OrphanTasks, type TaskStore } from './taskStore';
import type { ProcessTracking } from './tracking';

/** What taking over needs of the task manager. */
export interface OrphanTakeOverHost {
	readonly store: TaskStore;
	readonly notices: NoticeQueue;
	readonly runContext: TaskRunContext;
	readonly supervised: SupervisedLauncher;
	readonly tracking: ProcessTracking;
	readonly logger: Logger;
	readonly killGraceSeconds: () => number;
	/** The manager's tasks, in id order. */
	runs(): Map<string, TaskRun>;
	setRuns(runs: Map<string, TaskRun>): void;
	/** A task adopted while it runs takes a slot. */
	hold(run: TaskRun): void;
	/** A task stopped with its window is announced (its notice recorded). */
	announce(run: TaskRun): void;
	pruneFinished(): void;
	/** A task taken over is in the list now. */
	added(run: TaskRun): void;
}

export class OrphanTakeOver {
	constructor(private readonly _host: OrphanTakeOverHost) {}

	/** Takes over what windows that closed or died left, once. */
	takeOver(): void {
		const host = this._host;
		const added: TaskRun[] = [];
		const endedMeanwhile: { run: TaskRun; result: Parameters<TaskRun['complete']>[0] }[] = [];
		host.store.takeOverOrphans((orphans: readonly OrphanTasks[]) => {
			const runs = host.runs();
			const stopped: TaskRun[] = [];
			for (const orphan of orphans) {
				if (orphan.journalFolder) {
					host.notices.restore(host.store.journal.adoptFrom(orphan.journalFolder));
				}
				const tasks = orphan.tasks.filter((record) => !runs.has(record.id));
				const recovered = recoverTasks({ tasks, savedAt: orphan.savedAt }, { store: host.store, context: host.runContext, launcher: host.supervised });
				for (const run of recovered.runs) {
					runs.set(run.id, run);
					added.push(run);
				}
				for (const run of recovered.adopted) {
					host.hold(run);
				}
				endedMeanwhile.push(...recovered.endedMeanwhile);
				stopped.push(...recovered.stoppedByClose);
				if (tasks.length > 0) {
					host.logger.info(`Took over ${tasks.length} task${tasks.length === 1 ? '' : 's'}: ${orphan.description}.`);
				}
			}
			// Their window ended before it could say so: they are announced now, on disk before their old files go.
			for (const run of stopped) {
				host.announce(run);
			}
			host.setRuns(new Map([...runs.entries()].sort(([a], [b]) => (taskNumber(a) ?? 0) - (taskNumber(b) ?? 0))));
			host.pruneFinished();
			host.store.saveNow();
		});
		for (const run of added) {
			if (host.runs().has(run.id)) {
				host.added(run);
			}
		}
		// A task left running whose command ended meanwhile may have started processes that still run: they keep it running.
		const leftovers = endedMeanwhile.length > 0 ? host.tracking.processesNowSync() : new Map<string, never[]>();
		for (const { run, result } of endedMeanwhile) {
			const left = leftovers.get(run.id) ?? [];
			if (left.length > 0) {
				run.adoptLeftovers(result, left);
				host.logger.info(`${run.id} was left running; its command ended while no window was open, and ${left.length} process${left.length === 1 ? '' : 'es'} it started still run${left.length === 1 ? 's' : ''}: followed again.`);
			} else {
				run.complete(result);
			}
		}
		if (endedMeanwhile.length > 0) {
			// On disk before their state files go: a crash now must not announce them a second time.
			host.store.saveNow();
		}
		if (added.length > 0) {
			// A window that crashed stopped nothing: what its tasks started may still run.
			const grace = Math.max(0, host.killGraceSeconds()) * 1000;
			void stopStrayProcesses(host.runs(), host.tracking, host.logger, grace);
		}
	}

	/**
	 * Takes over again every `intervalMilliseconds` and when the folder of windows changes, while `active()`:
	 * a window that closes marks its folder; one that dies is found by its process.
	 */
	watch(intervalMilliseconds: number, active: () => boolean): { dispose(): void } {
		const look = () => {
			if (active()) {
				this.takeOver();
			}
		};
		const timer = setInterval(look, intervalMilliseconds);
		timer.unref();
		let watcher: fs.FSWatcher | undefined;
		let scheduled: NodeJS.Timeout | undefined;
		try {
			watcher = fs.watch(this._host.store.windows.root, { persistent: false, recursive: false }, () => {
				// A burst of changes (a window writing its last files) makes one look, a moment later.
				scheduled ??= setTimeout(() => {
					scheduled = undefined;
					look();
				}, 100);
			});
			watcher.on('error', () => watcher?.close());
		} catch {
			// Polling alone will do.
		}
		return {
			dispose: () => {
				clearInterval(timer);
				clearTimeout(scheduled);
				watcher?.close();
			},
		};
	}
}
