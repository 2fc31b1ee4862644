import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emitter } from '../common/event';
import { Disposable, DisposableStore } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { ConversationStore } from '../agent/conversationStore';
import { AgentSession, type AgentSessionOptions } from '../agent/session';
import type { HostToWebview } from '../shared/protocol';

const CURRENT_KEY = 'meanwhile.currentConversation';

/** Where the chat was scrolled to and what was typed but not sent: saved with the conversation. */
export interface UiState {
	scrollTop?: number;
	draft?: string;
}

export interface ConversationsOptions {
	readonly storageDir: string;
	readonly memento: vscode.Memento;
	readonly logger: Logger;
	/** What every session of this window is made with. */
	readonly sessionOptions: Omit<AgentSessionOptions, 'id'>;
	/** Open approval requests belong to the conversation being left: they are denied with the reason. */
	readonly cancelApprovals: (reason: string) => void;
}

/** How the current conversation changed: a new, empty one, or an earlier one reopened. */
export type ConversationSwitch = 'new' | 'opened';

/**
 * The conversations of this workspace: the current {@link AgentSession}, saved when a turn starts and
 * ends (and restored after a reload), the earlier ones to switch to, and the chat's scroll position and
 * draft saved with each.
 */
export class Conversations extends Disposable {
	private readonly _onDidEmit = this._register(new Emitter<HostToWebview>());
	/** The current conversation's messages for the webview. */
	readonly onDidEmit = this._onDidEmit.event;
	private readonly _onDidSwitch = this._register(new Emitter<ConversationSwitch>());
	/** The current conversation was replaced: the chat redraws from nothing. */
	readonly onDidSwitch = this._onDidSwitch.event;

	private readonly _saved: ConversationStore;
	private _session: AgentSession | undefined;
	private _sessionLoading: Promise<AgentSession> | undefined;
	private readonly _sessionDisposables = this._register(new DisposableStore());
	private _ui: UiState = {};
	private _uiSaveTimer: ReturnType<typeof setTimeout> | undefined;
	private _switching: Promise<unknown> = Promise.resolve();

	constructor(private readonly _options: ConversationsOptions) {
		super();
		this._saved = new ConversationStore(path.join(_options.storageDir, 'conversations'));
		this._register({ dispose: () => this._uiSaveTimer && clearTimeout(this._uiSaveTimer) });
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

	/** The current conversation if it is loaded. */
	get current(): AgentSession | undefined {
		return this._session;
	}

	get ui(): Readonly<UiState> {
		return this._ui;
	}

	/** Resolves once no switch is under way: a message sent meanwhile goes to the new conversation. */
	whenSwitched(): Promise<unknown> {
		return this._switching;
	}

	/** Remembers where the chat is scrolled to, saved a moment later. */
	setScrollTop(scrollTop: number): void {
		this._ui.scrollTop = scrollTop;
		this._scheduleUiSave();
	}

	/** Remembers what is typed but not sent, saved a moment later. */
	setDraft(text: string, save = true): void {
		this._ui.draft = text;
		if (save) {
			this._scheduleUiSave();
		}
	}

	/** Starts an empty conversation; the current one stays in the history. */
	newChat(): Promise<void> {
		return this._switch(() => this._newChat());
	}

	/** Reopens an earlier conversation of this workspace. */
	open(id: string): Promise<void> {
		return this._switch(() => this._open(id));
	}

	/** The conversations saved in this workspace, newest first, each saying how many task notices wait for it. */
	async history(): Promise<{ id: string; title: string; updatedAt: number; waitingNotices: number }[]> {
		const waiting = new Map<string, number>();
		for (const task of this._options.sessionOptions.tasks.pendingNotices()) {
			if (task.conversationId !== undefined) {
				waiting.set(task.conversationId, (waiting.get(task.conversationId) ?? 0) + 1);
			}
		}
		return (await this._saved.list()).map((entry) => ({ ...entry, waitingNotices: waiting.get(entry.id) ?? 0 }));
	}

	/** Saves the current conversation (also called when the window closes). */
	async saveNow(): Promise<void> {
		if (this._session) {
			await this._save(this._session);
		}
		await this._saved.flush();
	}

	override dispose(): void {
		if (this._session) {
			this._session.stop();
			// Best effort: the window is closing; the last completed turn was saved already.
			void this._save(this._session);
		}
		super.dispose();
		this._session?.dispose();
	}

	/** One switch at a time; sends wait for it. */
	private _switch(run: () => Promise<void>): Promise<void> {
		const next = this._switching.then(run, run);
		this._switching = next.catch(() => undefined);
		return next;
	}

	private async _newChat(): Promise<void> {
		const current = await this.session();
		this._options.cancelApprovals('The user started a new chat before answering.');
		if (current.busy) {
			current.stop();
			await current.whenIdle();
		}
		await this._save(current);
		this._ui = {};
		this._setSession(new AgentSession(this._options.sessionOptions));
		await this._options.memento.update(CURRENT_KEY, undefined);
		this._onDidSwitch.fire('new');
	}

	private async _open(id: string): Promise<void> {
		const current = await this.session();
		if (current.id === id) {
			return;
		}
		this._options.cancelApprovals('The user switched conversations before answering.');
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
		this._onDidSwitch.fire('opened');
	}

	private async _loadInitial(): Promise<AgentSession> {
		const currentId = this._options.memento.get<string>(CURRENT_KEY);
		const restored = currentId ? await this._restore(currentId) : undefined;
		const session = restored ?? new AgentSession(this._options.sessionOptions);
		this._setSession(session);
		return session;
	}

	private async _restore(id: string): Promise<AgentSession | undefined> {
		let result;
		try {
			result = await this._saved.load(id);
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
		return AgentSession.restore(result.data, this._options.sessionOptions);
	}

	private _setSession(session: AgentSession): void {
		this._sessionDisposables.clear();
		const previous = this._session;
		this._session = session;
		if (previous && previous !== session) {
			previous.dispose();
		}
		this._sessionDisposables.add(
			// Notices told or input queued mid-turn: saved before the reply, so a crash loses neither.
			session.onDidChangeRecord(() => void this._save(session)),
		);
		this._sessionDisposables.add(
			session.onDidEmit((message) => {
				this._onDidEmit.fire(message);
				if (message.type === 'busy') {
					void vscode.commands.executeCommand('setContext', 'meanwhile.chatBusy', message.busy);
					// Saved when a turn starts (the user's message is safe even if the window dies mid-reply) and ends.
					void this._save(session);
				}
			}),
		);
		void vscode.commands.executeCommand('setContext', 'meanwhile.chatBusy', session.busy);
		// Tasks it started that ended while it was not shown (or before a reload) wake it now.
		session.wake();
	}

	private async _save(session: AgentSession): Promise<void> {
		const { data, covered } = session.toSave();
		if (data.items.length === 0) {
			return;
		}
		try {
			await this._saved.save(session.id, data.title || 'New Chat', { ...data, ui: this._session === session ? this._ui : undefined });
			// On disk with the notices it holds: the task engine's journal may forget them.
			session.acknowledgeSaved(covered);
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
}
