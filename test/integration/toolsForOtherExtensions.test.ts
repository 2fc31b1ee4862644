import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setApproval } from './agent.test';
import { api, eventually, eventuallyAsync, uniqueMarker, workspaceFolder } from './helpers';

/**
 * Another extension (test/fixtures/otherExtension, loaded beside Meanwhile by the harness) uses
 * Meanwhile's background tools from its own code, through vscode.lm, as any extension or agent would.
 * Everything it does goes through its commands; the tests only read what they return.
 */
const OTHER_EXTENSION = 'meanwhile-test.other-extension';

type Outcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

interface Row {
	readonly id: string;
	readonly status: string;
	readonly origin: string;
	readonly caller?: string;
	readonly command: string;
}

async function invokeFromOther(name: string, input: object): Promise<Outcome> {
	const outcome = await vscode.commands.executeCommand<Outcome>('otherExtension.invoke', name, input);
	assert.ok(outcome, 'the other extension answered');
	return outcome;
}

async function textFromOther(name: string, input: object): Promise<string> {
	const outcome = await invokeFromOther(name, input);
	assert.ok(outcome.ok, `${name} failed: ${outcome.ok ? '' : outcome.error}`);
	return outcome.text;
}

function rowOf(taskId: string): Thenable<Row | undefined> {
	return vscode.commands.executeCommand<Row | undefined>('otherExtension.taskRow', taskId);
}

function taskIdIn(text: string): string {
	const id = /task_id: (bg-\d+)/.exec(text)?.[1];
	assert.ok(id, `a task id in: ${text}`);
	return id;
}

describe('another extension uses Meanwhile\'s background tools through vscode.lm', () => {
	before(async () => {
		await api();
		const other = vscode.extensions.getExtension(OTHER_EXTENSION);
		assert.ok(other, 'the second test extension is loaded beside Meanwhile');
		await other.activate();
		await setApproval('auto', ['/.*/'], []);
	});

	after(async () => {
		await setApproval('ask', [], []);
	});

	it('finds the five tools in vscode.lm.tools', async () => {
		const found = await eventuallyAsync(async () => {
			const tools = (await vscode.commands.executeCommand<{ name: string; inputSchema?: { required?: string[] } }[]>('otherExtension.meanwhileTools')) ?? [];
			return tools.length === 5 ? tools : undefined;
		}, 'Meanwhile\'s tools seen from the other extension');
		assert.deepEqual(
			found.map((tool) => tool.name).sort(),
			['meanwhile_background_cancel', 'meanwhile_background_output', 'meanwhile_background_run', 'meanwhile_background_wait', 'meanwhile_check_background'],
		);
		assert.deepEqual(found.find((tool) => tool.name === 'meanwhile_background_wait')?.inputSchema?.required, ['task_id']);
	});

	it('starts a task, sees its row, and waits for it with meanwhile_background_wait', async () => {
		const marker = uniqueMarker();
		const release = path.join(workspaceFolder(), `release-${marker}`);
		const started = await textFromOther('meanwhile_background_run', { command: `while [ ! -f '${release}' ]; do sleep 0.05; done; echo ${marker}-done` });
		const id = taskIdIn(started);
		const row = await eventuallyAsync(async () => rowOf(id), `the row of ${id}`);
		assert.equal(row.origin, 'tool');
		assert.equal(row.caller, 'another extension');
		assert.match(row.command, new RegExp(marker));
		// It waits for the file: it cannot have ended before the wait starts.
		const waited = invokeFromOther('meanwhile_background_wait', { task_id: id, timeout_seconds: 60 });
		fs.writeFileSync(release, '');
		const report = await waited;
		assert.ok(report.ok, report.ok ? '' : report.error);
		assert.match(report.text, /succeeded/);
		assert.match(report.text, new RegExp(`${marker}-done`));
		assert.equal((await rowOf(id))?.status, 'succeeded');
	});

	it('cancels another task with meanwhile_background_cancel', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		const id = taskIdIn(await textFromOther('meanwhile_background_run', { command: `echo ${marker}; sleep 300` }));
		await eventually(() => tasks.readOutput(id).includes(marker), 'the task printed its marker');
		assert.equal((await rowOf(id))?.status, 'running');
		assert.match(await textFromOther('meanwhile_background_cancel', { task_id: id }), /cancelled/);
		assert.equal((await rowOf(id))?.status, 'cancelled');
	});

	it('gets the reason as an error when a deny rule refuses the command', async () => {
		await setApproval('auto', ['/.*/'], ['touch']);
		try {
			const outcome = await invokeFromOther('meanwhile_background_run', { command: `touch ${uniqueMarker()}` });
			assert.equal(outcome.ok, false);
			assert.match(outcome.ok ? '' : outcome.error, /touch/);
		} finally {
			await setApproval('auto', ['/.*/'], []);
		}
	});

	/**
	 * Where the policy asks, Meanwhile's prepareInvocation asks VS Code to confirm, and its invoke runs the
	 * command only if VS Code did (under `ask` no rule can allow it). Outside a chat request VS Code 1.139
	 * confirms with a modal dialog in the window; while extension tests run, its dialog service shows none
	 * and answers "confirmed" itself. So here the whole path runs, the person's answer taken as yes.
	 */
	it('a command the policy asks about goes through VS Code\'s confirmation (which VS Code accepts itself in extension tests)', async () => {
		const { tasks } = await api();
		await setApproval('ask', [], []);
		const marker = uniqueMarker();
		const started = await textFromOther('meanwhile_background_run', { command: `echo ${marker}` });
		const id = taskIdIn(started);
		assert.match((await rowOf(id))?.command ?? '', new RegExp(marker));
		await tasks.whenFinished(id);
		assert.equal((await rowOf(id))?.status, 'succeeded');

		// No confirmation stands in for `never`: refused with the reason, nothing started.
		await setApproval('never', [], []);
		const refused = await invokeFromOther('meanwhile_background_run', { command: `echo ${marker}-never` });
		assert.equal(refused.ok, false);
		assert.equal(tasks.list().some((task) => task.command.includes(`${marker}-never`)), false);
	});
});
