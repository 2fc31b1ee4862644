import type { ProcessOutcome } from './processRunner';
import type { FollowedOutcome } from './supervised/followedRun';
import type { TaskStatus } from './types';

/** Why tasks that were running when the window closed are no longer running. */
export const STOPPED_WITH_WINDOW = 'stopped with the window';
export const STOPPED_WHEN_WINDOW_CLOSED = 'stopped when the window closed';
/** Why a task left running is no longer running when no window saw how it ended. */
export const ENDED_WHILE_NO_WINDOW = 'ended while no window was open; its exit code is unknown';
/** Why a task left running ended when someone stopped its supervisor while no window was open. */
export const STOPPED_WHILE_NO_WINDOW = 'stopped while no window was open';
/** Why a task followed through its supervisor ended without an exit code while this window was open. */
export const ENDED_EXIT_UNKNOWN = 'ended; its exit code is unknown (its supervisor could not see it)';

/** How a task ended: what its final status and the fields that go with it become. */
export interface FinalResult {
	readonly status: TaskStatus;
	readonly reason?: string;
	readonly exitCode?: number | null;
	readonly signal?: string | null;
	readonly endedAt: number;
}

/** Set when we stop the task: what it ends as, whatever the exit code. */
export interface StopRequest {
	readonly status: 'cancelled' | 'timed out';
	readonly reason: string;
}

/**
 * How a task ended, from how its process ended: a stop we asked for wins over the exit code.
 * `noWindow`: the task ended while no window followed it (found by the next one).
 */
export function resultOf(outcome: ProcessOutcome | FollowedOutcome, stopRequest: StopRequest | undefined, endedAt: number, noWindow = false): FinalResult {
	if ('error' in outcome && outcome.error) {
		return { status: 'failed', reason: `could not start: ${outcome.error.message}`, exitCode: null, signal: null, endedAt };
	}
	if ('failure' in outcome && outcome.failure !== undefined) {
		return { status: 'failed', reason: outcome.failure, exitCode: null, signal: null, endedAt };
	}
	const { exitCode, signal } = outcome;
	if (stopRequest) {
		return { ...stopRequest, exitCode, signal, endedAt };
	}
	if ('stopped' in outcome && outcome.stopped) {
		return { status: 'cancelled', reason: noWindow ? STOPPED_WHILE_NO_WINDOW : 'its supervisor was told to stop it', exitCode, signal, endedAt };
	}
	if ('exitUnknown' in outcome && outcome.exitUnknown) {
		return { status: 'failed', reason: noWindow ? ENDED_WHILE_NO_WINDOW : ENDED_EXIT_UNKNOWN, exitCode: null, signal: null, endedAt };
	}
	if (signal) {
		return { status: 'failed', reason: `killed by ${signal}`, exitCode, signal, endedAt };
	}
	return { status: exitCode === 0 ? 'succeeded' : 'failed', exitCode, signal, endedAt };
}
