import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { setApproval } from './agent.test';
import { api, eventually, uniqueMarker } from './helpers';

const TOOL_NAMES = ['meanwhile_background_run', 'meanwhile_check_background', 'meanwhile_background_output', 'meanwhile_background_wait', 'meanwhile_background_cancel'];

async function setEnabled(enabled: boolean | undefined): Promise<void> {
	await vscode.workspace.getConfiguration('meanwhile').update('mcpServer.enabled', enabled, vscode.ConfigurationTarget.Global);
}

function textOf(result: unknown): string {
	return (result as CallToolResult).content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** What the extension's environment variable collection gives new terminals, once the server matches the setting. */
async function terminalEnvironment(): Promise<Readonly<Record<string, string | undefined>>> {
	const { mcpServer } = await api();
	await mcpServer.whenSettled();
	return mcpServer.terminalEnvironment();
}

/** Turns the server on and connects the official client to it as a terminal agent would: with the address and token terminals get. */
export async function connectToMcpServer(clientName: string): Promise<Client> {
	const { mcpServer } = await api();
	await setEnabled(true);
	await eventually(() => mcpServer.url, 'the server started');
	const { MEANWHILE_MCP_URL: url, MEANWHILE_MCP_TOKEN: token } = await terminalEnvironment();
	assert.ok(url && token, 'terminals get MEANWHILE_MCP_URL and MEANWHILE_MCP_TOKEN');
	const client = new Client({ name: clientName, version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
	return client;
}

export async function turnMcpServerOff(): Promise<void> {
	await setEnabled(undefined);
	await (await api()).mcpServer.whenSettled();
}

describe('the MCP server in the extension host', () => {
	const clients: Client[] = [];

	before(async () => {
		await api();
		await setApproval('auto', ['/.*/'], []);
	});

	afterEach(async () => {
		await Promise.allSettled(clients.splice(0).map((client) => client.close()));
	});

	after(async () => {
		await turnMcpServerOff();
		await setApproval('ask', [], []);
	});

	it('is off by default: no server, nothing for terminals', async () => {
		const { mcpServer } = await api();
		assert.equal(mcpServer.url, undefined);
		const environment = await terminalEnvironment();
		assert.equal(environment.MEANWHILE_MCP_URL, undefined);
		assert.equal(environment.MEANWHILE_MCP_TOKEN, undefined);
	});

	it('starts when the setting turns on; terminals get its address and token; the official client starts a task there that the tree shows by the client\'s name', async () => {
		const { mcpServer, tasks } = await api();
		await setEnabled(true);
		await eventually(() => mcpServer.url, 'the server started');
		const environment = await terminalEnvironment();
		const url = environment.MEANWHILE_MCP_URL;
		const token = environment.MEANWHILE_MCP_TOKEN;
		assert.ok(url && token, 'terminals get MEANWHILE_MCP_URL and MEANWHILE_MCP_TOKEN');
		assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
		assert.equal(url, mcpServer.url);

		const refused = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: '{}' });
		assert.equal(refused.status, 401, 'a request without the token is refused');

		const client = new Client({ name: 'claude-code', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
		clients.push(client);
		const { tools } = await client.listTools();
		assert.deepEqual(tools.map((tool) => tool.name).sort(), [...TOOL_NAMES].sort());

		const marker = uniqueMarker();
		const started = textOf(await client.callTool({ name: 'meanwhile_background_run', arguments: { command: `echo ${marker}` } }));
		const id = /task_id: (bg-\d+)/.exec(started)?.[1];
		assert.ok(id, started);
		const task = await eventually(() => tasks.list().find((candidate) => candidate.id === id), `${id} in the tree's task list`);
		assert.equal(task.origin, 'tool');
		assert.equal(task.caller, 'claude-code');
		const waited = textOf(await client.callTool({ name: 'meanwhile_background_wait', arguments: { task_id: id, timeout_seconds: 60 } }));
		assert.match(waited, /succeeded/);
		assert.match(waited, new RegExp(marker));
	});

	it('applies the approval rules to its callers: a deny rule refuses with the reason', async () => {
		const { tasks } = await api();
		const client = await connectToMcpServer('codex');
		clients.push(client);
		const marker = uniqueMarker();
		await setApproval('auto', ['/.*/'], ['touch']);
		try {
			const result = await client.callTool({ name: 'meanwhile_background_run', arguments: { command: `touch ${marker}` } });
			assert.equal(result.isError, true);
			assert.match(textOf(result), /did not allow this command/);
			assert.equal(tasks.list().some((task) => task.command.includes(marker)), false);
		} finally {
			await setApproval('auto', ['/.*/'], []);
		}
	});

	it('stops when the setting turns off: terminals no longer get the variables, and nothing listens', async () => {
		const { mcpServer } = await api();
		await setEnabled(true);
		const url = await eventually(() => mcpServer.url, 'the server started');
		await setEnabled(false);
		await eventually(() => mcpServer.url === undefined, 'the server stopped');
		const environment = await terminalEnvironment();
		assert.equal(environment.MEANWHILE_MCP_URL, undefined);
		assert.equal(environment.MEANWHILE_MCP_TOKEN, undefined);
		await assert.rejects(fetch(url, { method: 'POST', body: '{}' }), 'nothing listens at the old address');
	});
});
