export * from './types';
export {
	TaskManager,
	ENDED_EXIT_UNKNOWN,
	ENDED_WHILE_NO_WINDOW,
	MAX_FINISHED_TASKS,
	NOTICE_TAIL_CHARS,
	NOTICE_TAIL_LINES,
	STOPPED_WHEN_WINDOW_CLOSED,
	STOPPED_WHILE_NO_WINDOW,
	STOPPED_WITH_WINDOW,
	formatOutput,
	lastLines,
} from './taskManager';
export type { TaskManagerOptions } from './taskManager';
export { describeShell, getShell } from './shell';
export type { Shell, ShellInvocation } from './shell';
export { stripAnsi, collapseCarriageReturns, plainText } from './ansi';
