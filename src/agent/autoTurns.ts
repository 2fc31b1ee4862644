/**
 * When the agent takes a turn on its own: a task it started finished while it was idle, and its result
 * has not reached the model yet. Bounded: at most `autoContinueMaxTurns` such turns in a row, none after
 * a stop or an error until the user acts again.
 */
export interface AutoTurnSettings {
	/** Take a turn on its own when a task the agent started finishes while idle. */
	readonly autoContinue: boolean;
	/** At most this many such turns in a row before the user speaks again. */
	readonly autoContinueMaxTurns: number;
}

export class AutoTurns {
	/** Tasks the agent started that finished and are not delivered yet: what wakes an idle session. */
	private readonly _waking = new Set<string>();
	private _turnsInRow = 0;
	/** Set by a stop or an error: no turn of its own until the user acts. */
	private _blocked = false;

	/** Whether a stop or an error holds turns of its own (and queued text) back. */
	get blocked(): boolean {
		return this._blocked;
	}

	/** A task the agent started finished and its result is not delivered yet. */
	taskFinished(taskId: string): void {
		this._waking.add(taskId);
	}

	/** The task's result reached the model (a notice, or a tool's result): it wakes nothing any more. */
	delivered(taskId: string): void {
		this._waking.delete(taskId);
	}

	/** A stop or an error: no turn of its own until the user acts. */
	block(): void {
		this._blocked = true;
	}

	/** The user retried: turns of its own may follow again. */
	unblock(): void {
		this._blocked = false;
	}

	/** The user spoke: the count starts over, and what blocked is moot. */
	userSpoke(): void {
		this._turnsInRow = 0;
		this._blocked = false;
	}

	/** A turn of its own sent its first request. */
	countTurn(): void {
		this._turnsInRow += 1;
	}

	/** Whether an idle session should take a turn of its own now. */
	shouldStart(settings: AutoTurnSettings): boolean {
		return !this._blocked && this._waking.size > 0 && settings.autoContinue && this._turnsInRow < settings.autoContinueMaxTurns;
	}
}
