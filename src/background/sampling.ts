import { errorMessage } from '../common/errors';
import type { IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { ResourceSampler, type GroupSample } from './resourceSampler';

const defaultSampleIntervalMilliseconds = 3000;

/** What sampling needs of a task. */
export interface SampledTask {
	readonly isFinal: boolean;
	/** The process group that runs it now, if any. */
	readonly processGroup: number | undefined;
	recordSample(sample: GroupSample): void;
}

/**
 * The timer that samples CPU, memory and listening ports of running tasks every few seconds while it
 * is on, and hands each task its sample; off, nothing runs at all. The reading itself is the
 * {@link ResourceSampler}'s.
 */
export class Sampling implements IDisposable {
	private readonly _sampler = new ResourceSampler();
	private _timer: NodeJS.Timeout | undefined;
	private _busy = false;
	private _disposed = false;

	constructor(
		private readonly _tasks: () => Iterable<SampledTask>,
		private readonly _logger: Logger,
		private readonly _intervalMilliseconds = defaultSampleIntervalMilliseconds,
	) {}

	setEnabled(enabled: boolean): void {
		if (enabled === (this._timer !== undefined) || (enabled && this._disposed)) {
			return;
		}
		if (!enabled) {
			clearInterval(this._timer);
			this._timer = undefined;
			return;
		}
		this._timer = setInterval(() => void this.sampleNow(), this._intervalMilliseconds);
		this._timer.unref();
		void this.sampleNow();
	}

	dispose(): void {
		this._disposed = true;
		clearInterval(this._timer);
		this._timer = undefined;
	}

	/** One pass over the process table for all running tasks. */
	private async sampleNow(): Promise<void> {
		if (this._busy || this._disposed) {
			return;
		}
		const groups = new Map<number, SampledTask>();
		for (const task of this._tasks()) {
			const pgid = task.processGroup;
			if (!task.isFinal && pgid !== undefined) {
				groups.set(pgid, task);
			}
		}
		if (groups.size === 0) {
			return;
		}
		this._busy = true;
		try {
			const samples = await this._sampler.sample([...groups.keys()]);
			for (const [pgid, task] of groups) {
				const sample = samples.get(pgid);
				if (sample && !task.isFinal && task.processGroup === pgid && !this._disposed) {
					task.recordSample(sample);
				}
			}
		} catch (error) {
			this._logger.debug(`Could not sample the background tasks' processes: ${errorMessage(error)}`);
		} finally {
			this._busy = false;
		}
	}
}
