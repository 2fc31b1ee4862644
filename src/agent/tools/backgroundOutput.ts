/**
 * `background_output`: what a task printed since the agent last read it (a cursor per task and
 * conversation), or all the output still in memory; optionally only the lines matching a pattern, or
 * only the last lines. The task's status comes first.
 */
import { isFinalStatus } from '../../background/types';
import type { LinePattern } from '../../common/linePattern';
import { capOutput, MAX_TOOL_OUTPUT_CHARS } from './output';
import { compilePattern, formatBytes, taskHeader, unknownTask } from './taskFormat';
import { defineTool, type ToolResult } from './types';

interface BackgroundOutputInput {
	readonly task_id: string;
	readonly since?: 'last' | 'start';
	readonly grep?: string;
	readonly tail_lines?: number;
}

export const backgroundOutputTool = defineTool<BackgroundOutputInput>({
	name: 'background_output',
	description:
		'Reads the output of a background task (running or finished), its status first. By default it returns only what the task printed ' +
		'since your previous background_output call for that task (the first call returns everything so far), so calling it again shows ' +
		'progress without repeating itself. since: "start" returns all the output held in memory instead. grep keeps only the matching lines, ' +
		'tail_lines only the last N lines; either way the read position moves to the end. Use it to follow a running build, test run or server; ' +
		'to wait for something, use background_wait instead of calling this repeatedly.',
	inputSchema: {
		type: 'object',
		properties: {
			task_id: { type: 'string', description: 'The task id, like bg-3.' },
			since: {
				type: 'string',
				enum: ['last', 'start'],
				description: '"last" (default): only output printed since your previous background_output call for this task. "start": all the output held in memory.',
			},
			grep: { type: 'string', description: 'Keep only the lines matching this regular expression (RE2 syntax: no lookaround or backreferences; case-sensitive), e.g. "error|FAIL".' },
			tail_lines: { type: 'integer', minimum: 1, description: 'Keep only the last N lines (after grep).' },
		},
		required: ['task_id'],
		additionalProperties: false,
	},
	summarize: (input) =>
		[input.task_id, input.since === 'start' ? 'from the start' : '', input.grep !== undefined ? `grep ${input.grep}` : '', input.tail_lines !== undefined ? `last ${input.tail_lines} lines` : '']
			.filter((part) => part !== '')
			.join(', '),
	execute(input, context): Promise<ToolResult> {
		const id = input.task_id.trim();
		if (!context.tasks.get(id)) {
			return Promise.resolve(unknownTask(context.tasks, id));
		}
		let pattern: LinePattern | undefined;
		if (input.grep !== undefined) {
			const compiled = compilePattern(input.grep, 'grep');
			if (typeof compiled === 'string') {
				return Promise.resolve({ content: compiled, isError: true, summary: 'invalid grep pattern' });
			}
			pattern = compiled;
		}
		context.linkTask(id);
		const fromStart = input.since === 'start';
		const previous = context.outputCursor(id);
		const read = context.tasks.readOutputSince(id, fromStart ? 0 : (previous ?? 0));
		context.setOutputCursor(id, read.cursor);
		// The status after the read: a task that has ended has flushed all its output by then.
		const task = context.tasks.get(id);
		if (!task) {
			return Promise.resolve(unknownTask(context.tasks, id));
		}
		if (isFinalStatus(task.status)) {
			// The model now sees how it ended: a notice saying the same would be noise.
			context.markDelivered(task.id);
		}

		const lines = splitLines(read.text);
		const total = lines.length;
		const notes: string[] = [];
		let kept = lines;
		if (pattern) {
			const regex = pattern;
			kept = kept.filter((line) => regex.test(line));
			notes.push(`grep ${JSON.stringify(input.grep)}: ${kept.length} of ${total} line${total === 1 ? '' : 's'} match`);
		}
		if (input.tail_lines !== undefined && kept.length > input.tail_lines) {
			notes.push(`showing the last ${input.tail_lines} of ${kept.length} line${kept.length === 1 ? '' : 's'}`);
			kept = kept.slice(kept.length - input.tail_lines);
		}

		const heading = fromStart
			? 'output from the start:'
			: previous === undefined
				? 'output so far (first read):'
				: 'new output since your last read:';
		const parts = [taskHeader(task), heading];
		if (read.skipped > 0) {
			const what = fromStart ? `the first ${formatBytes(read.skipped)} of output` : `${formatBytes(read.skipped)} of the output since your last read`;
			parts.push(`[${what} are no longer held in memory, only the full log has them: ${task.logPath}]`);
		}
		parts.push(...notes.map((note) => `[${note}]`));
		const body = kept.join('\n');
		if (body !== '') {
			// Room left for the lines around it, so the loop's own cap (which knows no log) never cuts again.
			parts.push(capOutput(body, { logPath: task.logPath, maxChars: MAX_TOOL_OUTPUT_CHARS - 2_000 }));
		} else if (total > 0) {
			parts.push('(no line matches)');
		} else {
			parts.push(fromStart || previous === undefined ? '(no output yet)' : '(no new output)');
		}
		parts.push(`full log: ${task.logPath}`);
		if (!isFinalStatus(task.status)) {
			parts.push('The task is still running: call background_output again later for what it prints next, or background_wait to wait for a line, a port or its end.');
		}
		const summary = body === '' ? (total > 0 ? 'no line matches' : 'no new output') : `${kept.length} line${kept.length === 1 ? '' : 's'}`;
		return Promise.resolve({ content: parts.join('\n'), summary: `${task.status}, ${summary}` });
	},
});

/** The lines of a piece of output; a final newline does not start an empty line. */
function splitLines(text: string): string[] {
	if (text === '') {
		return [];
	}
	const lines = text.split('\n');
	if (lines[lines.length - 1] === '') {
		lines.pop();
	}
	return lines;
}
