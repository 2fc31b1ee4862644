import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { errorMessage } from '../../common/errors';
import { PRIVATE_FILE_MODE } from '../../common/privateFiles';
import { taskEnvironment } from '../environment';
import type { LaunchContext } from '../launch';
import { logSize } from '../logFile';
import type { ProcessRunner } from '../processRunner';
import { processStartTime } from '../procfs';
import { getShell } from '../shell';
import { TaskOutput, type OutputFlow } from '../taskOutput';
import type { TaskRun } from '../taskRun';
import { removeSupervisorFiles } from './cleanup';
import { FollowedRun, type FollowedRunHandlers } from './followedRun';
import { writeJsonAtomically, type HandoverReady, type SupervisorSpec, type SupervisorState } from './protocol';
import { definedValues, supervisorSpec, supervisorUnavailable } from './spec';

/** Output that is only read, never written to a log by us: nothing to hold back. */
export const noFlow: OutputFlow = { pause: () => undefined, resume: () => undefined };

export interface SupervisedLaunchOptions extends LaunchContext {
	/** The supervisor program (dist/supervisor.js); without it tasks cannot be left running. */
	readonly supervisorScript?: string;
	/** The Node.js that runs the supervisor; defaults to this process's executable. */
	readonly nodeExecutable?: string;
}

/**
 * Starts tasks under a supervisor (supervisor.ts), a detached Node.js process that outlives the
 * window, and hands running tasks over to one; either way the task is then followed through the
 * supervisor's files ({@link FollowedRun}).
 */
export class SupervisedLauncher {
	constructor(private readonly _options: SupervisedLaunchOptions) {}

	/** Why tasks cannot be left running here, or undefined if they can. */
	unavailable(): string | undefined {
		return supervisorUnavailable(this._options.supervisorScript);
	}

	/** Starts a queued task under a new supervisor, which starts its command. */
	launch(run: TaskRun): void {
		const { store, getSettings, now } = this._options;
		const settings = getSettings();
		let runner: FollowedRun;
		try {
			store.ensureFolders();
			store.ensureSupervisedFolder();
			const statePath = store.statePath(run.id);
			fs.rmSync(statePath, { force: true });
			const env = definedValues(taskEnvironment(this._options.baseEnv, run.env, this._options.marker(run.id)));
			const invocation = (this._options.shell ?? getShell()).invocation(run.command);
			const spec = supervisorSpec(run, statePath, settings, { mode: 'spawn', invocation, cwd: run.cwd, env });
			// The record first: a window that dies right after the supervisor starts must still find the task to adopt.
			store.saveNow();
			const supervisor = this.spawnSupervisor(spec, 'ignore');
			run.attachOutput(new TaskOutput(settings.memoryBufferBytes, undefined, noFlow));
			runner = new FollowedRun({ statePath, logPath: run.logPath, supervisor, logOffset: 0 }, this.follow(run));
		} catch (error) {
			run.complete({ status: 'failed', reason: `could not start its supervisor: ${errorMessage(error)}`, endedAt: now() });
			return;
		}
		run.markRunning(runner);
	}

	/**
	 * Moves a running task under a supervisor: its pipes go to a new supervisor, which appends to the
	 * log once this side has closed it, and from then on the task is followed like one started under a
	 * supervisor. Its exit code still comes from here while this window lives.
	 */
	handOver(run: TaskRun, runner: ProcessRunner): void {
		const { logger, store } = this._options;
		const unavailable = this.unavailable();
		const output = run.output;
		if (unavailable !== undefined || !output || run.isStopping || run.isEnding) {
			logger.info(`${run.id} was marked to be left running, but it stops with the window: ${unavailable ?? 'it is ending'}.`);
			return;
		}
		let followed: FollowedRun | undefined;
		const pipes = runner.releaseOutput((outcome) => followed?.setExit(outcome));
		if (!pipes) {
			logger.info(`${run.id} was marked to be left running, but it is ending: it stops with the window.`);
			return;
		}
		let supervisor: ChildProcess;
		const statePath = store.statePath(run.id);
		try {
			store.ensureSupervisedFolder();
			fs.rmSync(statePath, { force: true });
			const spec = supervisorSpec(run, statePath, this._options.getSettings(), { mode: 'pipes', pid: runner.pid });
			store.saveNow();
			supervisor = this.spawnSupervisor(spec, ['ignore', 'ignore', 'ignore', pipes.stdout, pipes.stderr, 'pipe']);
			if (supervisor.pid === undefined) {
				throw new Error('the supervisor did not start');
			}
		} catch (error) {
			// Nothing read the pipes but us: take them back, and the task goes on as before.
			runner.reclaimOutput();
			logger.warn(`${run.id} could not be handed over to a supervisor (${errorMessage(error)}): it stops with the window.`);
			return;
		}
		// What this side had read already but not yet taken: the supervisor reads only what comes after.
		for (const [stream, name] of [
			[pipes.stdout, 'stdout'],
			[pipes.stderr, 'stderr'],
		] as const) {
			let chunk: unknown;
			while ((chunk = stream.read()) !== null) {
				if (Buffer.isBuffer(chunk)) {
					run.receiveOutput(chunk, name);
				}
			}
			stream.destroy();
		}
		followed = new FollowedRun({ statePath, logPath: run.logPath, supervisor, pid: runner.pid, exitFromWindow: true }, this.follow(run));
		run.handOverTo(followed, runner);
		const control = (supervisor.stdio as readonly unknown[])[5] as Writable | null;
		void this.finishHandOver(run, output, followed, control);
		logger.debug(`${run.id} was handed over to a supervisor (pid ${supervisor.pid}).`);
	}

	/** What a run followed through its supervisor's files tells the task. */
	follow(run: TaskRun): FollowedRunHandlers {
		const { logger, store } = this._options;
		return {
			onOutput: (chunk) => run.receiveOutput(chunk, 'stdout'),
			onStarted: (pid) => run.notePid(pid),
			onDone: (outcome) => {
				run.followedRunEnded(outcome);
				// Kept while processes the command started run on: a window that opens meanwhile learns from it how the command ended.
				void run.finished.then(() => removeSupervisorFiles(store, run.id, logger));
			},
			onWarning: (message) => logger.warn(`${run.id}: ${message}`),
		};
	}

	/** Starts the supervisor detached, so it outlives this process, with its spec in a file only we can read. */
	private spawnSupervisor(spec: SupervisorSpec, stdio: 'ignore' | ('ignore' | 'pipe' | Readable)[]): ChildProcess {
		const { store } = this._options;
		const specPath = store.specPath(spec.id);
		writeJsonAtomically(specPath, spec);
		// Our own environment minus what a task never sees; as Node.js even when this is Electron.
		const env: NodeJS.ProcessEnv = { ...taskEnvironment(process.env, undefined), ELECTRON_RUN_AS_NODE: '1' };
		delete env.NODE_OPTIONS;
		const supervisor = spawn(this._options.nodeExecutable ?? process.execPath, [this._options.supervisorScript ?? '', specPath], {
			cwd: store.storageDir,
			env,
			detached: true,
			stdio,
			windowsHide: true,
		});
		supervisor.unref();
		if (supervisor.pid !== undefined) {
			// Until the supervisor writes its own state (it takes Node.js a moment to start), a window
			// that loads tasks.json must still find it: a first state file, unless the supervisor was quicker.
			const first: SupervisorState = {
				version: 1,
				status: 'running',
				supervisorPid: supervisor.pid,
				supervisorStartTime: processStartTime(supervisor.pid),
				...(spec.pid !== undefined ? { pid: spec.pid, pgid: spec.pid } : {}),
			};
			try {
				fs.writeFileSync(spec.statePath, JSON.stringify(first), { flag: 'wx', mode: PRIVATE_FILE_MODE });
			} catch {
				// The supervisor has written its state already.
			}
		}
		return supervisor;
	}

	/** Closes this side of the log, then lets the supervisor append to it. */
	private async finishHandOver(run: TaskRun, output: TaskOutput, followed: FollowedRun, control: Writable | null): Promise<void> {
		let ready: HandoverReady = { written: 0, dropped: 0 };
		try {
			ready = await output.closeLog();
		} catch (error) {
			this._options.logger.warn(`${run.id}: could not close the log before the hand-over: ${errorMessage(error)}`);
		}
		// Read from where this side stopped writing, before the supervisor may add to it.
		followed.begin(logSize(run.logPath));
		control?.on('error', () => undefined);
		control?.end(`${JSON.stringify(ready)}\n`);
	}
}
