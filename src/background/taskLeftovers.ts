import type { Logger } from '../common/logger';
import type { MarkedProcess } from './processMarks';
import type { FinalResult, StopRequest } from './taskResult';
import type { LingeringTask, ProcessTracking } from './tracking';

/** How long after its shell exited a task whose output is still open looks for who holds it. */
const leftoverLookMilliseconds = 300;

/** What the leftovers of a task read from its run, and tell it. */
export interface LeftoverRun {
	readonly id: string;
	readonly isFinal: boolean;
	/** Why it is being stopped, while it is. */
	readonly stopRequest: StopRequest | undefined;
	/** Its final status: the one way there. */
	complete(result: FinalResult): void;
	/** Its main process ended as `result` while processes it started run on: it stays running. */
	runsOn(result: FinalResult): void;
	/** The processes left now, for its row (empty: none). */
	showLeftovers(left: readonly MarkedProcess[]): void;
}

/**
 * The processes a task started that outlive its main process (`cmd &` with its output redirected,
 * `setsid`, daemons): found by their marker, watched until the last ends, stopped with the task.
 * While they run, the task is running, and the way its main process ended waits here.
 */
export class TaskLeftovers implements LingeringTask {
	/** How its main process ended, while processes it started still run. */
	private _result: FinalResult | undefined;
	private _processes: readonly MarkedProcess[] = [];
	private _look: NodeJS.Timeout | undefined;

	constructor(
		private readonly _run: LeftoverRun,
		private readonly _tracking: ProcessTracking,
		private readonly _logger: Logger,
		/** Epoch milliseconds. */
		private readonly _now: () => number,
	) {}

	get id(): string {
		return this._run.id;
	}

	get isFinal(): boolean {
		return this._run.isFinal;
	}

	/** Its main process ended while processes it started still run. */
	get isLingering(): boolean {
		return this._result !== undefined;
	}

	/** How its main process ended, while it lingers. */
	get result(): FinalResult | undefined {
		return this._result;
	}

	/**
	 * Its shell exited while its output may stay open: most commands close it with the shell; if it
	 * stays open, whoever holds it is shown after a moment (while `stillRuns` says the task runs on).
	 */
	lookSoon(stillRuns: () => boolean): void {
		this._look = setTimeout(() => void this.look(stillRuns), leftoverLookMilliseconds);
	}

	private async look(stillRuns: () => boolean): Promise<void> {
		if (!stillRuns()) {
			return;
		}
		const left = await this._tracking.processesOf(this.id);
		if (stillRuns() && left.length > 0) {
			this.set(left);
			this._tracking.watch(this, left);
		}
	}

	/**
	 * Its main process ended as `result`: the task ends now if nothing it started still runs; else it
	 * runs on, watched, until the last of them ends, and then ends as its main process did. When it is
	 * being stopped, what is left is stopped too, at once (SIGTERM, then SIGKILL).
	 */
	async settle(result: FinalResult): Promise<void> {
		const left = await this._tracking.processesOf(this.id);
		if (this._run.isFinal) {
			return;
		}
		const stop = this._run.stopRequest;
		if (left.length > 0 && stop) {
			await this._tracking.stop(this.id, left, 0);
			// Stopped while its log was flushed, too late for its main process: what it left was stopped, so it ends as asked.
			this._run.complete({ ...result, status: stop.status, reason: stop.reason });
			return;
		}
		if (left.length === 0 || stop) {
			this._run.complete(result);
			return;
		}
		this._run.runsOn(result);
		this.linger(result, left);
	}

	/** Its main process ended as `result` while `left` run on: watched until the last ends. */
	linger(result: FinalResult, left: readonly MarkedProcess[]): void {
		this._result = result;
		this.set(left);
		this._logger.info(`${this.id}: its main process ended; ${left.length} process${left.length === 1 ? '' : 'es'} it started still run${left.length === 1 ? 's' : ''}: ${left.map((each) => `${each.pid} ${each.command}`).join('; ')}`);
		this._tracking.watch(this, left);
	}

	/** The processes still running (see {@link ProcessTracking.watch}); the task ends when none is. */
	leftoversChanged(left: readonly MarkedProcess[]): void {
		if (this._run.isFinal) {
			return;
		}
		if (left.length === 0 && this._result && !this._run.stopRequest) {
			// The last of them ended: the task ends as its main process did.
			this._run.complete({ ...this._result, endedAt: this._now() });
			return;
		}
		this.set(left);
	}

	/** Every process it left: SIGTERM, then SIGKILL after `graceMilliseconds`. */
	stop(graceMilliseconds: number): Promise<void> {
		return this._tracking.stop(this.id, this._processes, graceMilliseconds);
	}

	/** No more looking or watching; the processes themselves are left alone. */
	stopWatching(): void {
		clearTimeout(this._look);
		this._tracking.unwatch(this.id);
	}

	/** The task reached its final status. */
	clear(): void {
		this.stopWatching();
		this._result = undefined;
		this._processes = [];
	}

	private set(left: readonly MarkedProcess[]): void {
		this._processes = left;
		this._run.showLeftovers(left);
	}
}
