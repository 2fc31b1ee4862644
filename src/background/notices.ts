import type { NoticeJournal } from './store/noticeJournal';
import type { TaskInfo, TaskNotice } from './types';

/**
 * The notices of finished tasks on their way to the conversation that started them, exactly once.
 *
 * A notice is recorded in the journal (on disk) when its task ends, then waits here until its
 * conversation's next request drains it. Drained, it is in flight: it stays in the journal until the
 * conversation says it has saved it ({@link acknowledge}); if the window goes first, the next window
 * delivers it again and the conversation, which remembers the tasks it has heard of, drops it. A
 * notice without a conversation goes to whichever conversation drains first.
 */
export class NoticeQueue {
	/** Recorded, not drained yet; oldest first. */
	private _waiting: TaskNotice[] = [];
	private readonly _waitingIds = new Set<string>();
	/** Drained, not yet saved with a conversation: still in the journal. */
	private readonly _inFlight = new Set<string>();

	constructor(private readonly _journal: NoticeJournal) {}

	/** A task ended: its notice is on disk before this returns. */
	push(notice: TaskNotice): void {
		if (this.isPending(notice.task.id)) {
			return;
		}
		this._journal.record(notice);
		this._waiting.push(notice);
		this._waitingIds.add(notice.task.id);
	}

	/** Notices taken over from the journal of a window that closed or died (already on disk). */
	restore(notices: readonly TaskNotice[]): void {
		for (const notice of notices) {
			if (!this.isPending(notice.task.id)) {
				this._waiting.push(notice);
				this._waitingIds.add(notice.task.id);
			}
		}
	}

	/**
	 * The notices for a conversation (its own and those of no conversation), oldest first; in flight
	 * from now on. Undefined: every notice, acknowledged at once (for callers that keep no conversation).
	 */
	drain(conversationId?: string): TaskNotice[] {
		const taken: TaskNotice[] = [];
		const kept: TaskNotice[] = [];
		for (const notice of this._waiting) {
			const owner = notice.task.conversationId;
			if (conversationId === undefined || owner === undefined || owner === conversationId) {
				taken.push(notice);
			} else {
				kept.push(notice);
			}
		}
		this._waiting = kept;
		for (const notice of taken) {
			this._waitingIds.delete(notice.task.id);
			this._inFlight.add(notice.task.id);
		}
		if (conversationId === undefined) {
			this.acknowledge(taken.map((notice) => notice.task.id));
		}
		return taken;
	}

	/** The conversation that drained these has been saved with them: they leave the journal. Returns those that were in flight. */
	acknowledge(taskIds: readonly string[]): string[] {
		const done: string[] = [];
		for (const id of taskIds) {
			if (this._inFlight.delete(id)) {
				done.push(id);
			}
			this._journal.remove(id);
		}
		return done;
	}

	/** Whether notices wait for this conversation (including those of no conversation); for any when undefined. */
	hasWaiting(conversationId?: string): boolean {
		return this._waiting.some((notice) => conversationId === undefined || notice.task.conversationId === undefined || notice.task.conversationId === conversationId);
	}

	/** The tasks whose notices wait, oldest first. */
	waitingTasks(): TaskInfo[] {
		return this._waiting.map((notice) => notice.task);
	}

	/** Whether the task's notice waits or is in flight (its task and log must stay until then). */
	isPending(taskId: string): boolean {
		return this._inFlight.has(taskId) || this._waitingIds.has(taskId);
	}
}
