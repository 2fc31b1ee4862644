import { ProcessRunner, type TaskProcess } from './processRunner';
import { FollowedRun } from './supervised/followedRun';
import type { OutputFlow } from './taskOutput';

/**
 * What runs one task now: a child process of this window, or a run followed through its supervisor
 * (then the child that started the supervisor stays only to hear the shell's exit). Signals, pauses
 * and questions about the process go through here, to whichever that is at the time.
 */
export class RunnerSlot implements OutputFlow {
	private _runner: TaskProcess | undefined;
	/** A command handed over to a supervisor keeps its runner here, only to hear the shell's exit (this window is its parent). */
	private _handedOver: ProcessRunner | undefined;

	/** A process runs the task now. */
	get isSet(): boolean {
		return this._runner !== undefined;
	}

	/** The process group that runs it now, if any. */
	get pid(): number | undefined {
		return this._runner?.pid;
	}

	/** The child process of this window that runs it, when that is what runs it (not a supervisor). */
	get own(): ProcessRunner | undefined {
		return this._runner instanceof ProcessRunner ? this._runner : undefined;
	}

	/** It runs under a supervisor, followed through its files. */
	get isFollowed(): boolean {
		return this._runner instanceof FollowedRun;
	}

	set(runner: TaskProcess): void {
		this._runner = runner;
	}

	/** The command runs under a supervisor from now on; `runner` stays only to hear the shell's exit. */
	handOver(followed: FollowedRun, runner: ProcessRunner): void {
		this._runner = followed;
		this._handedOver = runner;
	}

	/** The process that ran it has ended (the handed-over runner, if any, still hears the shell). */
	clear(): void {
		this._runner = undefined;
	}

	/** The task is final: the runner kept for the shell's exit is not listened to any more. */
	releaseHandedOver(): void {
		this._handedOver?.abandon();
		this._handedOver = undefined;
	}

	/** No callbacks from its processes any more; the processes themselves are left alone. */
	detach(): void {
		this._runner?.abandon();
		this._runner = undefined;
		this.releaseHandedOver();
	}

	/** SIGTERM to its group now, SIGKILL after `graceMilliseconds`; false when nothing runs it. */
	stop(graceMilliseconds: number): boolean {
		this._runner?.stop(graceMilliseconds);
		return this._runner !== undefined;
	}

	signalGroup(signal: NodeJS.Signals): boolean {
		return this._runner?.signalGroup(signal) ?? false;
	}

	groupAlive(): boolean {
		return this._runner?.groupAlive() ?? false;
	}

	pause(): void {
		this._runner?.pause();
	}

	resume(): void {
		this._runner?.resume();
	}
}
