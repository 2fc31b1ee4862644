/** How tools describe a task to the model: `key: value` lines the model reads back reliably. */
import type { ResourceUsage, TaskInfo, TaskService } from '../../background/types';
import { isFinalStatus } from '../../background/types';
import { errorMessage } from '../../common/errors';
import { compileLinePattern, PatternError, type LinePattern } from '../../common/linePattern';
import { durationSeconds } from '../taskNotice';
import { capOutput } from './output';
import type { ToolResult } from './types';

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
	if (task.mainExit && task.processesLeft && task.processesLeft.length > 0 && !isFinalStatus(task.status)) {
		const main = task.mainExit;
		lines.push(`main_process: ended (${main.exitCode !== null ? `exit code ${main.exitCode}` : main.signal ? `signal ${main.signal}` : 'exit code unknown'})`);
		lines.push(`processes_left: ${task.processesLeft.map((left) => `${left.pid} ${left.command}`).join('; ')}`);
	}
	if (task.ports && task.ports.length > 0) {
		lines.push(`listening_on: ${task.ports.map((port) => `:${port}`).join(', ')}`);
	}
	if (task.resources && !isFinalStatus(task.status)) {
		lines.push(`resources: ${describeResources(task.resources)}`);
	}
	if (task.leaveRunning) {
		lines.push('leave_running: true (it keeps running when the editor window closes or reloads)');
	}
	if (task.adopted) {
		lines.push('adopted: true (started before the editor window was reloaded)');
	}
	return lines.join('\n');
}

/** `cpu 12%, memory 140 MB, 3 processes`. */
export function describeResources(resources: ResourceUsage): string {
	const processes = `${resources.processCount} process${resources.processCount === 1 ? '' : 'es'}`;
	return `cpu ${Math.round(resources.cpuPercent)}%, memory ${formatBytes(resources.memoryBytes)}, ${processes}`;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) {
		return `${bytes} B`;
	}
	if (bytes < 1024 * 1024) {
		return `${Math.round(bytes / 1024)} KB`;
	}
	if (bytes < 1024 * 1024 * 1024) {
		return `${Math.round(bytes / 1024 / 1024)} MB`;
	}
	return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/** The task's output as the model gets it: ANSI codes stripped, capped, with a pointer to the full log. */
export function taskOutput(tasks: TaskService, task: TaskInfo, options: { maxLines?: number; maxChars?: number } = {}): string {
	// A final newline would leave a blank line before what follows.
	const output = tasks.readOutput(task.id, { maxLines: options.maxLines }).replace(/\n+$/, '');
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
	const ports = task.ports && task.ports.length > 0 ? `  ports ${task.ports.map((port) => `:${port}`).join(', ')}` : '';
	const resources = task.resources && !isFinalStatus(task.status) ? `  (${describeResources(task.resources)})` : '';
	return `${task.id}  ${task.status}${exit}${time}${ports}${resources}  [${task.origin}]  ${task.command.replace(/\s+/g, ' ')}`;
}

/** The error result for a task id the engine does not know, naming the ones it does. */
export function unknownTask(tasks: TaskService, id: string): ToolResult {
	const known = tasks.list().map((item) => item.id);
	return {
		content: `There is no task ${id}.${known.length > 0 ? ` Known tasks: ${known.join(', ')}.` : ' There are no tasks.'}`,
		isError: true,
		summary: 'unknown task',
	};
}

/**
 * A regular expression the model gave, compiled as the engine compiles it, or the message saying why it
 * is not one: the engine's reason with the field it came in and how to fix it.
 */
export function compilePattern(pattern: string, field: string): LinePattern | string {
	if (pattern === '') {
		return `${field} is empty; give a regular expression, for example "listening on|ready".`;
	}
	try {
		return compileLinePattern(pattern);
	} catch (error) {
		// The engine names the pattern; the model knows it by its field, so only the reason is kept.
		const reason = error instanceof PatternError ? error.reason : errorMessage(error);
		return `${field} is not a pattern Meanwhile can use (RE2 syntax, which runs in linear time): ${reason}. Escape characters such as ( ) [ ] . * + ? with a backslash to match them literally.`;
	}
}
