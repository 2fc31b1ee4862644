import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MeanwhileExports } from '../../src/extension';
import { CONTRACT_COMMANDS, EXTRA_COMMANDS } from './contract';

interface CommandContribution {
	readonly command: string;
	readonly title: string;
	readonly category?: string;
}

function extension(): vscode.Extension<MeanwhileExports> {
	const found = vscode.extensions.getExtension<MeanwhileExports>('meanwhile.meanwhile');
	assert.ok(found, 'the extension meanwhile.meanwhile is installed');
	return found;
}

function declaredCommands(): CommandContribution[] {
	const manifest = extension().packageJSON as { contributes?: { commands?: CommandContribution[] } };
	return manifest.contributes?.commands ?? [];
}

/** Commands VS Code itself registers for a view (`meanwhile.chat.focus`, …) are not ours to declare. */
function isViewCommand(id: string): boolean {
	return id.startsWith('meanwhile.chat.') || id.startsWith('meanwhile.tasks.') || id.startsWith('workbench.');
}

describe('activation', () => {
	before(async () => {
		await extension().activate();
	});

	it('activates the extension', () => {
		assert.equal(extension().isActive, true);
	});

	it('registers exactly the commands package.json declares, both ways', async () => {
		const registered = new Set((await vscode.commands.getCommands(true)).filter((id) => id.startsWith('meanwhile.') && !isViewCommand(id)));
		const declared = new Set(declaredCommands().map((command) => command.command));
		assert.ok(declared.size > 0, 'at least one command is declared');
		assert.deepEqual([...registered].sort(), [...declared].sort());
	});

	it('declares only command ids the contract names (or the README lists as additions), all in the Meanwhile category', () => {
		const allowed = new Set<string>([...CONTRACT_COMMANDS, ...EXTRA_COMMANDS]);
		for (const command of declaredCommands()) {
			assert.ok(allowed.has(command.command), `${command.command} is in the contract`);
			assert.equal(command.category, 'Meanwhile', `${command.command} is in the Meanwhile category`);
		}
	});

	it('declares the views and container of the contract', () => {
		const manifest = extension().packageJSON as {
			main: string;
			contributes: { viewsContainers: { activitybar: { id: string; title: string }[] }; views: Record<string, { id: string; name: string; type?: string }[]> };
		};
		assert.equal(manifest.main, './dist/extension.js');
		assert.deepEqual(manifest.contributes.viewsContainers.activitybar.map((c) => [c.id, c.title]), [['meanwhile', 'Meanwhile']]);
		const views = manifest.contributes.views.meanwhile.map((view) => [view.id, view.name, view.type ?? 'tree']);
		assert.deepEqual(views, [
			['meanwhile.chat', 'Chat', 'webview'],
			['meanwhile.tasks', 'Background Tasks', 'tree'],
		]);
	});

	it('resolves the two views when they are opened', async () => {
		await vscode.commands.executeCommand('meanwhile.chat.focus');
		await vscode.commands.executeCommand('meanwhile.tasks.focus');
		const api = await extension().exports.ready();
		assert.ok(typeof api.whenChatReady === 'function', 'the extension exposes whenChatReady');
		await api.whenChatReady();
	});
});
