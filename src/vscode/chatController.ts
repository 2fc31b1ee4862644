import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskService } from '../background/types';
import { Emitter } from '../common/event';
import { Disposable, DisposableStore } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { ConversationStore } from '../agent/conversationStore';
import { toTaskView } from '../agent/taskNotice';
import { createModelClient, ModelClient } from '../agent/modelClient';
import { AgentSession, AgentSessionOptions, MessageAttachment } from '../agent/session';
import type { WorkspaceFiles } from '../agent/workspace';
import { AttachmentView, ChatItem, ChatState, HostToWebview, TaskView, WebviewToHost } from '../shared/protocol';
import { ApiKeyStore } from './apiKey';
import { ApprovalService } from './approvals';
import { FileChangeTracker } from './fileChanges';
import { ChatBackend } from './chatViewProvider';
import { readApprovalSettings, readBaseUrl, readChatSettings } from './settings';

const CURRENT_KEY = 'meanwhile.currentConversation';
/** The model's retries of a failed request (429, 5xx, 529, connection) before the chat offers Retry. */
const MAX_RETRIES = 2;
/** Largest attachment the next message carries whole. */
const MAX_ATTACHMENT_CHARS = 200_000;

export interface ChatControllerOptions {
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
}

const FILE_TOOLS: ReadonlySet<string> = new Set(['write_file', 'edit_file']);

interface UiState {
	scrollTop?: number;
	draft?: string;
}

function taskView(tasks: TaskService, id: string): TaskView | undefined {
	const task = tasks.get(id);
	return task ? toTaskView(task) : undefined;
}

function mentionedTaskIds(items: readonly ChatItem[]): Set<string> {
	const ids = new Set<string>();
	for (const item of items) {
		if (item.kind === 'notice') {
			ids.add(item.task.id);
		} else if (item.kind === 'assistant') {
			for (const block of item.blocks) {
				if (block.kind === 'tool' && block.taskId) {
					ids.add(block.taskId);
				}
			}
		}
	}
	return ids;
}

/** The text of the replies after the last user message: what `meanwhile.sendMessage` resolves with. */
export function replyText(items: readonly ChatItem[]): string {
	let lastUser = -1;
	items.forEach((item, index) => {
		if (item.kind === 'user') {
			lastUser = index;
		}
	});
	const parts: string[] = [];
	for (const item of items.slice(lastUser + 1)) {
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
 * Owns the conversation shown in the chat: the current {@link AgentSession}, its saving after every turn
 * (restored after a reload), earlier conversations, the attachments of the next message, and the chat's
 * commands. The webview only ever draws what this sends.
 */
export class ChatController extends Disposable implements ChatBackend {
	private readonly _onDidPost = this._register(new Emitter<HostToWebview>());
	readonly onDidPost = this._onDidPost.event;
	private readonly _onDidReset = this._register(new Emitter<void>());
	readonly onDidReset = this._onDidReset.event;

	private readonly _conversations: ConversationStore;
	private _session: AgentSession | undefined;
	private _sessionLoading: Promise<AgentSession> | undefined;
	private readonly _sessionDisposables = this._register(new DisposableStore());
	private _attachments: MessageAttachment[] = [];
	private _ui: UiState = {};
	private _client: { key: string; baseUrl: string | undefined; client: ModelClient } | undefined;
	private _uiSaveTimer: ReturnType<typeof setTimeout> | undefined;
	private _switching: Promise<unknown> = Promise.resolve();

	constructor(private readonly _options: ChatControllerOptions) {
		super();
		this._conversations = new ConversationStore(path.join(_options.storageDir, 'conversations'));
		this._register({ dispose: () => this._uiSaveTimer && clearTimeout(this._uiSaveTimer) });
		this._register(this._options.approvals.onDidChange((toolUseId) => this._refreshCard(toolUseId)));
		this._register(this._options.fileChanges.onDidUpdate((toolUseId) => this._refreshCard(toolUseId)));
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
		if (this._session) {
			return Promise.resolve(this._session);
		}
		this._sessionLoading ??= this._loadInitial().finally(() => {
			this._sessionLoading = undefined;
		});
		return this._sessionLoading;
	}

	async getState(): Promise<ChatState> {
		const session = await this.session();
		const hasApiKey = await this._options.apiKey.has();
		// No await after this line: the webview gets every update that follows the snapshot.
		const snapshot = session.snapshot();
		const tasks = [...mentionedTaskIds(snapshot.items)].map((id) => taskView(this._options.tasks, id)).filter((view): view is TaskView => view !== undefined);
		return {
			conversationId: snapshot.id,
			title: snapshot.title || 'New Chat',
			items: snapshot.items.map((item) => this._decorate(item)),
			busy: snapshot.busy,
			hasApiKey,
			model: readChatSettings().model,
			usage: snapshot.usage,
			attachments: this._attachmentViews(),
			tasks,
			scrollTop: this._ui.scrollTop,
			draft: this._ui.draft,
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
				this._refreshCard(message.toolUseId);
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
				await this._openLink(message.href);
				return;
			case 'copy':
				await vscode.env.clipboard.writeText(message.text);
				return;
			case 'scrolled':
				this._ui.scrollTop = message.scrollTop;
				this._scheduleUiSave();
				return;
			case 'draft':
				this._ui.draft = message.text;
				this._scheduleUiSave();
				return;
		}
	}

	/** Sends a message as if typed; resolves with the reply's text when the turn ends. */
	async send(text: string): Promise<string> {
		// A message sent while New Chat or Chat History switches conversations goes to the new one.
		await this._switching;
		const session = await this.session();
		const attachments = this._attachments.splice(0);
		this._ui.draft = '';
		if (attachments.length > 0) {
			this._postAttachments();
		}
		await session.send(text, attachments);
		return replyText(session.snapshot().items);
	}

	stop(): void {
		this._session?.stop();
		this._options.approvals.cancelAll('The user stopped the turn before answering.');
	}

	/** Starts an empty conversation; the current one stays in the history. */
	newChat(): Promise<void> {
		return this._switch(() => this._newChat());
	}

	/** Reopens an earlier conversation of this workspace. */
	open(id: string): Promise<void> {
		return this._switch(() => this._open(id));
	}

	/** One switch at a time; sends wait for it. */
	private _switch(run: () => Promise<void>): Promise<void> {
		const next = this._switching.then(run, run);
		this._switching = next.catch(() => undefined);
		return next;
	}

	private async _newChat(): Promise<void> {
		const current = await this.session();
		this._options.approvals.cancelAll('The user started a new chat before answering.');
		if (current.busy) {
			current.stop();
			await current.whenIdle();
		}
		await this._save(current);
		this._attachments = [];
		this._ui = {};
		this._setSession(this._createSession());
		await this._options.memento.update(CURRENT_KEY, undefined);
		this._onDidReset.fire();
	}

	private async _open(id: string): Promise<void> {
		const current = await this.session();
		if (current.id === id) {
			return;
		}
		this._options.approvals.cancelAll('The user switched conversations before answering.');
		if (current.busy) {
			current.stop();
			await current.whenIdle();
		}
		await this._save(current);
		const previousUi = this._ui;
		this._ui = {};
		const restored = await this._restore(id);
		if (!restored) {
			this._ui = previousUi;
			throw new Error('That conversation could not be found.');
		}
		this._setSession(restored);
		await this._options.memento.update(CURRENT_KEY, id);
		this._onDidReset.fire();
	}

	history(): Promise<{ id: string; title: string; updatedAt: number }[]> {
		return this._conversations.list();
	}

	/** Adds a file or the selection of an editor to the next message (shown as a chip). */
	addAttachment(label: string, description: string, content: string): void {
		const truncated = content.length > MAX_ATTACHMENT_CHARS ? `${content.slice(0, MAX_ATTACHMENT_CHARS)}\n… (${content.length - MAX_ATTACHMENT_CHARS} more characters not attached)` : content;
		this._attachments.push({ id: `att-${randomUUID().slice(0, 8)}`, label, description, content: truncated });
		this._postAttachments();
	}

	/** The models the key can use, or undefined when the API cannot be asked. */
	async listModels(): Promise<string[] | undefined> {
		const client = await this._modelClient();
		if (!client) {
			return undefined;
		}
		try {
			return await client.listModels();
		} catch (error) {
			this._options.logger.warn(`Could not list the models: ${String(error)}`);
			return undefined;
		}
	}

	/** Saves the current conversation (also called when the window closes). */
	async saveNow(): Promise<void> {
		if (this._session) {
			await this._save(this._session);
		}
		await this._conversations.flush();
	}

	override dispose(): void {
		this._options.approvals.cancelAll('The window closed before the user answered.');
		if (this._session) {
			this._session.stop();
			// Best effort: the window is closing; the last completed turn was saved already.
			void this._save(this._session);
		}
		super.dispose();
		this._session?.dispose();
	}

	private async _loadInitial(): Promise<AgentSession> {
		const currentId = this._options.memento.get<string>(CURRENT_KEY);
		const restored = currentId ? await this._restore(currentId) : undefined;
		const session = restored ?? this._createSession();
		this._setSession(session);
		return session;
	}

	private async _restore(id: string): Promise<AgentSession | undefined> {
		let result;
		try {
			result = await this._conversations.load(id);
		} catch (error) {
			this._options.logger.error(`Could not read conversation ${id}: ${String(error)}`);
			return undefined;
		}
		if (result.kind === 'missing') {
			return undefined;
		}
		if (result.kind === 'corrupt') {
			this._options.logger.error(`Conversation ${id} could not be read (${result.error}); kept aside at ${result.keptAt}.`);
			void vscode.window.showWarningMessage(`Meanwhile: the saved conversation could not be read, so a new one was started. The damaged file was kept at ${result.keptAt}.`);
			return undefined;
		}
		const data = result.data as { ui?: UiState };
		if (data && typeof data === 'object' && data.ui && typeof data.ui === 'object') {
			this._ui = {
				scrollTop: typeof data.ui.scrollTop === 'number' ? data.ui.scrollTop : undefined,
				draft: typeof data.ui.draft === 'string' ? data.ui.draft : undefined,
			};
		}
		return AgentSession.restore(result.data, this._sessionOptions());
	}

	private _sessionOptions(): Omit<AgentSessionOptions, 'id'> {
		return {
			model: () => this._modelClient(),
			tasks: this._options.tasks,
			files: this._options.files,
			getSettings: readChatSettings,
			systemPrompt: this._options.systemPrompt,
			logger: this._options.logger,
			approve: this._options.approvals.approve,
			cwd: this._options.cwd,
		};
	}

	private _createSession(): AgentSession {
		return new AgentSession(this._sessionOptions());
	}

	private _setSession(session: AgentSession): void {
		this._sessionDisposables.clear();
		const previous = this._session;
		this._session = session;
		if (previous && previous !== session) {
			previous.dispose();
		}
		this._sessionDisposables.add(
			session.onDidEmit((message) => {
				this._onDidPost.fire(message.type === 'itemAdded' || message.type === 'itemUpdated' ? { ...message, item: this._decorate(message.item) } : message);
				if (message.type === 'busy') {
					void vscode.commands.executeCommand('setContext', 'meanwhile.chatBusy', message.busy);
					// Saved when a turn starts (the user's message is safe even if the window dies mid-reply) and ends.
					void this._save(session);
				}
			}),
		);
		void vscode.commands.executeCommand('setContext', 'meanwhile.chatBusy', session.busy);
	}

	private async _save(session: AgentSession): Promise<void> {
		const data = session.toJSON();
		if (data.items.length === 0) {
			return;
		}
		try {
			await this._conversations.save(session.id, data.title || 'New Chat', { ...data, ui: this._session === session ? this._ui : undefined });
			if (this._session === session) {
				await this._options.memento.update(CURRENT_KEY, session.id);
			}
		} catch (error) {
			this._options.logger.error(`Could not save the conversation: ${String(error)}`);
		}
	}

	private _scheduleUiSave(): void {
		if (this._uiSaveTimer) {
			clearTimeout(this._uiSaveTimer);
		}
		this._uiSaveTimer = setTimeout(() => {
			this._uiSaveTimer = undefined;
			if (this._session && !this._session.busy) {
				void this._save(this._session);
			}
		}, 1000);
	}

	private async _modelClient(): Promise<ModelClient | undefined> {
		const key = await this._options.apiKey.get();
		if (!key) {
			return undefined;
		}
		const baseUrl = readBaseUrl();
		if (!this._client || this._client.key !== key || this._client.baseUrl !== baseUrl) {
			this._client = { key, baseUrl, client: createModelClient({ apiKey: key, baseUrl, maxRetries: MAX_RETRIES, logger: this._options.logger }) };
		}
		return this._client.client;
	}

	/** Adds what only the host knows to tool cards: the open approval request, the file change. */
	private _decorate(item: ChatItem): ChatItem {
		if (item.kind !== 'assistant' || !item.blocks.some((block) => block.kind === 'tool')) {
			return item;
		}
		return {
			...item,
			blocks: item.blocks.map((block) => {
				if (block.kind !== 'tool') {
					return block;
				}
				const approval = block.state === 'awaitingApproval' ? this._options.approvals.requestFor(block.toolUseId) : undefined;
				const fileChange = FILE_TOOLS.has(block.name) ? this._options.fileChanges.view(block.toolUseId) : undefined;
				return approval || fileChange ? { ...block, ...(approval ? { approval } : {}), ...(fileChange ? { fileChange } : {}) } : block;
			}),
		};
	}

	/** Sends the item holding a tool card again (its approval request or file change changed). */
	private _refreshCard(toolUseId: string): void {
		const item = this._session?.snapshot().items.find((candidate) => candidate.kind === 'assistant' && candidate.blocks.some((block) => block.kind === 'tool' && block.toolUseId === toolUseId));
		if (item) {
			this._onDidPost.fire({ type: 'itemUpdated', item: this._decorate(item) });
		}
	}

	private _attachmentViews(): AttachmentView[] {
		return this._attachments.map(({ id, label, description }) => ({ id, label, description }));
	}

	private _postAttachments(): void {
		this._onDidPost.fire({ type: 'attachments', attachments: this._attachmentViews() });
	}

	/** Links in replies are untrusted: only web links, and files inside the workspace, open. */
	private async _openLink(href: string): Promise<void> {
		const roots = this._options.files.roots();
		const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1]?.toLowerCase();
		if (scheme === 'http' || scheme === 'https' || scheme === 'mailto') {
			await vscode.env.openExternal(vscode.Uri.parse(href, true));
			return;
		}
		// A file link: inside the workspace only, also where symbolic links lead (as for the file tools).
		let candidate: string | undefined;
		if (scheme === 'file') {
			candidate = vscode.Uri.parse(href, true).fsPath;
		} else if (scheme === undefined && roots.length > 0) {
			candidate = path.resolve(roots[0], decodeURIComponent(href.split('#')[0]));
		}
		if (candidate) {
			try {
				const resolved = await this._options.files.resolve(candidate);
				await vscode.window.showTextDocument(vscode.Uri.file(resolved), { preview: true });
				return;
			} catch {
				// Outside the workspace, or missing: refused below.
			}
		}
		this._options.logger.warn(`Refused to open a link from a reply: ${href}`);
		void vscode.window.showWarningMessage(`Meanwhile does not open this link: ${href.slice(0, 200)}`);
	}

}
