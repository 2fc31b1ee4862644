/**
 * The MCP server of the background tools, for agents outside the editor (Claude Code, Codex CLI in VS
 * Code's terminal): Streamable HTTP on 127.0.0.1, one stateful session per client, every request checked
 * for its address and this window's token before the official SDK sees it.
 */
import * as http from 'node:http';
import { Emitter } from '../common/event';
import { errorMessage } from '../common/errors';
import { addressProblem, hasBearerToken } from './requestChecks';
import { mcpSdk } from './sdk';
import { ToolSession, type ToolSessionOptions } from './toolSession';

export interface McpServerOptions extends Omit<ToolSessionOptions, 'callStarted' | 'stopping'> {
	/** The secret every request must carry as `Authorization: Bearer <token>`. */
	readonly token: string;
	/** The port to try first (the one this window used before, so terminals' addresses stay right), else any free one. */
	readonly preferredPort?: number;
}

/** The endpoint's path: http://127.0.0.1:PORT/mcp */
export const MCP_PATH = '/mcp';

/** Sessions kept at most: clients that never say goodbye (a killed CLI) must not pile up; the least recently used goes. */
export const MAX_SESSIONS = 32;

/** How long a stop lets calls in flight send their answers before it closes their sessions anyway. */
const STOP_ANSWER_GRACE_MS = 2000;

export class BackgroundToolsMcpServer {
	private readonly _sessions = new Map<string, ToolSession>();
	/** Sessions whose first request is being handled: they have no id until it is an `initialize`. */
	private readonly _starting = new Set<ToolSession>();
	private _callsInFlight = 0;
	private _stopped = false;
	private readonly _stopping = new AbortController();
	/** POSTs whose answer is not sent yet: each settles when its response closes. */
	private readonly _answering = new Set<Promise<void>>();
	private readonly _onDidChangeCalls = new Emitter<number>();
	/** Fires with the number of tool calls in flight when it changes. */
	readonly onDidChangeCalls = this._onDidChangeCalls.event;

	/** Starts listening on 127.0.0.1 (loading the SDK on the first start). */
	static async start(options: McpServerOptions): Promise<BackgroundToolsMcpServer> {
		mcpSdk();
		const server = new BackgroundToolsMcpServer(options);
		await server._listen(options.preferredPort);
		return server;
	}

	private readonly _http: http.Server;
	private _port = 0;

	private constructor(private readonly _options: McpServerOptions) {
		this._http = http.createServer((request, response) => {
			this._handle(request, response).catch((error: unknown) => {
				this._options.logger.warn(`An MCP request could not be handled: ${errorMessage(error)}`);
				if (!response.headersSent) {
					reply(response, 500, 'Internal error.', {}, -32603);
				}
			});
		});
	}

	get port(): number {
		return this._port;
	}

	/** The address clients connect to. */
	get url(): string {
		return `http://127.0.0.1:${this._port}${MCP_PATH}`;
	}

	get sessionCount(): number {
		return this._sessions.size;
	}

	get callsInFlight(): number {
		return this._callsInFlight;
	}

	/** Ends the calls in flight (their clients get an answer), closes every session, then the listening socket and every connection. */
	async stop(): Promise<void> {
		if (this._stopped) {
			return;
		}
		this._stopped = true;
		this._stopping.abort();
		await this._answersSent(STOP_ANSWER_GRACE_MS);
		const sessions = [...this._sessions.values(), ...this._starting];
		this._sessions.clear();
		this._starting.clear();
		await Promise.allSettled(sessions.map((session) => session.close()));
		await new Promise<void>((resolve) => {
			this._http.close(() => resolve());
			this._http.closeAllConnections();
		});
		this._options.logger.info('The MCP server stopped.');
	}

	private async _listen(preferredPort: number | undefined): Promise<void> {
		try {
			this._port = await listenOn(this._http, preferredPort ?? 0);
		} catch (error) {
			if (preferredPort === undefined || preferredPort === 0) {
				throw error;
			}
			// Taken since this window last used it: another free port will do (terminals get the new address).
			this._options.logger.info(`Port ${preferredPort} is not free (${errorMessage(error)}); the MCP server takes another.`);
			this._port = await listenOn(this._http, 0);
		}
		this._options.logger.info(`The MCP server listens on ${this.url}.`);
	}

	private async _handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const problem = addressProblem(request.headers, this._port);
		if (problem !== undefined) {
			return reply(response, 403, problem);
		}
		if (new URL(request.url ?? '/', 'http://localhost').pathname !== MCP_PATH) {
			return reply(response, 404, `Not found: the MCP endpoint is ${MCP_PATH}.`);
		}
		if (!hasBearerToken(request.headers.authorization, this._options.token)) {
			// No OAuth metadata is offered: a client must not start an OAuth flow instead of sending the token.
			return reply(response, 401, 'Unauthorized: send Authorization: Bearer $MEANWHILE_MCP_TOKEN.', { 'WWW-Authenticate': 'Bearer realm="meanwhile"' });
		}
		if (this._stopped) {
			return reply(response, 503, 'The MCP server is stopping.');
		}
		const gone = new AbortController();
		const closed = new Promise<void>((resolve) =>
			response.on('close', () => {
				if (!response.writableFinished) {
					gone.abort();
				}
				resolve();
			}),
		);
		if (request.method === 'POST') {
			// A GET is the client's standing stream for notifications: it never ends on its own, so only POSTs count.
			this._answering.add(closed);
			void closed.then(() => this._answering.delete(closed));
		}
		const sessionId = request.headers['mcp-session-id'];
		let session: ToolSession | undefined;
		let fresh = false;
		if (typeof sessionId === 'string') {
			session = this._sessions.get(sessionId);
			if (!session) {
				return reply(response, 404, 'Session not found: start a new session with initialize.', {}, -32001);
			}
		} else if (request.method === 'POST') {
			session = await this._newSession();
			fresh = true;
		} else {
			return reply(response, 400, 'Bad Request: no valid session ID provided.');
		}
		try {
			await session.handle(request, response, gone.signal);
		} catch (error) {
			this._options.logger.warn(`An MCP request failed: ${errorMessage(error)}`);
			if (!response.headersSent) {
				reply(response, 500, 'Internal error.', {}, -32603);
			} else {
				response.destroy();
			}
		} finally {
			if (fresh) {
				this._starting.delete(session);
				if (session.id === undefined) {
					// Not an initialize (or not even JSON): the SDK answered it; the session never began.
					void session.close();
				}
			}
		}
	}

	private async _newSession(): Promise<ToolSession> {
		const session = new ToolSession(mcpSdk(), this._port, { ...this._options, callStarted: () => this._callStarted(), stopping: this._stopping.signal }, {
			opened: (opened) => this._opened(opened),
			closed: (closed) => this._closed(closed),
		});
		this._starting.add(session);
		await session.connect();
		return session;
	}

	private _opened(session: ToolSession): void {
		const id = session.id;
		if (id === undefined || this._stopped) {
			return;
		}
		this._sessions.set(id, session);
		this._options.logger.debug(`MCP session opened (${this._sessions.size} open).`);
		if (this._sessions.size > MAX_SESSIONS) {
			const oldest = [...this._sessions.values()].filter((candidate) => candidate !== session).sort((a, b) => a.lastUsed - b.lastUsed)[0];
			if (oldest) {
				this._options.logger.info(`More than ${MAX_SESSIONS} MCP sessions: closing the least recently used one (${oldest.caller}).`);
				this._closed(oldest);
				void oldest.close();
			}
		}
	}

	private _closed(session: ToolSession): void {
		const id = session.id;
		if (id !== undefined && this._sessions.get(id) === session) {
			this._sessions.delete(id);
			this._options.logger.debug(`MCP session of ${session.caller} closed (${this._sessions.size} open).`);
		}
	}

	/** Resolves once every POST being answered has its answer sent (the SDK sends it after the handler returns), or after `atMostMs`. */
	private async _answersSent(atMostMs: number): Promise<void> {
		if (this._answering.size === 0) {
			return;
		}
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([Promise.allSettled([...this._answering]), new Promise<void>((resolve) => (timer = setTimeout(resolve, atMostMs)))]);
		clearTimeout(timer);
	}

	private _callStarted(): () => void {
		this._callsInFlight++;
		this._onDidChangeCalls.fire(this._callsInFlight);
		let ended = false;
		return () => {
			if (!ended) {
				ended = true;
				this._callsInFlight--;
				this._onDidChangeCalls.fire(this._callsInFlight);
			}
		};
	}
}

function listenOn(server: http.Server, port: number): Promise<number> {
	return new Promise<number>((resolve, reject) => {
		const onError = (error: Error) => reject(error);
		server.once('error', onError);
		// The loopback only: nothing on the network may reach it.
		server.listen(port, '127.0.0.1', () => {
			server.off('error', onError);
			const address = server.address();
			resolve(typeof address === 'object' && address !== null ? address.port : port);
		});
	});
}

/** An error answer in JSON-RPC's shape, as the SDK's own are. */
function reply(response: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
	response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	response.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
