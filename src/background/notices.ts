import type { TaskNotice } from './types';

/**
 * The notices of finished tasks on their way to the conversation: one is pushed when a task completes,
 * and drained, each exactly once, before the next model request.
 */
export interface NoticeJournal {
	push(notice: TaskNotice): void;
	/** The notices not yet delivered, oldest first; delivered from now on. */
	drain(): TaskNotice[];
	hasPending(): boolean;
	/** Whether the task's notice waits to be drained (its task must stay in the list until then). */
	isPending(taskId: string): boolean;
}

/** A {@link NoticeJournal} in memory: what a window that closes before the drain had queued is gone with it. */
export class NoticeQueue implements NoticeJournal {
	private readonly _notices: TaskNotice[] = [];
	private readonly _pending = new Set<string>();

	push(notice: TaskNotice): void {
		this._notices.push(notice);
		this._pending.add(notice.task.id);
	}

	drain(): TaskNotice[] {
		this._pending.clear();
		return this._notices.splice(0);
	}

	hasPending(): boolean {
		return this._notices.length > 0;
	}

	isPending(taskId: string): boolean {
		return this._pending.has(taskId);
	}
}
