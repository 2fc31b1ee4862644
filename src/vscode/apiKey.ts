import * as vscode from 'vscode';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';

const SECRET_KEY = 'meanwhile.anthropicApiKey';

/** The Anthropic key: from SecretStorage (set with "Set API Key"), else the ANTHROPIC_API_KEY variable. Never in settings. */
export class ApiKeyStore extends Disposable {
	private readonly _onDidChange = this._register(new Emitter<void>());
	readonly onDidChange = this._onDidChange.event;
	/**
	 * The stored key as last read. Every request to the model asks for the key, and reading
	 * SecretStorage is a round trip out of the extension host (to the OS keychain, or in a browser to
	 * the page): that was part of the time from Enter to the request. Read again after any change.
	 */
	private _stored: Promise<string | undefined> | undefined;

	constructor(
		private readonly _secrets: vscode.SecretStorage,
		private readonly _env: NodeJS.ProcessEnv = process.env,
	) {
		super();
		this._register(
			this._secrets.onDidChange((event) => {
				if (event.key === SECRET_KEY) {
					this._stored = undefined;
					this._onDidChange.fire();
				}
			}),
		);
	}

	async get(): Promise<string | undefined> {
		const reading = (this._stored ??= Promise.resolve(this._secrets.get(SECRET_KEY)));
		// A failed read is not kept: the next call tries again.
		reading.catch(() => {
			if (this._stored === reading) {
				this._stored = undefined;
			}
		});
		const stored = await reading;
		if (stored) {
			return stored;
		}
		const fromEnv = this._env.ANTHROPIC_API_KEY?.trim();
		return fromEnv ? fromEnv : undefined;
	}

	async has(): Promise<boolean> {
		return (await this.get()) !== undefined;
	}

	async set(key: string): Promise<void> {
		this._stored = undefined;
		await this._secrets.store(SECRET_KEY, key.trim());
		this._stored = undefined;
	}

	async clear(): Promise<void> {
		this._stored = undefined;
		await this._secrets.delete(SECRET_KEY);
		this._stored = undefined;
	}

	/** Asks for the key in a password box; returns whether one was stored. */
	async prompt(): Promise<boolean> {
		const value = await vscode.window.showInputBox({
			title: 'Meanwhile: Set API Key',
			prompt: 'Your Anthropic API key. It is kept in VS Code\'s secret storage, never in settings. Leave empty and press Enter to remove a stored key.',
			placeHolder: 'sk-ant-…',
			password: true,
			ignoreFocusOut: true,
			validateInput: (text) => (text.trim().length > 0 && /\s/.test(text.trim()) ? 'An API key has no spaces.' : undefined),
		});
		if (value === undefined) {
			return false;
		}
		if (value.trim().length === 0) {
			await this.clear();
			void vscode.window.showInformationMessage('Meanwhile: the stored API key was removed.');
			return false;
		}
		await this.set(value);
		void vscode.window.showInformationMessage('Meanwhile: API key saved.');
		return true;
	}
}
