import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MeanwhileApi, MeanwhileExports } from '../../src/extension';

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

export function uniqueMarker(): string {
	return `mw${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
