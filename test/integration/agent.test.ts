import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeAnthropic, lastUserText, startFakeAnthropic, text, toolUse, unauthorized } from '../fixtures/fakeAnthropic';
import { api, eventually, uniqueMarker, workspaceFolder } from './helpers';

export async function setApproval(mode: 'ask' | 'auto' | 'never', allow: string[], deny: string[]): Promise<void> {
	const config = vscode.workspace.getConfiguration('meanwhile');
	await config.update('approval.mode', mode, vscode.ConfigurationTarget.Global);
	await config.update('approval.allow', allow, vscode.ConfigurationTarget.Global);
	await config.update('approval.deny', deny, vscode.ConfigurationTarget.Global);
}

/** The extension reads the key and the API's address when it builds a client: point both at the fake. */
export function useFakeApi(fake: FakeAnthropic): void {
	process.env.ANTHROPIC_API_KEY = 'sk-ant-test-integration';
	process.env.ANTHROPIC_BASE_URL = fake.url;
}

describe('the agent in the extension host', () => {
	let fake: FakeAnthropic;
	let previous: { key?: string; url?: string };

	before(async () => {
		previous = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
		fake = await startFakeAnthropic();
		useFakeApi(fake);
		// The contract's setting for automation: every command runs unasked (approvals have their own suite).
		await setApproval('auto', ['/.*/'], []);
		await vscode.commands.executeCommand('meanwhile.newChat');
	});

	after(async () => {
		await fake.close();
		process.env.ANTHROPIC_API_KEY = previous.key ?? '';
		process.env.ANTHROPIC_BASE_URL = previous.url ?? '';
	});

	it('answers Ask… with the reply text, streamed through the real SDK from the fake server', async () => {
		fake.enqueue(text('Hello from the fake model.'));
		const reply = await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Say hello');
		assert.equal(reply, 'Hello from the fake model.');
		const request = fake.requests.at(-1);
		assert.ok(request);
		assert.equal(request.body.model, 'claude-sonnet-5-5');
		assert.match(lastUserText(request), /Say hello/);
	});

	it('writes a file through write_file inside the workspace and reports the tool call', async () => {
		const name = `note-${uniqueMarker()}.txt`;
		fake.enqueue(toolUse('write_file', { path: name, content: 'written by the agent\n' }), text('Wrote it.'));
		const reply = await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Write a note');
		assert.equal(reply, 'Wrote it.');
		assert.equal(fs.readFileSync(path.join(workspaceFolder(), name), 'utf8'), 'written by the agent\n');
	});

	it('edits a file open with unsaved changes as a document, keeping the unsaved text', async () => {
		const file = path.join(workspaceFolder(), `dirty-${uniqueMarker()}.txt`);
		fs.writeFileSync(file, 'line one\nline two\n');
		const document = await vscode.workspace.openTextDocument(file);
		const editor = await vscode.window.showTextDocument(document);
		await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), 'UNSAVED '));
		assert.equal(document.isDirty, true);
		fake.enqueue(toolUse('edit_file', { path: path.basename(file), old_text: 'line two', new_text: 'line 2' }), text('Edited.'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Edit the file');
		assert.equal(document.getText(), 'UNSAVED line one\nline 2\n');
		assert.equal(fs.readFileSync(file, 'utf8'), 'line one\nline two\n', 'the file on disk is untouched until the user saves');
		await vscode.commands.executeCommand('undo');
		assert.equal(document.getText(), 'UNSAVED line one\nline two\n', 'the agent\'s edit is undoable');
		await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
	});

	it('starts a background task the tree lists, and its result reaches the next request as a task notice', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		fake.enqueue(toolUse('background_run', { command: `sleep 0.5; echo ${marker}-done` }), text('Started it; I will keep working.'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Run it in the background');
		const task = await eventually(() => tasks.list().find((candidate) => candidate.command.includes(marker)), 'the agent task in the list');
		assert.equal(task.origin, 'agent');
		const toolResult = JSON.stringify(fake.requests.at(-1)?.body.messages.at(-1));
		assert.match(toolResult, new RegExp(`task_id: ${task.id}`));
		await tasks.whenFinished(task.id);
		// The agent was idle when its task finished: it takes a turn on its own with the notice.
		fake.setDefaultReply(text('The task finished.'));
		const request = await eventually(() => fake.requests.find((candidate) => lastUserText(candidate).includes(`<task-notice id="${task.id}"`)), 'a request carrying the notice');
		assert.match(lastUserText(request), new RegExp(`${marker}-done`));
		assert.match(lastUserText(request), /status="succeeded"/);
	});

	it('tells a task started in one chat to that chat only, after New Chat, when Chat History reopens it', async () => {
		const { tasks, chat } = await api();
		await vscode.commands.executeCommand('meanwhile.newChat');
		const marker = uniqueMarker();
		fake.enqueue(toolUse('background_run', { command: `sleep 1; echo ${marker}-first-chat` }), text('Started it.'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Run it in the first chat');
		const firstChat = chat.shownConversationId;
		assert.ok(firstChat);
		const task = await eventually(() => tasks.list().find((candidate) => candidate.command.includes(marker)), 'the agent task in the list');
		assert.equal(task.conversationId, firstChat);
		await vscode.commands.executeCommand('meanwhile.newChat');
		await tasks.whenFinished(task.id);
		fake.enqueue(text('Hello from the second chat.'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Something else');
		assert.doesNotMatch(JSON.stringify(fake.requests.at(-1)?.body.messages), new RegExp(marker), 'the second chat is not told');
		assert.ok((await chat.history()).some((entry) => entry.id === firstChat && entry.waitingNotices === 1), 'Chat History shows the first chat has news');
		// Reopened, the first chat takes a turn on its own with the notice.
		fake.setDefaultReply(text('Your first-chat task finished.'));
		const before = fake.requests.length;
		await chat.open(firstChat);
		const request = await eventually(() => fake.requests.slice(before).find((candidate) => lastUserText(candidate).includes(`<task-notice id="${task.id}"`)), 'the notice in the first chat');
		assert.match(JSON.stringify(request.body.messages), /Run it in the first chat/);
		assert.equal(tasks.hasPendingNotices(), false);
	});

	it('shows a readable error with Set API Key when the key is refused, and keeps the conversation', async () => {
		const { chat } = await api();
		const before = (await chat.session()).snapshot().items.length;
		fake.enqueue(unauthorized());
		const reply = await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Hello again');
		assert.match(reply, /Error:/);
		const items = (await chat.session()).snapshot().items;
		assert.ok(items.length > before, 'nothing was lost');
		const error = items.at(-1);
		assert.equal(error?.kind, 'error');
		assert.ok(error?.kind === 'error' && error.actions.includes('setApiKey'));
	});
});
