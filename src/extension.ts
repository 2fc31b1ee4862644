import * as vscode from 'vscode';
import { Emitter, once } from './common/event';
import { ChatState, HostToWebview, WebviewToHost } from './shared/protocol';
import { ApiKeyStore } from './vscode/apiKey';
import { CHAT_VIEW_ID, ChatBackend, ChatViewProvider } from './vscode/chatViewProvider';
import { OutputChannelLogger } from './vscode/logger';

/** What the extension exports to other extensions and to its own integration tests. */
export interface MeanwhileApi {
	/** Resolves once a chat webview has finished the ready handshake. */
	whenChatReady(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): MeanwhileApi {
	const logger = new OutputChannelLogger(vscode.window.createOutputChannel('Meanwhile', { log: true }));
	context.subscriptions.push(logger);
	const apiKey = new ApiKeyStore(context.secrets);
	context.subscriptions.push(apiKey);
	const onDidPost = new Emitter<HostToWebview>();
	const onDidReset = new Emitter<void>();
	const backend: ChatBackend = {
		onDidPost: onDidPost.event,
		onDidReset: onDidReset.event,
		getState: async (): Promise<ChatState> => ({
			conversationId: 'c1',
			title: 'New Chat',
			items: [],
			busy: false,
			hasApiKey: await apiKey.has(),
			model: '',
			usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
			attachments: [],
			tasks: [],
		}),
		handle: async (message: WebviewToHost) => {
			if (message.type === 'setApiKey') {
				await apiKey.prompt();
			}
		},
	};
	const chat = new ChatViewProvider(context.extensionUri, backend, logger);
	context.subscriptions.push(chat, onDidPost, onDidReset);
	context.subscriptions.push(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat));
	context.subscriptions.push(apiKey.onDidChange(() => void apiKey.has().then((hasApiKey) => onDidPost.fire({ type: 'apiKey', hasApiKey }))));
	context.subscriptions.push(vscode.commands.registerCommand('meanwhile.setApiKey', () => apiKey.prompt()));
	const tasksView = vscode.window.createTreeView('meanwhile.tasks', { treeDataProvider: { getChildren: () => [], getTreeItem: (item: vscode.TreeItem) => item } });
	context.subscriptions.push(tasksView);
	return {
		whenChatReady: () => (chat.isReady ? Promise.resolve() : once(chat.onDidBecomeReady)),
	};
}

export function deactivate(): void {}
