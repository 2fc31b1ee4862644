/** How tools describe a task to the model: `key: value` lines the model reads back reliably. */
import type { TaskInfo, TaskService } from '../../background/types';
import { durationSeconds } from '../taskNotice';
import { capOutput } from './output';

export function taskHeader(task: TaskInfo): string {
	const lines = [`task_id: ${task.id}`, `status: ${task.status}`];
	if (typeof task.exitCode === 'number') {
		lines.push(`exit_code: ${task.exitCode}`);
	}
	if (task.signal) {
		lines.push(`signal: ${task.signal}`);
	}
	const duration = durationSeconds(task);
	if (duration !== undefined) {
		lines.push(`duration_s: ${duration}`);
	}
	if (task.reason) {
		lines.push(`reason: ${task.reason}`);
	}
	if (task.ports && task.ports.length > 0) {
		lines.push(`listening_on: ${task.ports.map((port) => `:${port}`).join(', ')}`);
	}
	return lines.join('\n');
}

/** The task's output as the model gets it: ANSI codes stripped, capped, with a pointer to the full log. */
export function taskOutput(tasks: TaskService, task: TaskInfo, options: { maxLines?: number; maxChars?: number } = {}): string {
	const output = tasks.readOutput(task.id, { maxLines: options.maxLines });
	// The in-memory buffer is bounded: when it lost the start, say so rather than pretend it is all.
	const lostStart = task.outputBytes > Buffer.byteLength(output, 'utf8') + 1024 && options.maxLines === undefined;
	const capped = capOutput(output, { maxChars: options.maxChars, logPath: task.logPath });
	if (capped === '') {
		return '(no output)';
	}
	return lostStart ? `[earlier output dropped; the full log is ${task.logPath}]\n${capped}` : capped;
}

/** One line per task, for `check_background` without an id. */
export function taskLine(task: TaskInfo): string {
	const duration = durationSeconds(task);
	const exit = typeof task.exitCode === 'number' ? ` (exit ${task.exitCode})` : task.signal ? ` (${task.signal})` : '';
	const time = duration !== undefined ? ` ${duration}s` : '';
	return `${task.id}  ${task.status}${exit}${time}  [${task.origin}]  ${task.command.replace(/\s+/g, ' ')}`;
}
