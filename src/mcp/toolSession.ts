/**
 * One MCP client's session: an SDK server of its own (the SDK ties a server to one transport) serving
 * the background tools for other agents, with the client's name as the caller of what it starts and
 * its own place in each task's output.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult, ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import type { TaskService } from '../background/types';
import type { Logger } from '../common/logger';
import { ellipsize } from '../common/text';
import type { ApprovalResult } from '../agent/tools/types';
import { contextForOtherAgent, TOOLS_FOR_OTHER_AGENTS, type ToolForOtherAgents } from '../agent/tools/forOtherAgents';
import type { WorkspaceFiles } from '../agent/workspace';
import { allowedHosts, allowedOrigins } from './requestChecks';
import type { McpSdk } from './sdk';

/** What the sessions of one server share. */
export interface ToolSessionOptions {
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	readonly logger: Logger;
	/** Where commands run when the caller names no folder. */
	cwd(): string | undefined;
	bashTimeoutSeconds(): number;
	/** The approval policy's answer for a command `caller` asks to start; `signal` withdraws the question. */
	approve(caller: string, command: string, signal: AbortSignal): Promise<ApprovalResult>;
	/** The server's version, as `initialize` reports it. */
	readonly version: string;
	/** Counts a call in flight; the returned function ends it. */
	callStarted(): () => void;
	/** Aborts when the server stops: calls in flight end, and answer, before the sessions close. */
	readonly stopping: AbortSignal;
}

/** How the caller of a client that gives no usable name shows in the tree. */
export const UNNAMED_CLIENT = 'an MCP client';

/** The key under which the HTTP request's own signal rides along in the SDK's `authInfo` (it has no other way to a request handler). */
const HTTP_REQUEST_SIGNAL = 'meanwhileHttpRequestSignal';

/** A client's self-chosen name, made fit for a tree row: one line, no control characters, short. */
export function callerName(clientName: string | undefined): string {
	const cleaned = (clientName ?? '').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim();
	return cleaned === '' ? UNNAMED_CLIENT : ellipsize(cleaned, 40);
}

export class ToolSession {
	readonly transport: StreamableHTTPServerTransport;
	private readonly _server: McpServer;
	/** Where `meanwhile_background_output` last stopped reading each task, for this client. */
	private readonly _outputCursors = new Map<string, number>();
	/** When a request of this session last came: the least recently used session goes first when there are too many. */
	lastUsed = Date.now();

	constructor(
		sdk: McpSdk,
		port: number,
		private readonly _options: ToolSessionOptions,
		events: { opened(session: ToolSession): void; closed(session: ToolSession): void },
	) {
		this.transport = new sdk.StreamableHTTPServerTransport({
			sessionIdGenerator: () => randomUUID(),
			onsessioninitialized: () => events.opened(this),
			onsessionclosed: () => events.closed(this),
			enableDnsRebindingProtection: true,
			allowedHosts: allowedHosts(port),
			allowedOrigins: allowedOrigins(port),
		});
		this.transport.onclose = () => events.closed(this);
		this._server = new sdk.McpServer({ name: 'meanwhile', title: 'Meanwhile background tasks', version: _options.version }, { capabilities: { tools: {} } });
		// The tools are served from their own definitions (McpServer's registerTool would rebuild their JSON schemas from zod, and validate with other messages).
		this._server.server.setRequestHandler(sdk.ListToolsRequestSchema, (): ListToolsResult => ({
			tools: TOOLS_FOR_OTHER_AGENTS.map((entry) => ({
				name: entry.name,
				description: entry.description,
				// Every tool's input is an object (defineTool's spec requires it); the SDK's type wants that said.
				inputSchema: entry.tool.definition.input_schema as ListToolsResult['tools'][number]['inputSchema'],
			})),
		}));
		this._server.server.setRequestHandler(sdk.CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
			const entry = TOOLS_FOR_OTHER_AGENTS.find((candidate) => candidate.name === request.params.name);
			if (!entry) {
				throw new sdk.McpError(sdk.ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}. The tools are ${TOOLS_FOR_OTHER_AGENTS.map((tool) => tool.name).join(', ')}.`);
			}
			const httpSignal = extra.authInfo?.extra?.[HTTP_REQUEST_SIGNAL];
			// The call ends when the client cancels it, its session closes, its connection drops (a wait in
			// flight must not outlive its caller) or the server stops (then it still answers before closing).
			const signals = [extra.signal, _options.stopping, ...(httpSignal instanceof AbortSignal ? [httpSignal] : [])];
			const signal = AbortSignal.any(signals);
			return this._call(entry, request.params.arguments ?? {}, signal);
		});
	}

	get id(): string | undefined {
		return this.transport.sessionId;
	}

	/** Who calls, as the tree shows it: the name the client gave in `initialize`. */
	get caller(): string {
		return callerName(this._server.server.getClientVersion()?.name);
	}

	async connect(): Promise<void> {
		await this._server.connect(this.transport);
	}

	/** One HTTP request of this session; `signal` aborts when the client goes away before the answer. */
	async handle(request: IncomingMessage, response: ServerResponse, signal: AbortSignal): Promise<void> {
		this.lastUsed = Date.now();
		const auth: AuthInfo = { token: '', clientId: 'meanwhile-window-token', scopes: [], extra: { [HTTP_REQUEST_SIGNAL]: signal } };
		await this.transport.handleRequest(Object.assign(request, { auth }), response);
	}

	async close(): Promise<void> {
		// Closing the transport aborts the handlers of calls in flight (their waits end at once).
		await this._server.close();
	}

	private async _call(entry: ToolForOtherAgents, input: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
		const { tasks, files, logger } = this._options;
		const caller = this.caller;
		const cwd = this._options.cwd();
		const ended = this._options.callStarted();
		try {
			const result = await entry.tool.run(
				input,
				contextForOtherAgent({
					toolUseId: `mcp-${randomUUID()}`,
					tasks,
					files,
					logger,
					caller,
					signal,
					...(cwd !== undefined ? { cwd } : {}),
					bashTimeoutSeconds: this._options.bashTimeoutSeconds(),
					approve: (command, approvalSignal) => this._options.approve(caller, command, approvalSignal),
					outputCursors: this._outputCursors,
				}),
			);
			return { content: [{ type: 'text', text: result.content }], ...(result.isError ? { isError: true } : {}) };
		} finally {
			ended();
		}
	}
}
