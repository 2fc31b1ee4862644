import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MeanwhileApi, MeanwhileExports } from '../../src/extension';
import type { ChatItem, ToolCallView } from '../../src/shared/protocol';

export async function api(): Promise<MeanwhileApi> {
	const extension = vscode.extensions.getExtension<MeanwhileExports>('meanwhile.meanwhile');
	assert.ok(extension, 'the extension is installed');
	return (await extension.activate()).ready();
}

export function workspaceFolder(): string {
	const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
	assert.ok(folder, 'the test workspace is open');
	return folder;
}

/** Polls until the check passes (the extension host's event loop keeps running meanwhile). */
export async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value !== undefined && value !== false) {
			return value;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** As {@link eventually}, for a check that has to await. */
export async function eventuallyAsync<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) {
			return value;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function toolCard(items: readonly ChatItem[], toolUseId: string): ToolCallView | undefined {
	for (const item of items) {
		if (item.kind === 'assistant') {
			for (const block of item.blocks) {
				if (block.kind === 'tool' && block.toolUseId === toolUseId) {
					return block;
				}
			}
		}
	}
	return undefined;
}

/** A tool call's card as the chat shows it now. */
export async function card(toolUseId: string): Promise<ToolCallView | undefined> {
	const { chat } = await api();
	return toolCard((await chat.getState()).items, toolUseId);
}

export function uniqueMarker(): string {
	return `mw${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
