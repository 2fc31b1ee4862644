import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeAnthropic, lastToolResults, startFakeAnthropic, text, toolResultText, toolUse } from '../fixtures/fakeAnthropic';
import { setApproval, useFakeApi } from './agent.test';
import { api, workspaceFolder } from './helpers';
import { connectToMcpServer, turnMcpServerOff } from './mcpServer.test';

/**
 * Runs in a VS Code started with workspace trust on and an untrusted folder (npm test's second
 * extension-host pass, MEANWHILE_WORKSPACE_TRUST=1); skipped in the trusted pass.
 */
describe('in an untrusted workspace', function () {
	let fake: FakeAnthropic | undefined;

	before(async function () {
		if (vscode.workspace.isTrusted) {
			this.skip();
		}
		fake = await startFakeAnthropic();
		useFakeApi(fake);
		// Even the catch-all automation rule must not run anything in an untrusted folder.
		await setApproval('auto', ['/.*/'], []);
	});

	after(async () => {
		await fake?.close();
	});

	it('activates in restricted mode and the chat knows the workspace is not trusted', async () => {
		const { chat } = await api();
		assert.equal((await chat.getState()).trusted, false);
	});

	it('runs nothing from Run in Background', async () => {
		const { tasks } = await api();
		const before = tasks.list().length;
		const id = await vscode.commands.executeCommand<string | undefined>('meanwhile.runInBackground', 'echo should-not-run');
		assert.equal(id, undefined);
		assert.equal(tasks.list().length, before);
	});

	it('runs nothing another agent asks for through the background tools, and says why', async () => {
		const { tasks } = await api();
		const before = tasks.list().length;
		await assert.rejects(
			async () => vscode.lm.invokeTool('meanwhile_background_run', { toolInvocationToken: undefined, input: { command: 'echo should-not-run' } }),
			(error: Error) => /not trusted/.test(error.message),
		);
		assert.equal(tasks.list().length, before);
	});

	it('runs nothing an agent in the terminal asks for over MCP, and says why', async () => {
		const { tasks } = await api();
		const before = tasks.list().length;
		const client = await connectToMcpServer('claude-code');
		try {
			const result = await client.callTool({ name: 'meanwhile_background_run', arguments: { command: 'echo should-not-run' } });
			assert.equal(result.isError, true);
			assert.match(JSON.stringify(result.content), /not trusted/);
			assert.equal(tasks.list().length, before);
		} finally {
			await client.close();
			await turnMcpServerOff();
		}
	});

	it('lets the agent read files, but refuses writes and commands and tells the model why', async () => {
		const { tasks } = await api();
		const file = path.join(workspaceFolder(), 'readable.txt');
		fs.writeFileSync(file, 'you may read this\n');
		fake!.enqueue(
			toolUse('read_file', { path: 'readable.txt' }, { id: 'toolu_untrusted_read' }),
			toolUse('write_file', { path: 'written.txt', content: 'no' }, { id: 'toolu_untrusted_write' }),
			toolUse('bash', { command: 'echo should-not-run > ran.txt' }, { id: 'toolu_untrusted_bash' }),
			text('Understood.'),
		);
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'read, write, run');
		const [readResult] = lastToolResults(fake!.requests[1]);
		assert.match(toolResultText(readResult), /you may read this/);
		const [writeResult] = lastToolResults(fake!.requests[2]);
		assert.equal(writeResult.is_error, true);
		assert.match(toolResultText(writeResult), /not trusted/);
		const [bashResult] = lastToolResults(fake!.requests[3]);
		assert.equal(bashResult.is_error, true);
		assert.match(toolResultText(bashResult), /not trusted/);
		assert.equal(fs.existsSync(path.join(workspaceFolder(), 'written.txt')), false);
		assert.equal(fs.existsSync(path.join(workspaceFolder(), 'ran.txt')), false);
		assert.equal(tasks.list().some((task) => task.command.includes('should-not-run')), false);
	});
});
