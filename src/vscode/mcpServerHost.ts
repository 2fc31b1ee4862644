import * as vscode from 'vscode';
import type { TaskService } from '../background/types';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { errorMessage } from '../common/errors';
import type { WorkspaceFiles } from '../agent/workspace';
import { BackgroundToolsMcpServer } from '../mcp/mcpServer';
import { newToken } from '../mcp/requestChecks';
import type { ApprovalService } from './approvals';
import { mcpServerEnabled, readChatSettings, SECTION } from './settings';

/** What integrated terminals get while the server runs. */
export const MCP_URL_VARIABLE = 'MEANWHILE_MCP_URL';
export const MCP_TOKEN_VARIABLE = 'MEANWHILE_MCP_TOKEN';

/** The id of the manifest's `mcpServerDefinitionProviders` entry. */
export const MCP_PROVIDER_ID = 'meanwhile.backgroundTasks';

const ENABLED_SETTING = `${SECTION}.mcpServer.enabled`;

export interface McpServerHostOptions {
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly approvals: ApprovalService;
	readonly logger: Logger;
	/** The extension's collection: what it sets reaches terminals started from now on. */
	readonly environment: vscode.GlobalEnvironmentVariableCollection;
	/** Where commands run when the caller names no folder. */
	cwd(): string | undefined;
	/** The extension's version, as the server and its definition report it. */
	readonly version: string;
}

/**
 * Runs the MCP server of the background tools while `meanwhile.mcpServer.enabled` is on (starting and
 * stopping it as the setting changes, without a reload), tells integrated terminals where it is, and
 * offers it to VS Code's own MCP support. The token is this window's: made at activation, never logged.
 */
export class McpServerHost extends Disposable {
	private readonly _token = newToken();
	private _server: BackgroundToolsMcpServer | undefined;
	/** The port of this window's previous start: terminals started then still point at it. */
	private _lastPort: number | undefined;
	private _settled: Promise<void> = Promise.resolve();
	private _disposed = false;
	private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
	/** Fires when the server starts or stops. */
	readonly onDidChange = this._onDidChange.event;

	constructor(private readonly _options: McpServerHostOptions) {
		super();
		const environment = _options.environment;
		// The token changes with every window: a value kept for the next one would be wrong there.
		environment.persistent = false;
		environment.clear();
		this._register(vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(ENABLED_SETTING) && void this._apply()));
		this._registerDefinitionProvider();
		this._register({
			dispose: () => {
				this._disposed = true;
				environment.clear();
				void this._server?.stop();
				this._server = undefined;
			},
		});
		if (mcpServerEnabled()) {
			void this._apply();
		}
	}

	/** The server's address while it runs. */
	get url(): string | undefined {
		return this._server?.url;
	}

	/** Resolves once the server matches the setting (a change is applied after the ones before it). */
	whenSettled(): Promise<void> {
		return this._settled;
	}

	/** What the extension's environment variable collection gives new terminals now. */
	terminalEnvironment(): Readonly<Record<string, string | undefined>> {
		const environment = this._options.environment;
		return {
			[MCP_URL_VARIABLE]: environment.get(MCP_URL_VARIABLE)?.value,
			[MCP_TOKEN_VARIABLE]: environment.get(MCP_TOKEN_VARIABLE)?.value,
		};
	}

	private _apply(): Promise<void> {
		this._settled = this._settled.then(() => this._reconcile());
		return this._settled;
	}

	private async _reconcile(): Promise<void> {
		const wanted = mcpServerEnabled() && !this._disposed;
		if (wanted && !this._server) {
			await this._start();
		} else if (!wanted && this._server) {
			const server = this._server;
			this._server = undefined;
			this._options.environment.clear();
			this._onDidChange.fire();
			await server.stop();
		}
	}

	private async _start(): Promise<void> {
		const { tasks, files, logger, approvals } = this._options;
		try {
			const server = await BackgroundToolsMcpServer.start({
				tasks,
				files,
				logger,
				token: this._token,
				cwd: this._options.cwd,
				bashTimeoutSeconds: () => readChatSettings().bashTimeoutSeconds,
				approve: (caller, command, signal) => approvals.approveForCaller(caller, command, signal),
				version: this._options.version,
				...(this._lastPort !== undefined ? { preferredPort: this._lastPort } : {}),
			});
			if (this._disposed || !mcpServerEnabled()) {
				await server.stop();
				return;
			}
			this._server = server;
			this._lastPort = server.port;
			const environment = this._options.environment;
			environment.description = new vscode.MarkdownString(
				`Meanwhile's MCP server (\`meanwhile.mcpServer.enabled\`): \`${MCP_URL_VARIABLE}\` and \`${MCP_TOKEN_VARIABLE}\` for agents in the terminal, such as Claude Code.`,
			);
			environment.replace(MCP_URL_VARIABLE, server.url);
			environment.replace(MCP_TOKEN_VARIABLE, this._token);
			this._onDidChange.fire();
		} catch (error) {
			logger.error(`The MCP server could not start: ${errorMessage(error)}`);
			void vscode.window.showErrorMessage(`Meanwhile could not start its MCP server: ${errorMessage(error)}`);
		}
	}

	/** Offers the server to VS Code's own MCP support (its agents then see the tools too), where this VS Code has the API. */
	private _registerDefinitionProvider(): void {
		const lm = vscode.lm as Partial<typeof vscode.lm> | undefined;
		if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof vscode.McpHttpServerDefinition !== 'function') {
			return;
		}
		try {
			this._register(
				lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
					onDidChangeMcpServerDefinitions: this.onDidChange,
					provideMcpServerDefinitions: () => {
						const url = this._server?.url;
						return url === undefined
							? []
							: [new vscode.McpHttpServerDefinition('Meanwhile background tasks', vscode.Uri.parse(url), { Authorization: `Bearer ${this._token}` }, this._options.version)];
					},
				}),
			);
		} catch (error) {
			this._options.logger.warn(`VS Code did not take the MCP server definition provider: ${errorMessage(error)}`);
		}
	}
}
