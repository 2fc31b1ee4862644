import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Emitter, Event } from '../common/event';
import { Disposable, DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { ChatState, HostToWebview, parseWebviewMessage, WebviewToHost } from '../shared/protocol';
import { errorMessage } from '../common/errors';
import { CHAT_VIEW_ID } from './viewIds';

/** What the chat view needs from whoever owns the conversation (state lives in the host, never only in the webview). */
export interface ChatBackend {
	/** Everything the webview needs to draw itself from nothing. */
	getState(): Promise<ChatState>;
	/** A validated message from the webview. */
	handle(message: WebviewToHost): Promise<void>;
	/** Messages to forward to the webview as they happen. */
	readonly onDidPost: Event<HostToWebview>;
	/** The whole state changed (New Chat, a reopened conversation): the webview redraws from `getState()`. */
	readonly onDidReset: Event<void>;
}

/**
 * The Chat webview view: strict CSP with a nonce, resources only from dist/, and a ready handshake.
 *
 * Until the webview script says `ready`, incremental messages are dropped rather than queued: on `ready`
 * the host sends the whole current state, which already contains them. Only imperative messages (focus)
 * wait in a queue. When the view is re-created (hidden and shown again), the same handshake replays it.
 */
export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
	private _view: vscode.WebviewView | undefined;
	private _ready = false;
	private readonly _pendingImperative: HostToWebview[] = [];
	private readonly _viewDisposables = this._register(new DisposableStore());
	private readonly _onDidBecomeReady = this._register(new Emitter<void>());
	/** Fires each time a webview instance finished the handshake. */
	readonly onDidBecomeReady = this._onDidBecomeReady.event;

	constructor(
		private readonly _extensionUri: vscode.Uri,
		private readonly _backend: ChatBackend,
		private readonly _logger: Logger,
	) {
		super();
		this._register(this._backend.onDidPost((message) => this.post(message)));
		this._register(this._backend.onDidReset(() => void this._sendState()));
	}

	get isVisible(): boolean {
		return this._view?.visible ?? false;
	}

	get isReady(): boolean {
		return this._ready;
	}

	resolveWebviewView(view: vscode.WebviewView): void {
		this._viewDisposables.clear();
		this._view = view;
		this._ready = false;
		const distUri = vscode.Uri.joinPath(this._extensionUri, 'dist');
		view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [distUri] };
		view.webview.html = this._html(view.webview, distUri);
		this._viewDisposables.add(view.webview.onDidReceiveMessage((raw: unknown) => void this._receive(raw)));
		this._viewDisposables.add(
			view.onDidDispose(() => {
				if (this._view === view) {
					this._view = undefined;
					this._ready = false;
				}
			}),
		);
	}

	/** Shows the view and puts the caret in the message box. */
	async reveal(focusInput = true): Promise<void> {
		await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
		if (focusInput) {
			this.post({ type: 'focusInput' });
		}
	}

	post(message: HostToWebview): void {
		if (this._view && this._ready) {
			void this._view.webview.postMessage(message);
		} else if (message.type === 'focusInput') {
			this._pendingImperative.splice(0, this._pendingImperative.length, message);
		}
	}

	private async _receive(raw: unknown): Promise<void> {
		const message = parseWebviewMessage(raw);
		if (!message) {
			this._logger.warn('Ignored a malformed message from the chat webview.');
			return;
		}
		if (message.type === 'ready') {
			await this._sendState(true);
			for (const pending of this._pendingImperative.splice(0)) {
				this.post(pending);
			}
			this._onDidBecomeReady.fire();
			return;
		}
		try {
			await this._backend.handle(message);
		} catch (error) {
			this._logger.error(error instanceof Error ? error : String(error));
			void vscode.window.showErrorMessage(`Meanwhile: ${errorMessage(error)}`);
		}
	}

	/**
	 * Sends the whole state. Updates are forwarded from the moment the state is taken (same tick, no await
	 * between): earlier ones are in it, later ones follow it.
	 */
	private async _sendState(handshake = false): Promise<void> {
		const view = this._view;
		if (!view || (!this._ready && !handshake)) {
			return;
		}
		const state = await this._backend.getState();
		if (this._view !== view) {
			return;
		}
		void view.webview.postMessage({ type: 'state', state } satisfies HostToWebview);
		this._ready = true;
	}

	private _html(webview: vscode.Webview, distUri: vscode.Uri): string {
		const nonce = randomBytes(18).toString('base64');
		const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(distUri, ...segments)).toString();
		const csp = [
			`default-src 'none'`,
			`style-src ${webview.cspSource}`,
			`font-src ${webview.cspSource}`,
			`img-src ${webview.cspSource}`,
			`script-src 'nonce-${nonce}'`,
		].join('; ');
		return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('webview.css')}">
<title>Meanwhile</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${asset('webview.js')}"></script>
</body>
</html>`;
	}
}
