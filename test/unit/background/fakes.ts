import { DEFAULT_BACKGROUND_SETTINGS, type BackgroundSettings, type TaskInfo } from '../../../src/background';
import type { TaskProcess } from '../../../src/background/processRunner';
import { TaskOutput } from '../../../src/background/taskOutput';
import { TaskRun, type TaskRunContext } from '../../../src/background/taskRun';
import { ProcessTracking } from '../../../src/background/tracking';
import { RecordingLogger } from './helpers';

/** Output that never needs holding back. */
export const noFlow = { pause: () => undefined, resume: () => undefined };

/** Records what runs tell the manager. */
export class FakeRunContext implements TaskRunContext {
	readonly logger = new RecordingLogger();
	time = 1000;
	settings: BackgroundSettings = { ...DEFAULT_BACKGROUND_SETTINGS, killGraceSeconds: 2 };
	readonly changes: string[] = [];
	readonly endings: { id: string; status: string; announce: boolean }[] = [];
	recordChanges = 0;
	/** The real tracking, on a store no process carries the marker of: it finds nothing. */
	readonly tracking = new ProcessTracking(`fake-${process.pid}-${Math.random().toString(16).slice(2)}`, this.logger);

	now(): number {
		return this.time;
	}

	getSettings(): BackgroundSettings {
		return this.settings;
	}

	changed(run: TaskRun, kind: 'status' | 'output'): void {
		this.changes.push(`${kind}:${run.info.status}`);
	}

	recordChanged(): void {
		this.recordChanges++;
	}

	ended(run: TaskRun, announce: boolean): void {
		this.endings.push({ id: run.id, status: run.info.status, announce });
	}
}

/** A process group that does what it is told and remembers it. */
export class FakeProcess implements TaskProcess {
	readonly pid = 4242;
	readonly stops: number[] = [];
	readonly signals: string[] = [];
	alive = true;
	abandoned = false;

	stop(graceMilliseconds: number): void {
		this.stops.push(graceMilliseconds);
	}

	signalGroup(signal: NodeJS.Signals): boolean {
		this.signals.push(signal);
		return true;
	}

	groupAlive(): boolean {
		return this.alive;
	}

	abandon(): void {
		this.abandoned = true;
	}

	pause(): void {}

	resume(): void {}
}

/** A queued task's snapshot, `overrides` applied. */
export function queuedInfo(overrides: Partial<TaskInfo> = {}): TaskInfo {
	return { id: 'bg-1', command: 'make', cwd: '/', origin: 'agent', status: 'queued', queuedAt: 1, outputBytes: 0, logPath: '/nonexistent/bg-1.log', ...overrides };
}

/** A run that has started, with its output in memory and a fake process group. */
export function runningRun(context: FakeRunContext, overrides: Partial<TaskInfo> = {}): { run: TaskRun; group: FakeProcess } {
	const run = new TaskRun(queuedInfo(overrides), undefined, context);
	const group = new FakeProcess();
	run.attachOutput(new TaskOutput(1024, undefined, noFlow));
	run.markRunning(group);
	return { run, group };
}
