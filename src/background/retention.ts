/** Finished tasks kept in the list and in tasks.json; older ones are removed with their logs. */
export const MAX_FINISHED_TASKS = 200;
/** Finished tasks whose whole in-memory tail stays; older ones keep only a short tail. */
const fullyRetainedFinishedTasks = 10;
const shortRetainedChars = 65_536;

/** What retention needs to know of a task and do to it. */
export interface RetainedTask {
	readonly id: string;
	readonly isFinal: boolean;
	readonly hasOutput: boolean;
	/** Keeps at most the newest `maxBytes` of its output in memory. */
	shrinkOutput(maxBytes: number): void;
}

/** Which finished tasks keep their whole output tail in memory: the newest few. */
export class Retention<T extends RetainedTask> {
	/** Finished tasks that still hold their whole output tail in memory, oldest first. */
	private readonly _fullyRetained: T[] = [];

	/** Old finished tasks keep a short tail in memory: a thousand finished builds must not each hold a megabyte. */
	keep(task: T): void {
		if (!task.hasOutput) {
			return;
		}
		this._fullyRetained.push(task);
		while (this._fullyRetained.length > fullyRetainedFinishedTasks) {
			this._fullyRetained.shift()?.shrinkOutput(shortRetainedChars);
		}
	}

	/** The task is removed from the list. */
	forget(task: T): void {
		const index = this._fullyRetained.indexOf(task);
		if (index !== -1) {
			this._fullyRetained.splice(index, 1);
		}
	}
}

/**
 * The oldest finished tasks beyond {@link MAX_FINISHED_TASKS}, except those whose notice still waits:
 * the ones to remove. `tasks` in id order, oldest first.
 */
export function finishedBeyondLimit<T extends RetainedTask>(tasks: Iterable<T>, noticePending: (id: string) => boolean, limit = MAX_FINISHED_TASKS): T[] {
	const removable = [...tasks].filter((task) => task.isFinal && !noticePending(task.id));
	return removable.slice(0, Math.max(0, removable.length - limit));
}
