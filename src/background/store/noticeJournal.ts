import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../common/errors';
import { isRecord } from '../../common/guards';
import type { Logger } from '../../common/logger';
import { TASK_STATUSES, isOneOf } from '../../shared/protocol';
import type { TaskInfo, TaskNotice } from '../types';
import { ensurePrivateFolder, writePrivateFileAtomic } from '../../common/privateFiles';
import { taskNumber } from './taskIds';

const entryPattern = /^(bg-\d+)\.json$/;

/**
 * The notices of finished tasks that no conversation has saved yet, one file per task, so that a
 * notice survives a reload or a crash of the extension host between the task's end and the moment the
 * conversation that received it is on disk.
 *
 * A notice is recorded (synchronously) before anyone is told the task ended, and removed only once the
 * conversation holding it has been saved; whatever is here when a window starts is delivered again,
 * and the conversation drops what it has already seen, by task id. One file per task makes recording
 * idempotent: a second end of the same task (there is none, but a crash could replay one) keeps the first.
 */
export class NoticeJournal {
	constructor(
		readonly folder: string,
		private readonly _logger: Logger,
	) {}

	/** On disk before this returns. Keeps an entry already recorded for the task. */
	record(notice: TaskNotice): void {
		const file = this.file(notice.task.id);
		if (fs.existsSync(file)) {
			return;
		}
		try {
			ensurePrivateFolder(this.folder);
			writePrivateFileAtomic(file, JSON.stringify({ version: 1, task: notice.task, outputTail: notice.outputTail }));
		} catch (error) {
			// The notice still reaches the conversation from memory; only a crash before then would lose it.
			this._logger.warn(`Could not record the notice of ${notice.task.id} in ${this.folder}: ${errorMessage(error)}`);
		}
	}

	/** The conversation holding the notice has been saved: it leaves the journal. */
	remove(taskId: string): void {
		try {
			fs.rmSync(this.file(taskId), { force: true });
		} catch (error) {
			this._logger.warn(`Could not remove the notice of ${taskId}: ${errorMessage(error)}`);
		}
	}

	has(taskId: string): boolean {
		return fs.existsSync(this.file(taskId));
	}

	/** Every notice recorded here, oldest task first; unreadable entries are moved aside and reported. */
	load(): TaskNotice[] {
		return this.readFolder(this.folder);
	}

	/**
	 * Moves the entries of another journal (a window that closed or died) into this one and returns them;
	 * an entry this journal already has for the same task stays as it is.
	 */
	adoptFrom(otherFolder: string): TaskNotice[] {
		const adopted: TaskNotice[] = [];
		for (const notice of this.readFolder(otherFolder)) {
			const target = this.file(notice.task.id);
			const source = path.join(otherFolder, `${notice.task.id}.json`);
			try {
				if (fs.existsSync(target)) {
					fs.rmSync(source, { force: true });
					continue;
				}
				ensurePrivateFolder(this.folder);
				fs.renameSync(source, target);
				adopted.push(notice);
			} catch (error) {
				this._logger.warn(`Could not take over the notice of ${notice.task.id}: ${errorMessage(error)}`);
			}
		}
		return adopted;
	}

	private file(taskId: string): string {
		if (taskNumber(taskId) === undefined) {
			throw new Error(`Not a task id: ${taskId}`);
		}
		return path.join(this.folder, `${taskId}.json`);
	}

	private readFolder(folder: string): TaskNotice[] {
		let names: string[];
		try {
			names = fs.readdirSync(folder);
		} catch {
			return [];
		}
		const notices: TaskNotice[] = [];
		for (const name of names) {
			const id = entryPattern.exec(name)?.[1];
			if (id === undefined) {
				continue;
			}
			const file = path.join(folder, name);
			let notice: TaskNotice | undefined;
			try {
				notice = parseEntry(JSON.parse(fs.readFileSync(file, 'utf8')), id);
			} catch {
				notice = undefined;
			}
			if (notice) {
				notices.push(notice);
			} else {
				const aside = `${file}.corrupt-${Date.now()}`;
				fs.renameSync(file, aside);
				this._logger.warn(`The notice ${file} could not be read; kept aside at ${aside}.`);
			}
		}
		return notices.sort((a, b) => (taskNumber(a.task.id) ?? 0) - (taskNumber(b.task.id) ?? 0));
	}
}

function optionalNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

/** A journal entry as read from disk, checked field by field; undefined when it is not one. */
function parseEntry(value: unknown, id: string): TaskNotice | undefined {
	if (!isRecord(value) || !isRecord(value.task) || typeof value.outputTail !== 'string') {
		return undefined;
	}
	const task = value.task;
	if (task.id !== id || typeof task.command !== 'string' || typeof task.cwd !== 'string' || !isOneOf(TASK_STATUSES, task.status) || typeof task.logPath !== 'string') {
		return undefined;
	}
	const info: TaskInfo = {
		id,
		command: task.command,
		cwd: task.cwd,
		origin: task.origin === 'user' ? 'user' : 'agent',
		status: task.status,
		reason: optionalString(task.reason),
		exitCode: task.exitCode === null ? null : optionalNumber(task.exitCode),
		signal: task.signal === null ? null : optionalString(task.signal),
		queuedAt: optionalNumber(task.queuedAt) ?? 0,
		startedAt: optionalNumber(task.startedAt),
		endedAt: optionalNumber(task.endedAt),
		outputBytes: optionalNumber(task.outputBytes) ?? 0,
		logPath: task.logPath,
		conversationId: optionalString(task.conversationId),
	};
	return { task: info, outputTail: value.outputTail };
}
