import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatRouter } from './chatRouter';
import { ChatViewProvider } from './chatViewProvider';
import type { CommandHandler, Registrar } from './deferred';
import { KNOWN_MODELS, readChatSettings, SECTION } from './settings';

function relativeLabel(uri: vscode.Uri): string {
	const relative = vscode.workspace.asRelativePath(uri, false);
	return relative || path.basename(uri.fsPath);
}

/** The chat's commands: New Chat, Chat History…, Stop, Ask…, Add Selection to Chat, Select Model…. */
export class ChatCommands implements vscode.Disposable {
	private readonly _disposables: vscode.Disposable[] = [];

	constructor(
		private readonly _chat: ChatRouter,
		private readonly _view: ChatViewProvider,
		commands: Registrar<CommandHandler>,
	) {
		const register = (id: string, handler: CommandHandler) => this._disposables.push(commands.register(id, handler));
		register('meanwhile.newChat', () => this.newChat());
		register('meanwhile.showChatHistory', () => this.showHistory());
		register('meanwhile.stopResponse', () => this._chat.stop());
		register('meanwhile.sendMessage', (text) => this.sendMessage(text));
		register('meanwhile.addSelectionToChat', () => this.addSelection());
		register('meanwhile.selectModel', (model) => this.selectModel(model));
	}

	async newChat(): Promise<void> {
		await this._chat.newChat();
		await this._view.reveal(true);
	}

	async showHistory(): Promise<string | undefined> {
		const entries = await this._chat.history();
		if (entries.length === 0) {
			void vscode.window.showInformationMessage('Meanwhile: no earlier conversations in this workspace yet.');
			return undefined;
		}
		const current = (await this._chat.session()).id;
		const picked = await vscode.window.showQuickPick(
			entries.map((entry) => ({
				label: entry.waitingNotices > 0 ? `$(bell-dot) ${entry.title}` : entry.title,
				description: entry.id === current ? 'current' : new Date(entry.updatedAt).toLocaleString(),
				...(entry.waitingNotices > 0 ? { detail: `${entry.waitingNotices} finished task${entry.waitingNotices === 1 ? '' : 's'} to report when reopened` } : {}),
				id: entry.id,
			})),
			{ title: 'Meanwhile: Chat History', placeHolder: 'Reopen a conversation', matchOnDescription: true },
		);
		if (!picked) {
			return undefined;
		}
		await this._chat.open(picked.id);
		await this._view.reveal(false);
		return picked.id;
	}

	/** With a string, sends it as if typed; otherwise asks. Resolves with the reply's text when the turn ends. */
	async sendMessage(argument?: unknown): Promise<string | undefined> {
		const text =
			typeof argument === 'string' && argument.trim().length > 0
				? argument
				: await vscode.window.showInputBox({ title: 'Meanwhile: Ask', prompt: 'A message for Meanwhile', placeHolder: 'Run the tests in the background and meanwhile…', ignoreFocusOut: true });
		if (!text || text.trim().length === 0) {
			return undefined;
		}
		if (typeof argument !== 'string') {
			void this._view.reveal(false);
		}
		return this._chat.send(text);
	}

	async addSelection(): Promise<void> {
		const editor = vscode.window.activeTextEditor;
		if (!editor) {
			void vscode.window.showInformationMessage('Meanwhile: open a file (and select some text) to add it to the chat.');
			return;
		}
		const document = editor.document;
		const selection = editor.selection;
		const name = relativeLabel(document.uri);
		if (selection.isEmpty) {
			this._chat.addAttachment(name, document.uri.fsPath || document.uri.toString(), document.getText());
		} else {
			const first = selection.start.line + 1;
			const last = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
			const label = first === last ? `${name}:${first}` : `${name}:${first}-${last}`;
			this._chat.addAttachment(label, `${document.uri.fsPath || document.uri.toString()} lines ${first}-${last}`, document.getText(selection));
		}
		await this._view.reveal(true);
	}

	async selectModel(argument?: unknown): Promise<string | undefined> {
		const current = readChatSettings().model;
		let chosen: string | undefined;
		if (typeof argument === 'string' && argument.trim().length > 0) {
			chosen = argument.trim();
		} else {
			const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Meanwhile: listing models…' }, () => this._chat.listModels());
			const ids = listed && listed.length > 0 ? listed : [...KNOWN_MODELS];
			const picked = await vscode.window.showQuickPick(
				ids.map((id) => ({ label: id, description: id === current ? 'current' : undefined })),
				{ title: 'Meanwhile: Select Model', placeHolder: listed ? 'Models your key can use' : 'Known models (the API could not be asked)' },
			);
			chosen = picked?.label;
		}
		if (!chosen) {
			return undefined;
		}
		await vscode.workspace.getConfiguration(SECTION).update('model', chosen, vscode.ConfigurationTarget.Global);
		return chosen;
	}

	dispose(): void {
		for (const disposable of this._disposables.splice(0)) {
			disposable.dispose();
		}
	}
}
