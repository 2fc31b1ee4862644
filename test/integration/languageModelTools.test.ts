import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setApproval } from './agent.test';
import { api, eventually, uniqueMarker, workspaceFolder } from './helpers';

const TOOL_NAMES = ['meanwhile_background_run', 'meanwhile_check_background', 'meanwhile_background_output', 'meanwhile_background_wait', 'meanwhile_background_cancel'];

/** Calls one of the tools the way any extension can: outside a chat request, so without an invocation token. */
async function invoke(name: string, input: object): Promise<string> {
	const result = await vscode.lm.invokeTool(name, { toolInvocationToken: undefined, input });
	return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function taskIdIn(text: string): string {
	const id = /task_id: (bg-\d+)/.exec(text)?.[1];
	assert.ok(id, `a task id in: ${text}`);
	return id;
}

describe('the background tools for other agents in the extension host', () => {
	before(async () => {
		await api();
		await setApproval('auto', ['/.*/'], []);
	});

	after(async () => {
		await setApproval('ask', [], []);
	});

	it('lists the five tools in vscode.lm.tools with their input schemas', async () => {
		const tools = await eventually(() => {
			const found = vscode.lm.tools.filter((tool) => tool.name.startsWith('meanwhile_'));
			return found.length === TOOL_NAMES.length ? found : undefined;
		}, 'the five tools registered');
		assert.deepEqual(tools.map((tool) => tool.name).sort(), [...TOOL_NAMES].sort());
		const run = tools.find((tool) => tool.name === 'meanwhile_background_run');
		assert.deepEqual((run?.inputSchema as { required?: string[] } | undefined)?.required, ['command']);
		assert.match(run?.description ?? '', /meanwhile_background_wait/);
	});

	it('starts a task that shows in the tree by its caller, and waits for it with the wait tool', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		const release = path.join(workspaceFolder(), `release-${marker}`);
		const started = await invoke('meanwhile_background_run', { command: `while [ ! -f '${release}' ]; do sleep 0.05; done; echo ${marker}-done` });
		assert.match(started, /meanwhile_background_wait/);
		const id = taskIdIn(started);
		const task = await eventually(() => tasks.list().find((candidate) => candidate.id === id), `${id} in the task list`);
		assert.equal(task.origin, 'tool');
		assert.equal(task.caller, 'another extension');
		assert.equal(task.conversationId, undefined);
		// It waits for the file: it cannot have ended before the wait starts.
		const waited = invoke('meanwhile_background_wait', { task_id: id, timeout_seconds: 60 });
		fs.writeFileSync(release, '');
		const report = await waited;
		assert.match(report, /succeeded/);
		assert.match(report, new RegExp(`${marker}-done`));
		assert.equal(tasks.get(id)?.status, 'succeeded');
		assert.equal(tasks.pendingNotices().some((pending) => pending.id === id), false, 'Meanwhile\'s chat is not told of it');
	});

	it('cancels another task with the cancel tool', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		const id = taskIdIn(await invoke('meanwhile_background_run', { command: `echo ${marker}; sleep 300` }));
		await eventually(() => tasks.readOutput(id).includes(marker), 'the task printed its marker');
		const report = await invoke('meanwhile_background_cancel', { task_id: id });
		assert.match(report, /cancelled/);
		assert.equal(tasks.get(id)?.status, 'cancelled');
	});

	it('refuses a command a deny rule matches, with the reason, and starts nothing', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		await setApproval('auto', ['/.*/'], ['touch']);
		try {
			await assert.rejects(invoke('meanwhile_background_run', { command: `touch ${marker}` }), (error: Error) => /not allow/.test(error.message) && /touch/.test(error.message));
			assert.equal(tasks.list().some((task) => task.command.includes(marker)), false);
		} finally {
			await setApproval('auto', ['/.*/'], []);
		}
	});
});
