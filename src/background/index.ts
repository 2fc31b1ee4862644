export * from './types';
export { TaskManager } from './taskManager';
export type { TaskManagerOptions } from './taskManager';
export { ENDED_EXIT_UNKNOWN, ENDED_WHILE_NO_WINDOW, STOPPED_WHEN_WINDOW_CLOSED, STOPPED_WHILE_NO_WINDOW, STOPPED_WITH_WINDOW } from './taskResult';
export { MAX_FINISHED_TASKS } from './retention';
export { NOTICE_TAIL_CHARS, NOTICE_TAIL_LINES, formatOutput, lastLines } from './outputFormat';
export { describeShell, getShell } from './shell';
export type { Shell, ShellInvocation } from './shell';
export { stripAnsi, collapseCarriageReturns, plainText } from './ansi';
