/**
 * The finished tasks one conversation hears of, each once, whatever happens meanwhile.
 *
 * The task engine journals a notice on disk until a conversation acknowledges it; this side keeps the
 * other half of the promise. Every task whose end reached the model (as a notice, or as a tool's result)
 * is remembered in {@link heard}, which is saved with the conversation: a notice delivered again after a
 * crash (the journal still held it) is then dropped instead of told twice. A notice is acknowledged only
 * after a save of the conversation that holds it (or holds the tool result that made it moot): if the
 * window dies first, the journal keeps it and the next window delivers it.
 */
import type { TaskInfo, TaskNotice, TaskService } from '../background/types';

/** Task ids remembered per conversation; old ones go first (their notices were acknowledged long ago). */
const MAX_HEARD = 5000;

export class NoticeInbox {
	private readonly _heard = new Set<string>();
	/** Drained (kept or dropped) but not acknowledged: waits for a save of the conversation. */
	private readonly _unacknowledged = new Set<string>();

	constructor(
		private readonly _tasks: TaskService,
		private readonly _conversationId: string,
	) {}

	/** Tasks whose end this conversation has heard of, oldest first (saved with it). */
	get heard(): readonly string[] {
		return [...this._heard];
	}

	/** What a saved conversation had heard of. */
	load(taskIds: readonly string[]): void {
		this._heard.clear();
		for (const id of taskIds.slice(-MAX_HEARD)) {
			this._heard.add(id);
		}
	}

	/** Whether this task's end has reached the model already. */
	hasHeard(taskId: string): boolean {
		return this._heard.has(taskId);
	}

	/** A tool returned this task's end itself: its notice must not be told again. */
	markHeard(taskId: string): void {
		this._remember(taskId);
	}

	/** Whether notices wait for this conversation. */
	hasWaiting(): boolean {
		return this._tasks.hasPendingNotices(this._conversationId);
	}

	/** Agent tasks of this conversation whose notices wait: what should wake it when it is opened. */
	waitingAgentTasks(): TaskInfo[] {
		return this._tasks
			.pendingNotices()
			.filter((task) => task.origin === 'agent' && task.conversationId === this._conversationId && !this._heard.has(task.id));
	}

	/** The notices to tell the model now: this conversation's (and unowned ones), minus those it heard of already. */
	take(): TaskNotice[] {
		const kept: TaskNotice[] = [];
		for (const notice of this._tasks.drain(this._conversationId)) {
			this._unacknowledged.add(notice.task.id);
			if (this._heard.has(notice.task.id)) {
				continue;
			}
			this._remember(notice.task.id);
			kept.push(notice);
		}
		return kept;
	}

	/**
	 * The notices a save about to be written covers: pass them to {@link acknowledge} once it is on disk.
	 * Taken in the same tick as the snapshot that is saved, so the two agree.
	 */
	coveredBySave(): string[] {
		return [...this._unacknowledged];
	}

	/** The save that covered these is on disk: the journal may forget them. */
	acknowledge(taskIds: readonly string[]): void {
		if (taskIds.length === 0) {
			return;
		}
		for (const id of taskIds) {
			this._unacknowledged.delete(id);
		}
		this._tasks.acknowledge(taskIds);
	}

	private _remember(taskId: string): void {
		this._heard.delete(taskId);
		this._heard.add(taskId);
		if (this._heard.size > MAX_HEARD) {
			const oldest = this._heard.values().next().value;
			if (oldest !== undefined) {
				this._heard.delete(oldest);
			}
		}
	}
}
