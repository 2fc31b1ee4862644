import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { evaluateToolCall } from '../agent/approval/toolRules';
import type { ApprovalResult } from '../agent/tools/types';
import type { ApprovalDecision, ApprovalRequestView } from '../shared/protocol';
import { ApprovalSettings, readApprovalSettings, SECTION } from './settings';
import { errorMessage } from '../common/errors';
import { ellipsize } from '../common/text';

/** What the policy says of a command line under the current settings. */
export interface CommandEvaluation {
	readonly decision: 'allow' | 'ask' | 'deny';
	readonly reasons: readonly string[];
	/** The rules "Always Allow" adds so that this line runs unasked; empty when no rule can cover it. */
	readonly allowRules: readonly string[];
}

export type EvaluateCommand = (command: string, settings: ApprovalSettings) => Promise<CommandEvaluation>;

interface PendingApproval {
	readonly toolName: string;
	/** The command line, or for an editor's tool its name and input. */
	readonly command: string;
	readonly evaluation: CommandEvaluation;
	/** Set for a call to one of the editor's tools: its name. */
	readonly tool?: string;
	readonly resolve: (result: ApprovalResult) => void;
	/** Set when an agent outside the editor asks (the MCP server): a notification asks, never a card. */
	readonly caller?: string;
}

export const UNTRUSTED_COMMAND_REASON =
	'This workspace is not trusted, so Meanwhile runs no command in it. Reading files still works; the user can trust the workspace to allow commands.';

export const UNTRUSTED_TOOL_REASON =
	'This workspace is not trusted, so Meanwhile calls none of the editor\'s tools in it. Reading files still works; the user can trust the workspace to allow them.';

/**
 * Decides whether a model-issued command runs: by the rules in the user's settings, else by asking the
 * user on the tool's card in the chat (or in a notification while the chat is hidden). Commands the user
 * starts from the palette never come here.
 */
export class ApprovalService extends Disposable {
	private readonly _pending = new Map<string, PendingApproval>();
	private readonly _onDidChange = this._register(new Emitter<string>());
	/** Fires with a tool-use id when its approval request appears or is answered. */
	readonly onDidChange = this._onDidChange.event;
	private readonly _onDidOpenRequest = this._register(new Emitter<string>());
	/**
	 * Fires with a tool-use id when a request starts waiting for the user (after {@link onDidChange}):
	 * whoever shows the chat asks in a notification ({@link notify}) while the chat is hidden.
	 */
	readonly onDidOpenRequest = this._onDidOpenRequest.event;

	constructor(
		private readonly _evaluate: EvaluateCommand,
		private readonly _logger: Logger,
	) {
		super();
		this._register({ dispose: () => this.cancelAll('the window closed before the user answered', true) });
	}

	/** The agent's approval hook. */
	readonly approve = async (toolName: string, command: string, toolUseId?: string, signal?: AbortSignal): Promise<ApprovalResult> => {
		if (!vscode.workspace.isTrusted) {
			return { allowed: false, reason: UNTRUSTED_COMMAND_REASON };
		}
		const evaluation = await this.evaluate(command);
		return this._settle({ toolName, command, evaluation }, toolUseId ?? `approval-${randomUUID()}`, signal);
	};

	/**
	 * For a command an agent outside the editor asks Meanwhile to start (the MCP server): the same policy;
	 * where it would ask, a notification naming `caller` asks, since no card in the chat shows the call.
	 * `signal` withdraws the question (the caller went away).
	 */
	async approveForCaller(caller: string, command: string, signal: AbortSignal): Promise<ApprovalResult> {
		if (!vscode.workspace.isTrusted) {
			return { allowed: false, reason: UNTRUSTED_COMMAND_REASON };
		}
		const evaluation = await this.evaluate(command);
		return this._settle({ toolName: 'meanwhile_background_run', command, evaluation, caller }, `outside-${randomUUID()}`, signal);
	}

	/**
	 * The agent's approval hook for a call to one of the editor's tools (`meanwhile.tools.fromVSCode`):
	 * `tool:` rules decide (toolRules.ts), else the call's card asks.
	 */
	readonly approveTool = (name: string, input: Readonly<Record<string, unknown>>, toolUseId: string, signal: AbortSignal): Promise<ApprovalResult> => {
		if (!vscode.workspace.isTrusted) {
			return Promise.resolve({ allowed: false, reason: UNTRUSTED_TOOL_REASON });
		}
		const evaluation = evaluateToolCall(name, readApprovalSettings());
		const shown = Object.keys(input).length === 0 ? name : `${name} ${ellipsize(JSON.stringify(input, undefined, 1).replace(/\n\s*/g, ' '), 2000)}`;
		return this._settle({ toolName: name, command: shown, evaluation, tool: name }, toolUseId, signal);
	};

	/** Applies the rules' decision, or opens a request (on the card, or for an outside caller in a notification) and waits for the user. */
	private _settle(request: Omit<PendingApproval, 'resolve'>, id: string, signal: AbortSignal | undefined): Promise<ApprovalResult> {
		const { command, evaluation, caller } = request;
		if (evaluation.decision === 'allow') {
			this._logger.info(`Allowed by the approval rules: ${command}`);
			return Promise.resolve({ allowed: true });
		}
		if (evaluation.decision === 'deny') {
			const reason = evaluation.reasons.join(' ') || 'A deny rule matches this command.';
			this._logger.info(`Denied by the approval rules: ${command} (${reason})`);
			return Promise.resolve({ allowed: false, reason });
		}
		const stopped = caller === undefined ? 'the user stopped the turn' : `${caller} cancelled the call`;
		if (signal?.aborted) {
			// Stopped while the command was being analysed: no card and no notification after Stop.
			return Promise.resolve({ allowed: false, reason: stopped });
		}
		return new Promise<ApprovalResult>((resolve) => {
			this._pending.set(id, { ...request, resolve });
			signal?.addEventListener(
				'abort',
				() => {
					if (this._pending.delete(id)) {
						resolve({ allowed: false, reason: stopped });
						this._onDidChange.fire(id);
					}
				},
				{ once: true },
			);
			this._onDidChange.fire(id);
			if (caller === undefined) {
				this._onDidOpenRequest.fire(id);
			} else {
				void this.notify(id);
			}
		});
	}

	/**
	 * What the policy says of a command under the current settings, without asking anyone (for callers
	 * that ask in their own way, such as VS Code's confirmation of a Language Model Tool). Trust is the caller's to check.
	 */
	async evaluate(command: string): Promise<CommandEvaluation> {
		const settings = readApprovalSettings();
		// Commands run in PowerShell on Windows, which the shell parser does not read: no rule decides there.
		const effective = process.platform === 'win32' && settings.mode === 'auto' ? { ...settings, mode: 'ask' as const } : settings;
		try {
			return await this._evaluate(command, effective);
		} catch (error) {
			// A policy failure must not run a command unasked: ask the person instead.
			this._logger.error(`Could not evaluate a command for approval: ${String(error)}`);
			return { decision: 'ask', reasons: ['Meanwhile could not analyse this command.'], allowRules: [] };
		}
	}

	/** What the card of a tool call waiting for approval shows. */
	requestFor(toolUseId: string): ApprovalRequestView | undefined {
		const pending = this._pending.get(toolUseId);
		if (!pending) {
			return undefined;
		}
		const rules = pending.evaluation.allowRules;
		// The card quotes the value: several rules read as "npm test", "git status".
		return {
			command: pending.command,
			reasons: pending.evaluation.reasons,
			...(rules.length > 0 ? { allowRule: rules.join('", "') } : {}),
			...(pending.tool !== undefined ? { tool: pending.tool } : {}),
		};
	}

	/** The user's answer from the card (or the notification). */
	async decide(toolUseId: string, decision: ApprovalDecision, reason?: string): Promise<void> {
		const pending = this._pending.get(toolUseId);
		if (!pending) {
			return;
		}
		this._pending.delete(toolUseId);
		if (decision === 'deny') {
			const why = reason?.trim() ? `The user denied it: ${reason.trim()}` : 'The user denied running this command.';
			pending.resolve({ allowed: false, reason: why });
		} else {
			// The command runs whatever happens to the settings write below: the user said Run.
			pending.resolve({ allowed: true });
			if (decision === 'always' && pending.evaluation.allowRules.length > 0) {
				try {
					await this._addAllowRules(pending.evaluation.allowRules);
				} catch (error) {
					this._logger.error(`Could not add the rule to meanwhile.approval.allow: ${String(error)}`);
					void vscode.window.showErrorMessage(`Meanwhile could not add the rule to your settings: ${errorMessage(error)}`);
				}
			}
		}
		this._onDidChange.fire(toolUseId);
	}

	/**
	 * Denies every open request of the chat (a stop, a new chat); with `alsoOutside`, those of agents
	 * outside the editor too (the window closing): a Stop in the chat is not their caller's.
	 */
	cancelAll(reason: string, alsoOutside = false): void {
		for (const [id, pending] of [...this._pending]) {
			if (pending.caller !== undefined && !alsoOutside) {
				continue;
			}
			this._pending.delete(id);
			pending.resolve({ allowed: false, reason });
			this._onDidChange.fire(id);
		}
	}

	private async _addAllowRules(rules: readonly string[]): Promise<void> {
		const config = vscode.workspace.getConfiguration(SECTION);
		const current = config.inspect<string[]>('approval.allow')?.globalValue ?? [];
		const added = rules.filter((rule) => !current.includes(rule));
		if (added.length > 0) {
			// User settings (application scope): a workspace must never widen what runs unasked.
			await config.update('approval.allow', [...current, ...added], vscode.ConfigurationTarget.Global);
			this._logger.info(`Added ${added.map((rule) => `"${rule}"`).join(', ')} to meanwhile.approval.allow.`);
		}
		if (readApprovalSettings().mode === 'ask') {
			void vscode.window.showInformationMessage(
				'Meanwhile: the rule was added to meanwhile.approval.allow. Rules let commands run unasked when meanwhile.approval.mode is "auto"; it is "ask" now.',
				'Use "auto"',
			).then(async (choice) => {
				if (choice) {
					await config.update('approval.mode', 'auto', vscode.ConfigurationTarget.Global);
				}
			});
		}
	}

	/**
	 * Asks in a notification (for when the chat is hidden) and decides by the answer. Resolves true when
	 * the user asked to see the request in the chat instead.
	 */
	async notify(toolUseId: string): Promise<boolean> {
		const pending = this._pending.get(toolUseId);
		if (!pending) {
			return false;
		}
		const shortCommand = ellipsize(pending.command, 120);
		if (pending.caller !== undefined) {
			// The notification is the only place this question is shown: closing it answers it.
			const why = pending.evaluation.reasons.length > 0 ? ` (${ellipsize(pending.evaluation.reasons.join(' '), 200)})` : '';
			const answer = await vscode.window.showWarningMessage(`${pending.caller} asks Meanwhile to run in the background: ${shortCommand}${why}`, 'Run', 'Deny');
			if (this._pending.has(toolUseId)) {
				await this.decide(toolUseId, answer === 'Run' ? 'run' : 'deny');
			}
			return false;
		}
		const what = pending.tool !== undefined ? 'Meanwhile wants to call the editor\'s tool' : 'Meanwhile wants to run';
		const choice = await vscode.window.showWarningMessage(`${what}: ${shortCommand}`, 'Run', 'Deny', 'Show in Chat');
		if (!this._pending.has(toolUseId)) {
			return false;
		}
		if (choice === 'Run') {
			await this.decide(toolUseId, 'run');
		} else if (choice === 'Deny') {
			await this.decide(toolUseId, 'deny');
		}
		return choice === 'Show in Chat';
	}
}
