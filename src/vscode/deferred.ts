import * as vscode from 'vscode';

/**
 * What activation registers before the rest of Meanwhile has loaded: the views, commands and tools of
 * package.json, each standing in for its implementation until the core (src/core.ts) is there. Whoever
 * uses one first waits for the core; from then on each call goes straight through.
 */

export type CommandHandler = (...args: unknown[]) => unknown;

/** Where the core registers what a stand-in forwards to. */
export interface Registrar<T> {
	register(id: string, implementation: T): vscode.Disposable;
}

/**
 * Registers `ids` with VS Code at once, each forwarding to what the core registers under that id once
 * `load` has resolved. An id the core registers that was not forwarded is registered directly.
 */
class Forwarders<T> implements Registrar<T>, vscode.Disposable {
	private readonly _implementations = new Map<string, T>();
	private readonly _forwarded: ReadonlySet<string>;
	private readonly _registrations: vscode.Disposable[];

	constructor(
		ids: readonly string[],
		private readonly _load: () => Promise<void>,
		/** Registers `id` with VS Code; `implementation` resolves to what the core registered. */
		registerWithVscode: (id: string, implementation: () => Promise<T>) => vscode.Disposable,
		private readonly _registerDirectly: (id: string, implementation: T) => vscode.Disposable,
	) {
		this._forwarded = new Set(ids);
		this._registrations = ids.map((id) => registerWithVscode(id, () => this._implementation(id)));
	}

	private async _implementation(id: string): Promise<T> {
		await this._load();
		const implementation = this._implementations.get(id);
		if (implementation === undefined) {
			throw new Error(`Meanwhile has no implementation of ${id}.`);
		}
		return implementation;
	}

	register(id: string, implementation: T): vscode.Disposable {
		if (!this._forwarded.has(id)) {
			return this._registerDirectly(id, implementation);
		}
		this._implementations.set(id, implementation);
		return { dispose: () => this._implementations.get(id) === implementation && this._implementations.delete(id) };
	}

	dispose(): void {
		for (const registration of this._registrations) {
			registration.dispose();
		}
		this._implementations.clear();
	}
}

/** The commands of package.json. */
export function forwardCommands(ids: readonly string[], load: () => Promise<void>): Registrar<CommandHandler> & vscode.Disposable {
	return new Forwarders<CommandHandler>(
		ids,
		load,
		(id, implementation) => vscode.commands.registerCommand(id, async (...args: unknown[]) => (await implementation())(...args)),
		(id, handler) => vscode.commands.registerCommand(id, handler),
	);
}

/** The language model tools of package.json. */
export function forwardTools(names: readonly string[], load: () => Promise<void>): Registrar<vscode.LanguageModelTool<object>> & vscode.Disposable {
	return new Forwarders<vscode.LanguageModelTool<object>>(
		names,
		load,
		(name, implementation) =>
			vscode.lm.registerTool<object>(name, {
				prepareInvocation: async (options, token) => (await implementation()).prepareInvocation?.(options, token),
				invoke: async (options, token) => (await implementation()).invoke(options, token),
			}),
		(name, tool) => vscode.lm.registerTool<object>(name, tool),
	);
}

/** The Background Tasks tree until the core's provider is connected; rows are task ids. */
export class DeferredTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
	private readonly _onDidChangeTreeData = new vscode.EventEmitter<T | T[] | undefined | void>();
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private _provider: vscode.TreeDataProvider<T> | undefined;
	private _forwarding: vscode.Disposable | undefined;

	constructor(private readonly _load: () => Promise<void>) {}

	/** The core's provider: from now on every question goes to it. */
	connect(provider: vscode.TreeDataProvider<T>): void {
		this._provider = provider;
		this._forwarding = provider.onDidChangeTreeData?.((change) => this._onDidChangeTreeData.fire(change ?? undefined));
		this._onDidChangeTreeData.fire();
	}

	async getChildren(element?: T): Promise<T[]> {
		if (!this._provider) {
			await this._load();
		}
		return (await this._provider?.getChildren(element)) ?? [];
	}

	// Rows exist only once the provider gave them, so it is connected whenever VS Code asks about one.
	getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
		return this._provider?.getTreeItem(element) ?? new vscode.TreeItem('');
	}

	getParent(element: T): vscode.ProviderResult<T> {
		return this._provider?.getParent?.(element);
	}

	resolveTreeItem(item: vscode.TreeItem, element: T, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
		return this._provider?.resolveTreeItem ? this._provider.resolveTreeItem(item, element, token) : item;
	}

	dispose(): void {
		this._forwarding?.dispose();
		this._onDidChangeTreeData.dispose();
	}
}

/** The Chat view until the core's provider is connected. */
export class DeferredWebviewView implements vscode.WebviewViewProvider {
	private _provider: vscode.WebviewViewProvider | undefined;

	constructor(private readonly _load: () => Promise<void>) {}

	connect(provider: vscode.WebviewViewProvider): void {
		this._provider = provider;
	}

	async resolveWebviewView(view: vscode.WebviewView, context: vscode.WebviewViewResolveContext, token: vscode.CancellationToken): Promise<void> {
		if (!this._provider) {
			await this._load();
		}
		await this._provider?.resolveWebviewView(view, context, token);
	}
}
