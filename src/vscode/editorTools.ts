import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { errorMessage } from '../common/errors';
import { isRecord } from '../common/guards';
import { matchesRule, validateRules } from '../agent/approval/rules';
import type { HostToolInfo, HostTools } from '../agent/tools/hostTools';
import type { ApprovalResult } from '../agent/tools/types';
import { UNTRUSTED_TOOL_REASON } from './approvals';
import { applicationValue } from './settings';

/** The setting that chooses which of `vscode.lm.tools` the agent gets (under `meanwhile.`). */
export const TOOLS_FROM_VSCODE_SETTING = 'tools.fromVSCode';

/** `meanwhile.tools.fromVSCode` from the user's settings only: a cloned repository cannot hand the agent more tools. */
export function readToolsFromVSCode(): string[] {
	const value = applicationValue<unknown>(TOOLS_FROM_VSCODE_SETTING);
	return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string' && entry.trim().length > 0) : [];
}

/** Whether an entry of the setting (a tool's name, or a `/regex/` on names, RE2 syntax) chooses `name`. */
function chooses(entries: readonly string[], name: string): boolean {
	// A name holds no spaces, so a plain entry (a prefix rule on word boundaries) matches only the whole name.
	return entries.some((entry) => matchesRule(name, entry));
}

export interface EditorToolsOptions {
	readonly logger: Logger;
	/** The approval policy for tool calls (ApprovalService.approveTool). */
	approve(name: string, input: Readonly<Record<string, unknown>>, toolUseId: string, signal: AbortSignal): Promise<ApprovalResult>;
}

/**
 * The agent's way to VS Code's Language Model Tools (`vscode.lm.tools`: VS Code's own, other
 * extensions', the user's MCP servers'): those `meanwhile.tools.fromVSCode` chooses, listed afresh for
 * every request, called with `vscode.lm.invokeTool`, their results as text.
 */
export class EditorTools implements HostTools {
	private readonly _warned = new Set<string>();

	constructor(private readonly _options: EditorToolsOptions) {}

	list(): HostToolInfo[] {
		const entries = readToolsFromVSCode();
		if (entries.length === 0) {
			return [];
		}
		for (const { rule, problem } of validateRules(entries)) {
			this._warnOnce(`meanwhile.tools.fromVSCode: ${JSON.stringify(rule)} chooses no tool: ${problem}.`);
		}
		return vscode.lm.tools
			.filter((tool) => chooses(entries, tool.name))
			.map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }));
	}

	approve(name: string, input: Readonly<Record<string, unknown>>, toolUseId: string, signal: AbortSignal): Promise<ApprovalResult> {
		return this._options.approve(name, input, toolUseId, signal);
	}

	async invoke(name: string, input: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string> {
		if (!vscode.workspace.isTrusted) {
			throw new Error(UNTRUSTED_TOOL_REASON);
		}
		if (!chooses(readToolsFromVSCode(), name)) {
			throw new Error(`it is no longer chosen in the user's setting meanwhile.tools.fromVSCode, so it was not called.`);
		}
		if (!vscode.lm.tools.some((tool) => tool.name === name)) {
			throw new Error('it is no longer among VS Code\'s tools (the extension or MCP server that provided it stopped or was removed), so it was not called.');
		}
		const cancellation = new vscode.CancellationTokenSource();
		let onAbort: () => void = () => undefined;
		// Stop ends the wait even for a tool that ignores its cancellation token.
		const stopped = new Promise<never>((_resolve, reject) => {
			onAbort = () => {
				cancellation.cancel();
				reject(new Error('stopped by the user'));
			};
			signal.addEventListener('abort', onAbort, { once: true });
		});
		try {
			// Outside a chat request there is no invocation token; VS Code confirms tools that ask in a dialog of its own.
			const result = await Promise.race([vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, cancellation.token), stopped]);
			return resultText(result);
		} finally {
			signal.removeEventListener('abort', onAbort);
			cancellation.dispose();
		}
	}

	private _warnOnce(line: string): void {
		if (!this._warned.has(line)) {
			this._warned.add(line);
			this._options.logger.warn(line);
		}
	}
}

const TEXT_MIME = /^(text\/|application\/(json|xml|javascript|x-ndjson)$|application\/[\w.+-]+\+(json|xml)$)/i;

/**
 * A tool's result as the text the model gets: text parts as they are, prompt-tsx parts by their text,
 * data parts that are text or JSON decoded; anything else (images, binary data) named, not sent: a
 * tool_result of Meanwhile's holds text only.
 */
export function resultText(result: vscode.LanguageModelToolResult): string {
	const pieces: string[] = [];
	for (const part of result.content) {
		if (part instanceof vscode.LanguageModelTextPart) {
			pieces.push(part.value);
		} else if (part instanceof vscode.LanguageModelPromptTsxPart) {
			pieces.push(promptTsxText(part.value));
		} else if (part instanceof vscode.LanguageModelDataPart) {
			if (TEXT_MIME.test(part.mimeType)) {
				pieces.push(new TextDecoder().decode(part.data));
			} else {
				const kind = part.mimeType.startsWith('image/') ? 'An image' : 'Data';
				pieces.push(`[${kind} (${part.mimeType}, ${part.data.byteLength} bytes) the tool returned: not shown, Meanwhile passes only text on.]`);
			}
		} else {
			pieces.push(describeUnknownPart(part));
		}
	}
	return pieces.join('\n');
}

/** The text in a prompt-tsx element tree (its JSON form): the strings of its text nodes, in order. */
function promptTsxText(value: unknown): string {
	const texts: string[] = [];
	const visit = (node: unknown, depth: number): void => {
		if (depth > 64) {
			return;
		}
		if (Array.isArray(node)) {
			node.forEach((child) => visit(child, depth + 1));
		} else if (isRecord(node)) {
			if (typeof node.text === 'string') {
				texts.push(node.text);
			}
			for (const [key, child] of Object.entries(node)) {
				if (key !== 'text' && typeof child === 'object' && child !== null) {
					visit(child, depth + 1);
				}
			}
		}
	};
	visit(value, 0);
	if (texts.length > 0) {
		return texts.join('');
	}
	try {
		return JSON.stringify(value) ?? '';
	} catch (error) {
		return `[a prompt part that could not be read: ${errorMessage(error)}]`;
	}
}

function describeUnknownPart(part: unknown): string {
	if (isRecord(part) && typeof part.value === 'string') {
		return part.value;
	}
	return '[a part of a kind Meanwhile does not know: not shown.]';
}
