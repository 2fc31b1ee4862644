import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { once } from '../../../src/common/event';
import { TOOLS_FOR_OTHER_AGENTS } from '../../../src/agent/tools/forOtherAgents';
import type { ApprovalResult } from '../../../src/agent/tools/types';
import { BackgroundToolsMcpServer, MAX_SESSIONS } from '../../../src/mcp/mcpServer';
import { newToken } from '../../../src/mcp/requestChecks';
import { ToolBench } from '../agent/tools/context';
import { TestLogger } from '../agent/harness';

interface AskedApproval {
	readonly caller: string;
	readonly command: string;
	readonly signal: AbortSignal;
	answer(result: ApprovalResult): void;
}

/** The approval policy as the server sees it: allow by default; a test can make it deny or ask (and answer later). */
class Policy {
	mode: 'allow' | 'deny' | 'ask' = 'allow';
	readonly asked: AskedApproval[] = [];
	private readonly _waiters: ((asked: AskedApproval) => void)[] = [];

	readonly approve = (caller: string, command: string, signal: AbortSignal): Promise<ApprovalResult> => {
		if (this.mode === 'allow') {
			return Promise.resolve({ allowed: true });
		}
		if (this.mode === 'deny') {
			return Promise.resolve({ allowed: false, reason: 'A rule in meanwhile.approval.deny matches this command.' });
		}
		return new Promise<ApprovalResult>((resolve) => {
			const asked = { caller, command, signal, answer: resolve };
			this.asked.push(asked);
			this._waiters.splice(0).forEach((waiter) => waiter(asked));
		});
	};

	nextQuestion(): Promise<AskedApproval> {
		return new Promise((resolve) => this._waiters.push(resolve));
	}
}

function textOf(result: unknown): string {
	const content = (result as CallToolResult).content;
	return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function taskIdIn(text: string): string {
	const id = /task_id: (bg-\d+)/.exec(text)?.[1];
	assert.ok(id, `no task id in: ${text}`);
	return id;
}

/** A raw HTTP request to the server, for what the SDK's client never sends. */
function rawRequest(port: number, options: { headers?: Record<string, string>; body?: string; method?: string; path?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				host: '127.0.0.1',
				port,
				method: options.method ?? 'POST',
				path: options.path ?? '/mcp',
				headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...options.headers },
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
			},
		);
		request.on('error', reject);
		request.end(options.body ?? '');
	});
}

const INITIALIZE = JSON.stringify({
	jsonrpc: '2.0',
	id: 1,
	method: 'initialize',
	params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
});

describe('the MCP server of the background tools', function () {
	this.timeout(30_000);
	let bench: ToolBench;
	let policy: Policy;
	let server: BackgroundToolsMcpServer;
	let token: string;
	const clients: Client[] = [];

	async function startServer(preferredPort?: number): Promise<BackgroundToolsMcpServer> {
		return BackgroundToolsMcpServer.start({
			tasks: bench.tasks,
			files: bench.context().files,
			logger: new TestLogger(),
			token,
			cwd: () => bench.workspace,
			bashTimeoutSeconds: () => 5,
			approve: policy.approve,
			version: '0.0.0-test',
			...(preferredPort !== undefined ? { preferredPort } : {}),
		});
	}

	async function connect(name = 'claude-code', withToken = token): Promise<Client> {
		const client = new Client({ name, version: '1.0.0' });
		const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${withToken}` } } });
		await client.connect(transport);
		clients.push(client);
		return client;
	}

	function callsSettleAt(count: number): Promise<unknown> {
		return server.callsInFlight === count ? Promise.resolve() : once(server.onDidChangeCalls, (value) => value === count);
	}

	beforeEach(async () => {
		bench = new ToolBench();
		policy = new Policy();
		token = newToken();
		server = await startServer();
	});

	afterEach(async () => {
		await Promise.allSettled(clients.splice(0).map((client) => client.close()));
		await server.stop();
		bench.dispose();
	});

	it('listens on the loopback and lists the five tools with the Language Model Tools\' names, descriptions and input schemas', async () => {
		assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
		const client = await connect();
		const { tools } = await client.listTools();
		assert.deepEqual(
			tools.map((tool) => tool.name),
			TOOLS_FOR_OTHER_AGENTS.map((entry) => entry.name),
		);
		for (const entry of TOOLS_FOR_OTHER_AGENTS) {
			const tool = tools.find((candidate) => candidate.name === entry.name);
			assert.equal(tool?.description, entry.description);
			assert.deepEqual(tool?.inputSchema, entry.tool.definition.input_schema);
		}
	});

	it('starts a task named by the client, waits for it, reads its output and cancels another', async () => {
		const client = await connect('claude-code');
		const started = textOf(await client.callTool({ name: 'meanwhile_background_run', arguments: { command: 'echo from-mcp' } }));
		assert.match(started, /meanwhile_background_wait/);
		const id = taskIdIn(started);
		assert.equal(bench.tasks.get(id)?.origin, 'tool');
		assert.equal(bench.tasks.get(id)?.caller, 'claude-code');
		assert.equal(bench.tasks.get(id)?.conversationId, undefined);

		const waited = await client.callTool({ name: 'meanwhile_background_wait', arguments: { task_id: id, timeout_seconds: 20 } });
		assert.equal(waited.isError, undefined, textOf(waited));
		assert.match(textOf(waited), /succeeded/);
		const output = textOf(await client.callTool({ name: 'meanwhile_background_output', arguments: { task_id: id } }));
		assert.match(output, /from-mcp/);
		// The same text the tool gives any other outside caller.
		const check = TOOLS_FOR_OTHER_AGENTS.find((entry) => entry.name === 'meanwhile_check_background');
		assert.ok(check);
		const direct = await check.tool.run({ task_id: id }, bench.context({ outsideCaller: 'claude-code', conversationId: '' }));
		assert.equal(textOf(await client.callTool({ name: 'meanwhile_check_background', arguments: { task_id: id } })), direct.content);

		const other = textOf(await client.callTool({ name: 'meanwhile_background_run', arguments: { command: 'sleep 300' } }));
		const otherId = taskIdIn(other);
		const cancelled = textOf(await client.callTool({ name: 'meanwhile_background_cancel', arguments: { task_id: otherId } }));
		assert.match(cancelled, /cancelled/);
		assert.equal(bench.tasks.get(otherId)?.reason, 'cancelled by claude-code');
		assert.equal(bench.tasks.hasPendingNotices(), false, 'no conversation hears of its tasks');
	});

	it('answers bad input and unknown tools with errors that say why', async () => {
		const client = await connect();
		const bad = await client.callTool({ name: 'meanwhile_background_wait', arguments: { task_id: 3 } });
		assert.equal(bad.isError, true);
		assert.match(textOf(bad), /Invalid input for background_wait: "task_id" must be a string/);
		await assert.rejects(client.callTool({ name: 'meanwhile_nothing', arguments: {} }), /Unknown tool: meanwhile_nothing/);
	});

	it('refuses requests without the token or with a wrong one (401), and offers no OAuth instead', async () => {
		const without = await rawRequest(server.port, { body: INITIALIZE, headers: { Host: `127.0.0.1:${server.port}` } });
		assert.equal(without.status, 401);
		assert.equal(without.headers['www-authenticate'], 'Bearer realm="meanwhile"');
		const wrong = await rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: `Bearer ${newToken()}` } });
		assert.equal(wrong.status, 401);
		const prefix = await rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: `Bearer ${token.slice(0, -1)}` } });
		assert.equal(prefix.status, 401);
		await assert.rejects(connect('claude-code', 'not-the-token'));
		assert.equal(server.sessionCount, 0);
		const right = await rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: `Bearer ${token}` } });
		assert.equal(right.status, 200, right.body);
		assert.equal((await rawRequest(server.port, { method: 'GET', path: '/.well-known/oauth-protected-resource' })).status, 404);
	});

	it('refuses a request addressed to another host or sent from a web page (DNS rebinding)', async () => {
		const authorization = `Bearer ${token}`;
		const host = await rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: authorization, Host: `attacker.example:${server.port}` } });
		assert.equal(host.status, 403);
		assert.match(host.body, /Invalid Host header/);
		const origin = await rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: authorization, Origin: 'http://attacker.example' } });
		assert.equal(origin.status, 403);
		assert.match(origin.body, /Invalid Origin header/);
		const ownOrigin = await rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: authorization, Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` } });
		assert.equal(ownOrigin.status, 200, ownOrigin.body);
	});

	it('leaves malformed JSON-RPC to the SDK\'s answer and unknown sessions to a 404', async () => {
		const authorization = `Bearer ${token}`;
		const parse = await rawRequest(server.port, { body: '{"jsonrpc": "2.0", "id": 1, "method": ', headers: { Authorization: authorization } });
		assert.equal(parse.status, 400);
		assert.match(parse.body, /-32700/);
		const notInitialize = await rawRequest(server.port, { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), headers: { Authorization: authorization } });
		assert.equal(notInitialize.status, 400);
		const unknown = await rawRequest(server.port, {
			body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
			headers: { Authorization: authorization, 'Mcp-Session-Id': 'no-such-session' },
		});
		assert.equal(unknown.status, 404);
		assert.equal(server.sessionCount, 0, 'requests that opened no session leave none behind');
	});

	it('asks the approval policy in the client\'s name and starts the command only once allowed', async () => {
		policy.mode = 'ask';
		const client = await connect('codex');
		const question = policy.nextQuestion();
		const call = client.callTool({ name: 'meanwhile_background_run', arguments: { command: 'echo asked' } });
		const asked = await question;
		assert.equal(asked.caller, 'codex');
		assert.equal(asked.command, 'echo asked');
		assert.equal(bench.tasks.list().length, 0, 'nothing runs while the user has not answered');
		asked.answer({ allowed: true });
		const id = taskIdIn(textOf(await call));
		assert.equal(bench.tasks.get(id)?.caller, 'codex');
	});

	it('returns a denial as an error with the reason, and starts nothing', async () => {
		policy.mode = 'deny';
		const client = await connect();
		const result = await client.callTool({ name: 'meanwhile_background_run', arguments: { command: 'rm -rf build' } });
		assert.equal(result.isError, true);
		assert.match(textOf(result), /did not allow this command: A rule in meanwhile\.approval\.deny matches this command\./);
		assert.equal(bench.tasks.list().length, 0);
	});

	it('releases a wait in flight when its client disconnects; the task keeps running', async () => {
		const task = bench.tasks.start('sleep 300', { origin: 'user' });
		const client = await connect();
		const waiting = client.callTool({ name: 'meanwhile_background_wait', arguments: { task_id: task.id, timeout_seconds: 600 } }).catch((error: unknown) => error);
		await callsSettleAt(1);
		await client.close();
		await callsSettleAt(0);
		assert.ok((await waiting) instanceof Error, 'the client saw its call end with the connection');
		assert.equal(bench.tasks.get(task.id)?.status, 'running');
	});

	it('withdraws an approval question when its client disconnects', async () => {
		policy.mode = 'ask';
		const client = await connect();
		const question = policy.nextQuestion();
		void client.callTool({ name: 'meanwhile_background_run', arguments: { command: 'echo never' } }).catch(() => undefined);
		const asked = await question;
		const withdrawn = new Promise<void>((resolve) => asked.signal.addEventListener('abort', () => resolve(), { once: true }));
		await client.close();
		await withdrawn;
	});

	it('ends calls in flight and closes its sessions when it stops', async () => {
		const task = bench.tasks.start('sleep 300', { origin: 'user' });
		const client = await connect();
		const waiting = client.callTool({ name: 'meanwhile_background_wait', arguments: { task_id: task.id, timeout_seconds: 600 } });
		await callsSettleAt(1);
		await server.stop();
		assert.equal(server.callsInFlight, 0);
		assert.equal(server.sessionCount, 0);
		const answer = await waiting;
		assert.equal(answer.isError, true);
		assert.match(textOf(answer), /the task was not stopped and keeps running/);
		await assert.rejects(rawRequest(server.port, { body: INITIALIZE, headers: { Authorization: `Bearer ${token}` } }), 'nothing listens any more');
		assert.equal(bench.tasks.get(task.id)?.status, 'running');
	});

	it(`keeps at most ${MAX_SESSIONS} sessions, closing the least recently used`, async () => {
		const first = await connect('first');
		for (let index = 0; index < MAX_SESSIONS; index++) {
			await connect(`client-${index}`);
		}
		assert.equal(server.sessionCount, MAX_SESSIONS);
		await assert.rejects(first.listTools());
		const last = clients[clients.length - 1];
		assert.equal((await last.listTools()).tools.length, TOOLS_FOR_OTHER_AGENTS.length);
	});

	it('takes another port when the one it prefers is in use', async () => {
		const taken = server.port;
		const second = await startServer(taken);
		try {
			assert.notEqual(second.port, taken);
			const status = (await rawRequest(second.port, { body: INITIALIZE, headers: { Authorization: `Bearer ${token}` } })).status;
			assert.equal(status, 200);
		} finally {
			await second.stop();
		}
	});
});
