/**
 * Runs the tool calls of one reply, in order, and answers each in the conversation: a call whose input
 * was broken or cut off, or that names no tool, gets an error result without running. Keeps what the
 * tools need across calls: where `background_output` stopped reading, and which task each call concerns.
 */
import type { TaskService } from '../background/types';
import type { Logger } from '../common/logger';
import type { ToolCallState } from '../shared/protocol';
import type { Conversation } from './conversation';
import type { BrokenToolInput, ToolUseBlock } from './messages';
import { toTaskView } from './taskNotice';
import { capOutput } from './tools/output';
import type { AgentTool, ApproveCommand, ToolContext, ToolResult } from './tools/types';
import { firstLine } from './tools/types';
import type { Transcript } from './transcript';
import type { WorkspaceFiles } from './workspace';

export interface ToolRunnerOptions {
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly transcript: Transcript;
	readonly logger: Logger;
	readonly approve: ApproveCommand;
	/** Where commands run; the task engine's default when absent or undefined. */
	readonly cwd?: () => string | undefined;
	/** The conversation the calls belong to: the tasks they start carry it. */
	readonly conversationId: string;
	/** A tool returned a task's end: its notice is dropped when drained. */
	readonly markDelivered: (taskId: string) => void;
}

/** What a reply's calls are run with. */
export interface ToolRun {
	/** The tools the request offered, by the names the model calls them. */
	readonly tools: ReadonlyMap<string, AgentTool>;
	readonly conversation: Conversation;
	readonly bashTimeoutSeconds: number;
	readonly signal: AbortSignal;
	/** The call whose input was not valid JSON, if any. */
	readonly broken?: BrokenToolInput;
	/** The call cut off by max_tokens, if any. */
	readonly truncatedId?: string;
}

export class ToolRunner {
	/** Tool call id → the task it started or concerns: where its full output is when it must be shortened. */
	private readonly _toolTasks = new Map<string, string>();
	/** Where `background_output` last stopped reading each task (bytes of output). */
	private readonly _outputCursors = new Map<string, number>();

	constructor(private readonly _options: ToolRunnerOptions) {}

	/** The task a tool call started or concerns, if any. */
	taskOf(toolUseId: string): string | undefined {
		return this._toolTasks.get(toolUseId);
	}

	async run(toolUses: readonly ToolUseBlock[], run: ToolRun): Promise<void> {
		const transcript = this._options.transcript;
		for (const toolUse of toolUses) {
			if (run.signal.aborted) {
				return;
			}
			let result: ToolResult;
			const tool = run.tools.get(toolUse.name);
			if (run.broken && toolUse.id === run.broken.toolUseId) {
				result = {
					content:
						`The input of this ${toolUse.name} call was not valid JSON, so the tool did not run. The input received was:\n` +
						`${run.broken.raw}\nSend the call again with the input as one JSON object.`,
					isError: true,
					summary: 'input was not valid JSON',
				};
			} else if (toolUse.id === run.truncatedId) {
				result = {
					content:
						'Your reply reached the max_tokens limit while writing this tool call, so its input is incomplete and it did not run. ' +
						'Send it again in smaller parts (for example several edits instead of one large file).',
					isError: true,
					summary: 'input cut off by max_tokens',
				};
			} else if (!tool) {
				result = {
					content: `There is no tool named ${toolUse.name}. The tools are: ${[...run.tools.keys()].join(', ')}.`,
					isError: true,
					summary: 'unknown tool',
				};
			} else {
				transcript.updateToolCard(toolUse.id, { state: 'running' });
				result = await tool.run(toolUse.input, this._context(toolUse, run));
			}
			// Tools cap their own output with a pointer to a log; this bounds any other tool too.
			result = { ...result, content: capOutput(result.content) };
			run.conversation.addToolResult(toolUse.id, result.content, result.isError === true);
			const state: ToolCallState = result.denied ? 'denied' : result.isError ? 'error' : 'done';
			transcript.updateToolCard(toolUse.id, {
				state,
				result: result.content,
				resultSummary: result.summary ?? firstLine(result.content),
			});
		}
	}

	private _context(toolUse: ToolUseBlock, run: ToolRun): ToolContext {
		const { tasks, transcript } = this._options;
		return {
			toolUseId: toolUse.id,
			tasks,
			files: this._options.files,
			signal: run.signal,
			bashTimeoutSeconds: run.bashTimeoutSeconds,
			cwd: this._options.cwd?.(),
			logger: this._options.logger,
			approve: this._options.approve,
			conversationId: this._options.conversationId,
			markDelivered: this._options.markDelivered,
			linkTask: (taskId) => {
				this._toolTasks.set(toolUse.id, taskId);
				transcript.updateToolCard(toolUse.id, { taskId });
				const task = tasks.get(taskId);
				if (task) {
					transcript.emit({ type: 'taskUpdated', task: toTaskView(task) });
				}
			},
			reportState: (state) => transcript.updateToolCard(toolUse.id, { state }),
			outputCursor: (taskId) => this._outputCursors.get(taskId),
			setOutputCursor: (taskId, cursor) => {
				this._outputCursors.set(taskId, cursor);
			},
		};
	}
}
