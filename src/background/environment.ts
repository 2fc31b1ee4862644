import { TASK_MARKER_VARIABLE } from './processMarks';

/**
 * Variables a task never sees: the API key and the rest of our own configuration are not the command's
 * business, and `ELECTRON_RUN_AS_NODE` (set in VS Code's extension host) would turn any Electron app the
 * command starts, VS Code's own `code` CLI included, into a plain Node.js.
 */
function isHidden(name: string): boolean {
	const upper = name.toUpperCase();
	return upper.startsWith('ANTHROPIC_') || upper === 'ELECTRON_RUN_AS_NODE' || upper === TASK_MARKER_VARIABLE;
}

/**
 * The environment of a task: the inherited one, plus what the caller adds, minus `ANTHROPIC_*` and
 * `ELECTRON_RUN_AS_NODE` whatever the case; with `marker`, the variable every process of the task
 * inherits so that it can be found again whatever it does to its process group (see processMarks.ts).
 * A marker inherited from elsewhere (a window opened from a task's terminal) is never passed on.
 */
export function taskEnvironment(base: NodeJS.ProcessEnv, added: Readonly<Record<string, string>> | undefined, marker?: string): NodeJS.ProcessEnv {
	const environment: NodeJS.ProcessEnv = {};
	for (const source of [base, added ?? {}]) {
		for (const [name, value] of Object.entries(source)) {
			if (value !== undefined && !isHidden(name)) {
				environment[name] = value;
			}
		}
	}
	if (marker !== undefined) {
		environment[TASK_MARKER_VARIABLE] = marker;
	}
	return environment;
}
