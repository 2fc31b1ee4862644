import { TaskInfo } from '../background/types';
import { ellipsize } from '../common/text';

/** `12s`, `3m 04s`, `1h 02m`. */
export function formatDuration(milliseconds: number): string {
	const seconds = Math.max(0, Math.round(milliseconds / 1000));
	if (seconds < 60) {
		return `${seconds}s`;
	}
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) {
		return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
	}
	return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function elapsedMilliseconds(task: TaskInfo, now: number): number | undefined {
	if (task.startedAt === undefined) {
		return undefined;
	}
	return (task.endedAt ?? now) - task.startedAt;
}

/** The row's description: the status word first (the contract), then what helps at a glance. */
export function describeTask(task: TaskInfo, now: number): string {
	const parts: string[] = [task.status];
	if (task.ports && task.ports.length > 0 && task.status === 'running') {
		parts.push(`ready on :${task.ports[0]}`);
	}
	const leftovers = task.status === 'running' ? describeLeftovers(task) : undefined;
	if (leftovers) {
		parts.push(leftovers);
	}
	if (task.status === 'failed') {
		if (task.exitCode !== undefined && task.exitCode !== null) {
			parts.push(`exit ${task.exitCode}`);
		} else if (task.signal) {
			parts.push(task.signal);
		}
	}
	const elapsed = elapsedMilliseconds(task, now);
	if (elapsed !== undefined) {
		parts.push(formatDuration(elapsed));
	}
	if (task.status === 'running' && task.resources) {
		parts.push(`${Math.round(task.resources.cpuPercent)}% CPU`, formatBytes(task.resources.memoryBytes));
	}
	if (task.leaveRunning && task.status === 'running') {
		parts.push('kept on exit');
	}
	return parts.join(' · ');
}

/**
 * A task whose main process ended while what it started runs on: `main exited 0 · 1 process left: node
 * server.js` (or why the main process's end is not known, when its supervisor died). Undefined otherwise.
 */
export function describeLeftovers(task: TaskInfo): string | undefined {
	const main = task.mainExit;
	const left = task.processesLeft ?? [];
	if (!main || left.length === 0) {
		return undefined;
	}
	const ended = main.exitCode !== null ? `main exited ${main.exitCode}` : main.signal ? `main killed by ${main.signal}` : (task.reason ?? 'main ended');
	const first = left.length === 1 ? `: ${shortenCommand(left[0].command, 40)}` : '';
	return `${ended} · ${left.length} process${left.length === 1 ? '' : 'es'} left${first}`;
}

/** `120 MB`, `1.5 GB`. */
export function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 3) {
		return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
	}
	if (bytes >= 1024 ** 2) {
		return `${Math.round(bytes / 1024 ** 2)} MB`;
	}
	return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** One line of a command, shortened for a label. */
export function shortenCommand(command: string, max = 80): string {
	const oneLine = command.replace(/\s*\n\s*/g, ' ⏎ ').trim();
	return ellipsize(oneLine, max);
}

export function exitDescription(task: TaskInfo): string {
	if (task.exitCode !== undefined && task.exitCode !== null) {
		return `exit code ${task.exitCode}`;
	}
	if (task.signal) {
		return `signal ${task.signal}`;
	}
	return '—';
}
