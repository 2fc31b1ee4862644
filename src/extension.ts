import * as vscode from 'vscode';
import type { Core, MeanwhileApi } from './core';
import { DeferredTree, DeferredWebviewView, forwardCommands, forwardTools } from './vscode/deferred';
import type { TaskElement } from './vscode/tasksTree';
import { CHAT_VIEW_ID, TASKS_VIEW_ID } from './vscode/viewIds';

/**
 * Activation registers what package.json contributes (the two views, the commands, the tools) with
 * stand-ins, and returns: VS Code and the extensions activating beside Meanwhile wait for nothing more.
 * The rest (the task engine, the chat and its agent) is a bundle of its own, dist/core.js, loaded in the
 * next turn of the event loop, or sooner when a view, command or tool is used (they wait for it).
 */

export type { MeanwhileApi } from './core';

/** What the extension exports: the API, once the core has loaded. */
export interface MeanwhileExports {
	ready(): Promise<MeanwhileApi>;
}

interface Contributions {
	readonly commands?: readonly { readonly command: string }[];
	readonly languageModelTools?: readonly { readonly name: string }[];
}

let loadedCore: Core | undefined;

export function activate(context: vscode.ExtensionContext): MeanwhileExports {
	const contributes = ((context.extension.packageJSON as { contributes?: Contributions }).contributes ?? {}) as Contributions;
	let loading: Promise<Core> | undefined;
	const load = (): Promise<Core> =>
		(loading ??= new Promise<Core>((resolve, reject) => {
			// In a task of its own, so that a caller that triggered the load is not held up by more than it needs.
			setImmediate(() => {
				try {
					// dist/core.js, bundled on its own (scripts/extensionBundle.js).
					const { startCore } = require('./core') as typeof import('./core');
					loadedCore = startCore(context, { tree, treeView, chatView, commands, tools });
					resolve(loadedCore);
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
				}
			});
		}));
	const loaded = async (): Promise<void> => {
		await load();
	};
	const tree = new DeferredTree<TaskElement>(loaded);
	const treeView = vscode.window.createTreeView<TaskElement>(TASKS_VIEW_ID, { treeDataProvider: tree });
	const chatView = new DeferredWebviewView(loaded);
	const commands = forwardCommands((contributes.commands ?? []).map((each) => each.command), loaded);
	const tools = forwardTools((contributes.languageModelTools ?? []).map((each) => each.name), loaded);
	context.subscriptions.push(tree, treeView, vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chatView), commands, tools);
	void load().catch((error: unknown) => {
		void vscode.window.showErrorMessage(`Meanwhile could not start: ${error instanceof Error ? error.message : String(error)}`);
	});
	return { ready: async () => (await load()).api };
}

/** Waits for the conversation to be saved: VS Code gives deactivate a few seconds. */
export async function deactivate(): Promise<void> {
	await loadedCore?.deactivate();
	loadedCore = undefined;
}
