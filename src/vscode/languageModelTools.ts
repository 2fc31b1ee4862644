import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TaskService } from '../background/types';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { commandOf, contextForOtherAgent, TOOLS_FOR_OTHER_AGENTS, type ToolForOtherAgents } from '../agent/tools/forOtherAgents';
import type { ApprovalResult, ToolContext } from '../agent/tools/types';
import type { WorkspaceFiles } from '../agent/workspace';
import { ApprovalService, UNTRUSTED_COMMAND_REASON } from './approvals';
import type { Registrar } from './deferred';
import { readChatSettings } from './settings';

export interface LanguageModelToolsOptions {
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly approvals: ApprovalService;
	readonly logger: Logger;
	/** Where commands run when the caller names no folder. */
	cwd(): string | undefined;
	/** Where the tools are registered (with VS Code, through the stand-ins activation registered). */
	readonly registry: Registrar<vscode.LanguageModelTool<object>>;
}

/** How the tree names a caller: VS Code does not say which extension called, only whether a chat request did. */
function callerOf(toolInvocationToken: unknown): string {
	return toolInvocationToken === undefined ? 'another extension' : 'VS Code chat';
}

/**
 * Meanwhile's background tools for every agent in the window (`vscode.lm.tools`): the agent's own tools
 * run with a context for an outside caller. Commands obey the same approval policy: where it would ask,
 * VS Code's confirmation for tools asks; a deny rule or an untrusted workspace refuses.
 */
export class LanguageModelTools extends Disposable {
	/** Commands VS Code was asked to confirm (by prepareInvocation) and has not run yet: VS Code invokes only once confirmed. */
	private readonly _confirmations = new Map<string, number>();
	/** Where each task's output was last read by an outside caller (they share one cursor: VS Code does not say who calls). */
	private readonly _outputCursors = new Map<string, number>();

	constructor(private readonly _options: LanguageModelToolsOptions) {
		super();
		for (const entry of TOOLS_FOR_OTHER_AGENTS) {
			this._register(_options.registry.register(entry.name, this._toolFor(entry)));
		}
	}

	private _toolFor(entry: ToolForOtherAgents): vscode.LanguageModelTool<object> {
		return {
			prepareInvocation: async (options) => {
				const invocationMessage = entry.invocationMessage(options.input);
				const command = commandOf(entry.name, options.input);
				if (command === undefined || !vscode.workspace.isTrusted) {
					return { invocationMessage };
				}
				const evaluation = await this._options.approvals.evaluate(command);
				if (evaluation.decision !== 'ask') {
					// Allowed runs unasked; denied is refused by invoke with the reason.
					return { invocationMessage };
				}
				this._confirmations.set(command, (this._confirmations.get(command) ?? 0) + 1);
				const message = new vscode.MarkdownString();
				message.appendMarkdown('Meanwhile runs this command as a background task (it shows in **Background Tasks**, where you can cancel it):\n\n');
				message.appendCodeblock(command, 'sh');
				if (evaluation.reasons.length > 0) {
					message.appendMarkdown(`\n${evaluation.reasons.map((reason) => `- ${reason}`).join('\n')}`);
				}
				return { invocationMessage, confirmationMessages: { title: 'Run in the background?', message } };
			},
			invoke: async (options, token) => {
				const controller = new AbortController();
				const cancellation = token.onCancellationRequested(() => controller.abort());
				try {
					const result = await entry.tool.run(options.input as Record<string, unknown>, this._context(options.toolInvocationToken, controller.signal));
					if (result.isError) {
						// VS Code passes a failed call's message on to the calling model as the tool's error.
						throw new Error(result.content);
					}
					return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.content)]);
				} finally {
					cancellation.dispose();
				}
			},
		};
	}

	private _context(toolInvocationToken: unknown, signal: AbortSignal): ToolContext {
		const { tasks, files, logger } = this._options;
		const cwd = this._options.cwd();
		return contextForOtherAgent({
			toolUseId: `lm-${randomUUID()}`,
			tasks,
			files,
			logger,
			caller: callerOf(toolInvocationToken),
			signal,
			...(cwd !== undefined ? { cwd } : {}),
			bashTimeoutSeconds: readChatSettings().bashTimeoutSeconds,
			approve: (command) => this._approve(command),
			outputCursors: this._outputCursors,
		});
	}

	private async _approve(command: string): Promise<ApprovalResult> {
		if (!vscode.workspace.isTrusted) {
			return { allowed: false, reason: UNTRUSTED_COMMAND_REASON };
		}
		const confirmed = this._takeConfirmation(command);
		const evaluation = await this._options.approvals.evaluate(command);
		if (evaluation.decision === 'allow') {
			return { allowed: true };
		}
		if (evaluation.decision === 'deny') {
			const reason = evaluation.reasons.join(' ') || 'A rule in meanwhile.approval.deny matches this command.';
			this._options.logger.info(`Denied a command another agent asked for: ${command} (${reason})`);
			return { allowed: false, reason };
		}
		return confirmed
			? { allowed: true }
			: { allowed: false, reason: 'Meanwhile\'s approval policy asks before this command runs, and VS Code did not confirm it.' };
	}

	private _takeConfirmation(command: string): boolean {
		const count = this._confirmations.get(command) ?? 0;
		if (count <= 1) {
			this._confirmations.delete(command);
		} else {
			this._confirmations.set(command, count - 1);
		}
		return count > 0;
	}
}
