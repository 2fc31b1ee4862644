import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { TaskService } from '../background/types';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { takeStart } from '../common/text';
import type { AgentSession, MessageAttachment } from '../agent/session';
import type { HostTools } from '../agent/tools/hostTools';
import type { WorkspaceFiles } from '../agent/workspace';
import type { AttachmentView, ChatItem, ChatState, HostToWebview, WebviewToHost } from '../shared/protocol';
import type { ApiKeyStore } from './apiKey';
import type { ApprovalService } from './approvals';
import { ChatBackend } from './chatViewProvider';
import { Conversations } from './conversations';
import type { FileChangeTracker } from './fileChanges';
import { openReplyLink } from './linkPolicy';
import { ModelClients } from './modelClients';
import { readApprovalSettings, readChatSettings } from './settings';
import { HostToolCardDecorator } from './toolCardDecorator';

/** Largest attachment the next message carries whole. */
const MAX_ATTACHMENT_CHARS = 200_000;

export interface ChatRouterOptions {
	readonly storageDir: string;
	readonly memento: vscode.Memento;
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles & { resolve(filePath: string): Promise<string> };
	readonly apiKey: ApiKeyStore;
	readonly logger: Logger;
	readonly systemPrompt: () => string;
	readonly cwd: () => string | undefined;
	/** Opens a task's live output (from a card's link). */
	readonly showTaskOutput: (taskId: string) => void;
	/** Reveals a task's row in the Background Tasks view. */
	readonly revealTask: (taskId: string) => void;
	/** Asks the user before commands run; its open requests show on the tool cards. */
	readonly approvals: ApprovalService;
	/** The agent's file changes, for the cards' diff and undo. */
	readonly fileChanges: FileChangeTracker;
	/** VS Code's tools the user chose for the agent (`meanwhile.tools.fromVSCode`). */
	readonly hostTools?: HostTools;
}

/**
 * The text of the replies to one user message (`userItemId`; the last one when absent): what
 * `meanwhile.sendMessage` resolves with. The replies are what follows it up to the next message the user sent.
 */
export function replyText(items: readonly ChatItem[], userItemId?: string): string {
	let start = -1;
	items.forEach((item, index) => {
		if (item.kind === 'user' && (userItemId === undefined || item.id === userItemId)) {
			start = index;
		}
	});
	const parts: string[] = [];
	for (const item of items.slice(start + 1)) {
		if (item.kind === 'user') {
			break;
		}
		if (item.kind === 'assistant') {
			for (const block of item.blocks) {
				if (block.kind === 'text' && block.text.trim().length > 0) {
					parts.push(block.text);
				}
			}
		} else if (item.kind === 'error') {
			parts.push(`Error: ${item.message}`);
		}
	}
	return parts.join('\n\n');
}

/**
 * The chat's backend: routes the webview's messages and the chat commands to the current conversation
 * ({@link Conversations}), the approvals, the file changes and the link policy, and holds the attachments
 * of the next message. The webview only ever draws what this sends.
 */
export class ChatRouter extends Disposable implements ChatBackend {
	private readonly _onDidPost = this._register(new Emitter<HostToWebview>());
	readonly onDidPost = this._onDidPost.event;
	private readonly _onDidReset = this._register(new Emitter<void>());
	readonly onDidReset = this._onDidReset.event;

	private readonly _conversations: Conversations;
	private readonly _models: ModelClients;
	private _attachments: MessageAttachment[] = [];

	constructor(private readonly _options: ChatRouterOptions) {
		super();
		this._models = new ModelClients(_options.apiKey, _options.logger);
		const decorator = this._register(new HostToolCardDecorator(_options.approvals, _options.fileChanges));
		this._conversations = this._register(
			new Conversations({
				storageDir: _options.storageDir,
				memento: _options.memento,
				logger: _options.logger,
				cancelApprovals: (reason) => _options.approvals.cancelAll(reason),
				sessionOptions: {
					model: this._models.current,
					tasks: _options.tasks,
					files: _options.files,
					getSettings: readChatSettings,
					systemPrompt: _options.systemPrompt,
					logger: _options.logger,
					approve: _options.approvals.approve,
					cwd: _options.cwd,
					decorator,
					hostTools: _options.hostTools,
				},
			}),
		);
		this._register(this._conversations.onDidEmit((message) => this._onDidPost.fire(message)));
		this._register(
			this._conversations.onDidSwitch((change) => {
				if (change === 'new') {
					this._attachments = [];
				}
				this._onDidReset.fire();
			}),
		);
		this._register(this._options.apiKey.onDidChange(() => void this._options.apiKey.has().then((hasApiKey) => this._onDidPost.fire({ type: 'apiKey', hasApiKey }))));
		const postTrust = () => this._onDidPost.fire({ type: 'trust', trusted: vscode.workspace.isTrusted, approvalMode: readApprovalSettings().mode });
		this._register(vscode.workspace.onDidGrantWorkspaceTrust(postTrust));
		this._register(
			vscode.workspace.onDidChangeConfiguration((event) => {
				if (event.affectsConfiguration('meanwhile.approval.mode')) {
					postTrust();
				}
			}),
		);
	}

	/** The current conversation, loaded (restored from disk) on first use. */
	session(): Promise<AgentSession> {
		return this._conversations.session();
	}

	async getState(): Promise<ChatState> {
		const session = await this.session();
		const hasApiKey = await this._options.apiKey.has();
		// No await after this line: the webview gets every update that follows the snapshot.
		const snapshot = session.snapshot();
		const ui = this._conversations.ui;
		return {
			conversationId: snapshot.id,
			title: snapshot.title || 'New Chat',
			items: [...snapshot.items],
			busy: snapshot.busy,
			hasApiKey,
			model: readChatSettings().model,
			usage: snapshot.usage,
			attachments: this._attachmentViews(),
			tasks: [...snapshot.tasks],
			scrollTop: ui.scrollTop,
			draft: ui.draft,
			trusted: vscode.workspace.isTrusted,
			approvalMode: readApprovalSettings().mode,
		};
	}

	async handle(message: WebviewToHost): Promise<void> {
		switch (message.type) {
			case 'ready':
				return;
			case 'send':
				void this.send(message.text).catch((error: unknown) => this._options.logger.error(`Sending failed: ${String(error)}`));
				return;
			case 'stop':
				this.stop();
				return;
			case 'retry':
				void (await this.session()).retry();
				return;
			case 'setApiKey':
				// The key store's change event tells the webview.
				await this._options.apiKey.prompt();
				return;
			case 'openSettings':
				await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:meanwhile.meanwhile');
				return;
			case 'manageTrust':
				await vscode.commands.executeCommand('workbench.trust.manage');
				return;
			case 'approval':
				await this._options.approvals.decide(message.toolUseId, message.decision, message.reason);
				return;
			case 'openDiff':
				await this._options.fileChanges.openDiff(message.toolUseId);
				return;
			case 'undoFileChange':
				await this._options.fileChanges.undo(message.toolUseId);
				this._conversations.current?.refreshToolCard(message.toolUseId);
				return;
			case 'showTaskOutput':
				this._options.showTaskOutput(message.taskId);
				return;
			case 'revealTask':
				this._options.revealTask(message.taskId);
				return;
			case 'removeAttachment':
				this._attachments = this._attachments.filter((attachment) => attachment.id !== message.attachmentId);
				this._postAttachments();
				return;
			case 'openLink':
				await openReplyLink(message.href, this._options.files, this._options.logger);
				return;
			case 'copy':
				await vscode.env.clipboard.writeText(message.text);
				return;
			case 'scrolled':
				this._conversations.setScrollTop(message.scrollTop);
				return;
			case 'draft':
				this._conversations.setDraft(message.text);
				return;
		}
	}

	/** Sends a message as if typed; resolves with the reply's text when the turn ends. */
	async send(text: string): Promise<string> {
		// A message sent while New Chat or Chat History switches conversations goes to the new one.
		await this._conversations.whenSwitched();
		const session = await this.session();
		const attachments = this._attachments.splice(0);
		this._conversations.setDraft('', false);
		if (attachments.length > 0) {
			this._postAttachments();
		}
		const { itemId, answered } = session.sendAndTrack(text, attachments);
		await answered;
		return replyText(session.snapshot().items, itemId);
	}

	stop(): void {
		this._conversations.current?.stop();
		this._options.approvals.cancelAll('The user stopped the turn before answering.');
	}

	/**
	 * The conversation the chat shows, once loaded and begun. An empty one may never be saved: a task
	 * started there goes to whichever conversation asks next rather than wait for it forever.
	 */
	get shownConversationId(): string | undefined {
		const session = this._conversations.current;
		return session && session.messages.length > 0 ? session.id : undefined;
	}

	/** Starts an empty conversation; the current one stays in the history. */
	newChat(): Promise<void> {
		return this._conversations.newChat();
	}

	/** Reopens an earlier conversation of this workspace. */
	open(id: string): Promise<void> {
		return this._conversations.open(id);
	}

	history(): Promise<{ id: string; title: string; updatedAt: number; waitingNotices: number }[]> {
		return this._conversations.history();
	}

	/** Adds a file or the selection of an editor to the next message (shown as a chip). */
	addAttachment(label: string, description: string, content: string): void {
		const truncated = content.length > MAX_ATTACHMENT_CHARS ? `${takeStart(content, MAX_ATTACHMENT_CHARS)}\n… (${content.length - MAX_ATTACHMENT_CHARS} more characters not attached)` : content;
		this._attachments.push({ id: `att-${randomUUID().slice(0, 8)}`, label, description, content: truncated });
		this._postAttachments();
	}

	/** The models the key can use, or undefined when the API cannot be asked. */
	listModels(): Promise<string[] | undefined> {
		return this._models.listModels();
	}

	/** Saves the current conversation (also called when the window closes). */
	saveNow(): Promise<void> {
		return this._conversations.saveNow();
	}

	override dispose(): void {
		this._options.approvals.cancelAll('The window closed before the user answered.');
		super.dispose();
	}

	private _attachmentViews(): AttachmentView[] {
		return this._attachments.map(({ id, label, description }) => ({ id, label, description }));
	}

	private _postAttachments(): void {
		this._onDidPost.fire({ type: 'attachments', attachments: this._attachmentViews() });
	}
}
