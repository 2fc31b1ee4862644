import { errorMessage } from '../common/errors';
import type { IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { MarkScanner, byTask, stillRuns, taskMarker, tracksByMarker, type MarkedProcess } from './processMarks';
import { signalIdentified } from './signals';

/** What tracking needs of a task whose main process ended while others it started still run. */
export interface LingeringTask {
	readonly id: string;
	readonly isFinal: boolean;
	/** The processes still running now; empty once the last has ended. */
	leftoversChanged(left: readonly MarkedProcess[]): void;
}

const defaultIntervalMilliseconds = 1000;
/** Every this many ticks a full scan also finds processes the known ones started since. */
const fullScanEvery = 5;
const stopPollMilliseconds = 50;

/** The same processes, each still running what it ran (one first seen executing, as `setsid`, shows as what it became). */
function sameProcesses(a: readonly MarkedProcess[], b: readonly MarkedProcess[]): boolean {
	return a.length === b.length && a.every((each, index) => each.pid === b[index].pid && each.startTime === b[index].startTime && each.command === b[index].command);
}

/**
 * The processes of each task, found by their marker (see processMarks.ts): which are left when a
 * task's main process ends, watched until the last one ends, and stopped on Cancel and with the window.
 * Watching costs one check per known process per second, and one pass over /proc every few seconds
 * (or when the known ones are all gone, before a task is declared over); nothing runs while no task lingers.
 */
export class ProcessTracking implements IDisposable {
	private readonly _watched = new Map<string, { readonly task: LingeringTask; known: readonly MarkedProcess[] }>();
	private _timer: NodeJS.Timeout | undefined;
	private _busy = false;
	private _ticks = 0;
	private _disposed = false;
	/** The pass over /proc under way (settled when none is), and the one that callers joining now wait for. */
	private _currentScan: Promise<void> = Promise.resolve();
	private _nextScan: Promise<Map<string, MarkedProcess[]>> | undefined;
	private readonly _scanner: MarkScanner;

	constructor(
		/** The store's part of the marker (`storeMarker`). */
		readonly store: string,
		private readonly _logger: Logger,
		private readonly _intervalMilliseconds = defaultIntervalMilliseconds,
		private readonly _platform: NodeJS.Platform = process.platform,
	) {
		this._scanner = new MarkScanner(store, _platform);
	}

	/** Whether this platform finds a task's processes wherever they went (Linux), or only through the group. */
	get enabled(): boolean {
		return tracksByMarker(this._platform);
	}

	/** The value of the task's `MEANWHILE_TASK` variable. */
	markerOf(id: string): string {
		return taskMarker(this.store, id);
	}

	/** The processes of the task that run now (none where tracking is not possible). */
	async processesOf(id: string): Promise<MarkedProcess[]> {
		if (!this.enabled) {
			return [];
		}
		try {
			return (await this.processesNow()).get(id) ?? [];
		} catch (error) {
			this._logger.debug(`Could not look for the processes of ${id}: ${errorMessage(error)}`);
			return [];
		}
	}

	/**
	 * Every process of this store that runs now, by task id. Callers share passes over /proc: a call
	 * joins the next pass to start (never one already under way, which may predate what it asks about),
	 * so a thousand tasks ending at once cost a few passes, not a thousand.
	 */
	processesNow(): Promise<Map<string, MarkedProcess[]>> {
		if (!this.enabled) {
			return Promise.resolve(new Map());
		}
		if (!this._nextScan) {
			// A turn of the event loop first: tasks ending together (their pipes closed in one poll) share the pass.
			const next = this._currentScan.then(() => new Promise((resolve) => setImmediate(resolve))).then(() => {
				if (this._nextScan === next) {
					this._nextScan = undefined;
				}
				const scan = this._scanner.scan().then(byTask);
				this._currentScan = scan.then(
					() => undefined,
					() => undefined,
				);
				return scan;
			});
			this._nextScan = next;
		}
		return this._nextScan;
	}

	/** Every process of this store that runs now, by task id (synchronous: for the window's last moments). */
	processesNowSync(): Map<string, MarkedProcess[]> {
		return this.enabled ? byTask(this._scanner.scanSync()) : new Map();
	}

	/** Watches the task's processes until the last one ends; the task hears of every change. */
	watch(task: LingeringTask, known: readonly MarkedProcess[]): void {
		if (this._disposed) {
			return;
		}
		this._watched.set(task.id, { task, known });
		if (!this._timer) {
			this._timer = setInterval(() => void this.tick(), this._intervalMilliseconds);
			this._timer.unref();
		}
	}

	unwatch(id: string): void {
		this._watched.delete(id);
		if (this._watched.size === 0) {
			clearInterval(this._timer);
			this._timer = undefined;
		}
	}

	/**
	 * Stops the task's processes: SIGTERM to each (after checking it is still the same process), SIGKILL
	 * after the grace period to those still there and to any it started meanwhile. Resolves once each is
	 * gone or was sent SIGKILL.
	 */
	async stop(id: string, known: readonly MarkedProcess[], graceMilliseconds: number): Promise<void> {
		if (!this.enabled) {
			return;
		}
		const first = known.length > 0 ? known : await this.processesOf(id);
		signalEach(first, 'SIGTERM');
		const deadline = Date.now() + Math.max(0, graceMilliseconds);
		let left = first.filter(stillRuns);
		while (left.length > 0 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, stopPollMilliseconds));
			left = left.filter(stillRuns);
		}
		// What it started during the grace period carries the marker too.
		const rest = await this.processesOf(id);
		signalEach([...left, ...rest], 'SIGKILL');
	}

	/** SIGTERM, a short wait, SIGKILL: for the window's last moments, which cannot wait long. */
	stopSync(processes: readonly MarkedProcess[], waitMilliseconds: number, sleep: (milliseconds: number) => boolean): void {
		signalEach(processes, 'SIGTERM');
		const deadline = performance.now() + waitMilliseconds;
		let left = processes.filter(stillRuns);
		while (left.length > 0 && performance.now() < deadline && sleep(10)) {
			left = left.filter(stillRuns);
		}
		signalEach(left, 'SIGKILL');
	}

	dispose(): void {
		this._disposed = true;
		this._watched.clear();
		clearInterval(this._timer);
		this._timer = undefined;
	}

	private async tick(): Promise<void> {
		if (this._busy || this._disposed) {
			return;
		}
		this._busy = true;
		try {
			this._ticks++;
			const checked = new Map<string, readonly MarkedProcess[]>();
			let scan = this._ticks % fullScanEvery === 0;
			for (const [id, { known }] of this._watched) {
				const alive = known.filter(stillRuns);
				checked.set(id, alive);
				// None known is left: only a full scan may say the task is over.
				scan ||= alive.length === 0;
			}
			if (scan) {
				const all = await this.processesNow();
				for (const id of checked.keys()) {
					checked.set(id, all.get(id) ?? []);
				}
			}
			for (const [id, alive] of checked) {
				const watched = this._watched.get(id);
				if (!watched || watched.task.isFinal) {
					this.unwatch(id);
					continue;
				}
				if (alive.length === 0) {
					this.unwatch(id);
				}
				if (!sameProcesses(alive, watched.known)) {
					watched.known = alive;
					watched.task.leftoversChanged(alive);
				}
			}
		} catch (error) {
			this._logger.debug(`Could not look for the processes of lingering tasks: ${errorMessage(error)}`);
		} finally {
			this._busy = false;
		}
	}
}

function signalEach(processes: readonly MarkedProcess[], signal: NodeJS.Signals): void {
	for (const each of processes) {
		signalIdentified(each.pid, each.startTime, signal);
	}
}
