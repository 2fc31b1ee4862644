import * as os from 'node:os';
import * as vscode from 'vscode';
import { describeShell, TaskManager } from './background';
import { once } from './common/event';
import { createCommandParser, evaluateCommand, warmUp } from './agent/approval';
import { buildSystemPrompt } from './agent/systemPrompt';
import { ApprovalService } from './vscode/approvals';
import { BEFORE_SCHEME, FileChangeTracker } from './vscode/fileChanges';
import { ApiKeyStore } from './vscode/apiKey';
import { ChatCommands } from './vscode/chatCommands';
import { ChatRouter } from './vscode/chatRouter';
import { ChatViewProvider } from './vscode/chatViewProvider';
import type { CommandHandler, DeferredTree, DeferredWebviewView, Registrar } from './vscode/deferred';
import { EditorTools } from './vscode/editorTools';
import { LanguageModelTools } from './vscode/languageModelTools';
import { McpServerHost } from './vscode/mcpServerHost';
import { OutputChannelLogger } from './vscode/logger';
import { readBackgroundSettings } from './vscode/settings';
import { TaskCommands } from './vscode/taskCommands';
import { TaskOutputTerminals } from './vscode/taskOutputTerminal';
import { TaskNotifications } from './vscode/taskNotifications';
import { TaskStatusIndicators } from './vscode/taskStatus';
import { TaskElement, TasksTreeProvider } from './vscode/tasksTree';
import { VscodeWorkspaceFiles, workspaceRoots } from './vscode/workspaceFiles';

/** What the extension gives other extensions and its own integration tests, once its core has loaded. */
export interface MeanwhileApi {
	/** Resolves once a chat webview has finished the ready handshake. */
	whenChatReady(): Promise<void>;
	/** The task engine of this window. */
	readonly tasks: TaskManager;
	/** The conversation in the chat. */
	readonly chat: ChatRouter;
	/** The MCP server for agents in the terminal (`meanwhile.mcpServer.enabled`). */
	readonly mcpServer: McpServerHost;
}

/** How long after activation the approval parsers warm up: after the window's own start-up work. */
const APPROVAL_WARM_UP_DELAY_MS = 3000;

function defaultCwd(): string {
	return workspaceRoots()[0] ?? os.homedir();
}

/** What activation registered, for the core to fill in. */
export interface ActivationShell {
	readonly tree: DeferredTree<TaskElement>;
	readonly treeView: vscode.TreeView<TaskElement>;
	readonly chatView: DeferredWebviewView;
	readonly commands: Registrar<CommandHandler>;
	readonly tools: Registrar<vscode.LanguageModelTool<object>>;
}

/** Meanwhile once loaded: everything but the stand-ins activation registered (src/extension.ts). */
export interface Core {
	readonly api: MeanwhileApi;
	/** Waits for the conversation to be saved: VS Code gives deactivate a few seconds. */
	deactivate(): Promise<void>;
}

/** Builds Meanwhile behind the views, commands and tools activation registered; its parts are disposed with `context`. */
export function startCore(context: vscode.ExtensionContext, shell: ActivationShell): Core {
	const subscriptions = context.subscriptions;
	const logger = new OutputChannelLogger(vscode.window.createOutputChannel('Meanwhile', { log: true }));
	subscriptions.push(logger);
	// Per-workspace storage (tasks, logs, conversations); the global storage when no folder is open.
	const storage = context.storageUri ?? context.globalStorageUri;

	// Background tasks.
	const tasks = new TaskManager({
		storageDir: storage.fsPath,
		defaultCwd: defaultCwd(),
		getSettings: readBackgroundSettings,
		logger,
		// Runs tasks marked "Leave Running on Exit", so they outlive this extension host.
		supervisorScript: context.asAbsolutePath('dist/supervisor.js'),
	});
	subscriptions.push(tasks);
	const tree = new TasksTreeProvider(tasks);
	subscriptions.push(tree);
	shell.tree.connect(tree);
	const treeView = shell.treeView;
	// CPU, memory and ports are sampled only while someone can see them.
	const onVisibility = (visible: boolean) => {
		tree.setVisible(visible);
		tasks.setSampling(visible);
	};
	subscriptions.push(treeView.onDidChangeVisibility((event) => onVisibility(event.visible)));
	onVisibility(treeView.visible);
	subscriptions.push(new TaskStatusIndicators(tasks, treeView));
	const terminals = new TaskOutputTerminals(tasks);
	subscriptions.push(terminals);

	// The chat and its agent.
	const apiKey = new ApiKeyStore(context.secrets);
	subscriptions.push(apiKey);
	// The shell parsers' WebAssembly (tree-sitter-bash, mvdan/sh) is copied next to the bundle by the build; loaded on the first command.
	const parser = createCommandParser({ wasmDir: __dirname });
	const approvals = new ApprovalService((command, settings) => evaluateCommand(command, { ...settings, workspaceFolders: workspaceRoots() }, parser), logger);
	// Once activation is over and the window idle, the parsers warm up, so the first command is decided quickly.
	const warmTimer = setTimeout(() => void warmUp(parser), APPROVAL_WARM_UP_DELAY_MS);
	subscriptions.push({ dispose: () => clearTimeout(warmTimer) });
	subscriptions.push(approvals);
	const fileChanges = new FileChangeTracker();
	subscriptions.push(fileChanges, vscode.workspace.registerTextDocumentContentProvider(BEFORE_SCHEME, fileChanges));
	const files = new VscodeWorkspaceFiles((toolUseId, fsPath, before, after) => fileChanges.record(toolUseId, fsPath, before, after));
	const chat = new ChatRouter({
		storageDir: storage.fsPath,
		memento: context.workspaceState,
		tasks,
		files,
		apiKey,
		logger,
		systemPrompt: () => buildSystemPrompt({ workspaceRoots: workspaceRoots(), platform: process.platform, shell: describeShell() }),
		cwd: () => workspaceRoots()[0],
		showTaskOutput: (taskId) => void vscode.commands.executeCommand('meanwhile.showTaskOutput', taskId),
		revealTask: (taskId) => {
			if (tasks.get(taskId)) {
				void treeView.reveal(taskId, { select: true, focus: false });
			}
		},
		approvals,
		fileChanges,
		// VS Code's tools (its own, other extensions', MCP servers') the user chose in meanwhile.tools.fromVSCode.
		hostTools: new EditorTools({ logger, approve: approvals.approveTool }),
	});
	subscriptions.push(chat);
	subscriptions.push(new TaskCommands(tasks, terminals, context.workspaceState, defaultCwd, logger, () => chat.shownConversationId, shell.commands));
	const chatView = new ChatViewProvider(context.extensionUri, chat, logger);
	subscriptions.push(chatView);
	shell.chatView.connect(chatView);
	// A command waiting for approval shows on its card; while the chat is hidden, a notification asks too.
	subscriptions.push(
		approvals.onDidOpenRequest((toolUseId) => {
			if (!chatView.isVisible) {
				void approvals.notify(toolUseId).then((showChat) => showChat && void chatView.reveal(false));
			}
		}),
	);
	subscriptions.push(new ChatCommands(chat, chatView, shell.commands));
	// The background tools for every other agent in the window.
	subscriptions.push(new LanguageModelTools({ tasks, files, approvals, logger, cwd: () => workspaceRoots()[0], registry: shell.tools }));
	// …and for agents in the terminal, over MCP, while meanwhile.mcpServer.enabled is on (the SDK loads only then).
	const mcpServer = new McpServerHost({
		tasks,
		files,
		approvals,
		logger,
		environment: context.environmentVariableCollection,
		cwd: () => workspaceRoots()[0],
		version: String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0'),
	});
	subscriptions.push(mcpServer);
	subscriptions.push(
		new TaskNotifications(
			tasks,
			() => chatView.isVisible,
			(text) => {
				void chatView.reveal(false);
				void chat.send(text).catch((error: unknown) => logger.error(`Ask Meanwhile failed: ${String(error)}`));
			},
		),
	);
	subscriptions.push(shell.commands.register('meanwhile.setApiKey', () => apiKey.prompt()));

	return {
		api: {
			whenChatReady: () => (chatView.isReady ? Promise.resolve() : once(chatView.onDidBecomeReady)),
			tasks,
			chat,
			mcpServer,
		},
		deactivate: () => chat.saveNow(),
	};
}
