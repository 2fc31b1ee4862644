import type { BackgroundSettings } from '../types';
import type { SupervisorInvocation, SupervisorSpec } from './protocol';

/** How a supervisor gets its command: it starts it, or takes over the pipes of one this window started. */
export type SupervisedCommand =
	| {
			readonly mode: 'spawn';
			readonly invocation: SupervisorInvocation;
			readonly cwd: string;
			readonly env: Readonly<Record<string, string>>;
	  }
	| {
			readonly mode: 'pipes';
			/** The running command's pid, which is also its process group. */
			readonly pid: number | undefined;
	  };

/** The one place a supervisor's spec is made, for either way it gets its command: the rest comes from the task and the settings. */
export function supervisorSpec(
	task: { readonly id: string; readonly logPath: string },
	statePath: string,
	settings: Pick<BackgroundSettings, 'logMaxBytes' | 'killGraceSeconds'>,
	command: SupervisedCommand,
): SupervisorSpec {
	return {
		version: 1,
		id: task.id,
		logPath: task.logPath,
		statePath,
		logMaxBytes: Math.max(0, settings.logMaxBytes),
		killGraceMilliseconds: Math.max(0, settings.killGraceSeconds) * 1000,
		...command,
	};
}

/** An environment as plain strings: the spec is JSON, where an undefined value would vanish anyway. */
export function definedValues(environment: NodeJS.ProcessEnv): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(environment)) {
		if (value !== undefined) {
			result[name] = value;
		}
	}
	return result;
}

/** Why tasks cannot be left running here, or undefined if they can. */
export function supervisorUnavailable(supervisorScript: string | undefined, platform: NodeJS.Platform = process.platform): string | undefined {
	if (platform === 'win32') {
		return 'leaving tasks running is not supported on Windows';
	}
	if (!supervisorScript) {
		return 'there is no supervisor to run it';
	}
	return undefined;
}
