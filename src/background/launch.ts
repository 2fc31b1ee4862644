import * as fs from 'node:fs';
import { errorMessage } from '../common/errors';
import type { Logger } from '../common/logger';
import { taskEnvironment } from './environment';
import { ProcessRunner } from './processRunner';
import type { Shell } from './shell';
import type { SupervisedLauncher } from './supervised/launch';
import { TaskLog } from './taskLog';
import { TaskOutput } from './taskOutput';
import type { TaskRun } from './taskRun';
import type { TaskStore } from './taskStore';
import type { BackgroundSettings } from './types';

/** What starting a task needs, whichever way it starts. */
export interface LaunchContext {
	readonly store: TaskStore;
	readonly logger: Logger;
	readonly getSettings: () => BackgroundSettings;
	readonly now: () => number;
	/** The environment tasks inherit. */
	readonly baseEnv: NodeJS.ProcessEnv;
	/** The shell that runs commands; detected when absent. */
	readonly shell?: Shell;
	/** The value of `MEANWHILE_TASK` for a task: every process it starts inherits it (see processMarks.ts). */
	readonly marker: (id: string) => string;
}

export interface LaunchOptions extends LaunchContext {
	/** Starts the tasks that are to outlive the window. */
	readonly supervised: SupervisedLauncher;
}

/**
 * Starts a task that got its slot: as a child process of this window, its output to memory and to
 * its log, or under a supervisor when it is to be left running. A task that cannot start ends at
 * once, as failed.
 */
export class Launcher {
	constructor(private readonly _options: LaunchOptions) {}

	launch(run: TaskRun): void {
		const { store, logger, now, supervised } = this._options;
		const settings = this._options.getSettings();
		if (!isFolder(run.cwd)) {
			run.complete({ status: 'failed', reason: `the working folder does not exist: ${run.cwd}`, endedAt: now() });
			return;
		}
		if (run.leaveRunning) {
			const unavailable = supervised.unavailable();
			if (unavailable === undefined) {
				supervised.launch(run);
				return;
			}
			logger.info(`${run.id} runs as a normal task that stops with the window: ${unavailable}.`);
		}
		let output: TaskOutput | undefined;
		let runner: ProcessRunner;
		try {
			// Every time: someone may have deleted the folder since, and the log would be lost.
			store.ensureFolders();
			const log = new TaskLog(run.logPath, Math.max(0, settings.logMaxBytes), (error) =>
				logger.warn(`${run.id}: could not write the log ${run.logPath}: ${error.message}`),
			);
			output = new TaskOutput(settings.memoryBufferBytes, log, run.flow);
			run.attachOutput(output);
			runner = new ProcessRunner(
				{ command: run.command, cwd: run.cwd, env: taskEnvironment(this._options.baseEnv, run.env, this._options.marker(run.id)), shell: this._options.shell },
				{
					onOutput: (chunk, stream) => run.receiveOutput(chunk, stream),
					onExit: (outcome) => run.mainExited(outcome),
					onDone: (outcome) => void run.processEnded(outcome),
					onWarning: (message) => logger.warn(`${run.id}: ${message}`),
				},
			);
		} catch (error) {
			output?.abandon();
			run.complete({ status: 'failed', reason: `could not start: ${errorMessage(error)}`, endedAt: now() });
			return;
		}
		run.markRunning(runner);
	}
}

function isFolder(folder: string): boolean {
	try {
		return fs.statSync(folder).isDirectory();
	} catch {
		return false;
	}
}
