import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeAnthropic, lastToolResults, startFakeAnthropic, text, toolResultText, toolUse } from '../fixtures/fakeAnthropic';
import { setApproval, useFakeApi } from './agent.test';
import { api, card, eventually, eventuallyAsync, uniqueMarker, workspaceFolder } from './helpers';

describe('approvals and file changes in the extension host', () => {
	let fake: FakeAnthropic;

	before(async () => {
		fake = await startFakeAnthropic();
		useFakeApi(fake);
		await vscode.commands.executeCommand('meanwhile.newChat');
	});

	after(async () => {
		await setApproval('ask', [], []);
		await fake.close();
	});

	it('asks before a model-issued command runs, shows it on the card, and runs it on Run', async () => {
		await setApproval('ask', [], []);
		const { chat } = await api();
		const marker = uniqueMarker();
		fake.enqueue(toolUse('bash', { command: `echo ${marker}-ran` }, { id: 'toolu_ask_run' }), text('Ran it.'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Run the echo');
		const pending = await eventuallyAsync(async () => {
			const view = await card('toolu_ask_run');
			return view?.state === 'awaitingApproval' && view.approval ? view : undefined;
		}, 'the card asks for approval');
		assert.equal(pending.approval?.command, `echo ${marker}-ran`);
		await chat.handle({ type: 'approval', toolUseId: 'toolu_ask_run', decision: 'run' });
		assert.equal(await reply, 'Ran it.');
		const result = lastToolResults(fake.requests.at(-1)!);
		assert.match(toolResultText(result[0]), new RegExp(`${marker}-ran`));
	});

	it('denies with the user\'s reason, which the model receives, and starts nothing', async () => {
		await setApproval('ask', [], []);
		const { chat, tasks } = await api();
		const marker = uniqueMarker();
		fake.enqueue(toolUse('background_run', { command: `echo ${marker}` }, { id: 'toolu_ask_deny' }), text('Understood.'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Start it');
		await eventuallyAsync(async () => ((await card('toolu_ask_deny'))?.state === 'awaitingApproval' ? true : undefined), 'the approval card');
		await chat.handle({ type: 'approval', toolUseId: 'toolu_ask_deny', decision: 'deny', reason: 'not on a Friday' });
		await reply;
		const result = lastToolResults(fake.requests.at(-1)!)[0];
		assert.equal(result.is_error, true);
		assert.match(toolResultText(result), /not on a Friday/);
		assert.equal(tasks.list().some((task) => task.command.includes(marker)), false);
		assert.equal((await card('toolu_ask_deny'))?.state, 'denied');
	});

	it('withdraws the approval request when the user stops the turn, and runs nothing', async () => {
		await setApproval('ask', [], []);
		const marker = uniqueMarker();
		fake.enqueue(toolUse('bash', { command: `touch ${marker}` }, { id: 'toolu_ask_stop' }));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'touch it');
		await eventuallyAsync(async () => ((await card('toolu_ask_stop'))?.approval ? true : undefined), 'the approval card');
		await vscode.commands.executeCommand('meanwhile.stopResponse');
		await reply;
		const view = await card('toolu_ask_stop');
		assert.notEqual(view?.state, 'awaitingApproval');
		assert.equal(view?.approval, undefined, 'the card no longer asks');
		assert.equal(fs.existsSync(path.join(workspaceFolder(), marker)), false);
	});

	it('in auto mode runs commands whose every part an allow rule matches, and asks for the rest', async () => {
		await setApproval('auto', ['echo'], []);
		const { chat } = await api();
		fake.enqueue(toolUse('bash', { command: 'echo allowed-by-rule' }, { id: 'toolu_auto_ok' }), text('ok'));
		assert.equal(await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'echo please'), 'ok');
		assert.match(toolResultText(lastToolResults(fake.requests.at(-1)!)[0]), /allowed-by-rule/);

		fake.enqueue(toolUse('bash', { command: 'echo fine && touch not-allowed-by-rule' }, { id: 'toolu_auto_ask' }), text('done'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'compound please');
		const view = await eventuallyAsync(async () => {
			const current = await card('toolu_auto_ask');
			return current?.state === 'awaitingApproval' ? current : undefined;
		}, 'the compound line asks');
		assert.ok(view.approval?.reasons.some((reason) => reason.includes('touch')), `the reasons name the part no rule allows: ${view.approval?.reasons.join(' | ')}`);
		await chat.handle({ type: 'approval', toolUseId: 'toolu_auto_ask', decision: 'deny' });
		await reply;
		assert.equal(fs.existsSync(path.join(workspaceFolder(), 'not-allowed-by-rule')), false);
	});

	it('in auto mode asks for a write by redirection of an allowed program, saying so in plain words on the card', async () => {
		await setApproval('auto', ['echo'], []);
		const { chat } = await api();
		const name = `written-${uniqueMarker()}.txt`;
		fake.enqueue(toolUse('bash', { command: `echo hi > ${name}` }, { id: 'toolu_auto_write' }), text('done'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'write please');
		const view = await eventuallyAsync(async () => {
			const current = await card('toolu_auto_write');
			return current?.state === 'awaitingApproval' ? current : undefined;
		}, 'the write asks');
		assert.ok(view.approval?.reasons.includes(`writes ${name} through a redirection`), `the card says what is written: ${view.approval?.reasons.join(' | ')}`);
		await chat.handle({ type: 'approval', toolUseId: 'toolu_auto_write', decision: 'deny' });
		await reply;
		assert.equal(fs.existsSync(path.join(workspaceFolder(), name)), false);
	});

	it('refuses a command a deny rule matches without asking, even when allow rules match', async () => {
		await setApproval('auto', ['/.*/'], ['rm']);
		fake.enqueue(toolUse('bash', { command: 'ls && rm -rf precious' }, { id: 'toolu_denied' }), text('ok'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'clean up');
		const result = lastToolResults(fake.requests.at(-1)!)[0];
		assert.equal(result.is_error, true);
		assert.match(toolResultText(result), /rm/);
	});

	it('shows the agent\'s file change on its card, opens the diff, and undoes it', async () => {
		await setApproval('auto', ['/.*/'], []);
		const { chat } = await api();
		const name = `undo-${uniqueMarker()}.txt`;
		const file = path.join(workspaceFolder(), name);
		fs.writeFileSync(file, 'one\ntwo\n');
		fake.enqueue(toolUse('edit_file', { path: name, old_text: 'two', new_text: 'TWO\nthree' }, { id: 'toolu_edit_undo' }), text('Edited.'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'edit it');
		assert.equal(fs.readFileSync(file, 'utf8'), 'one\nTWO\nthree\n');
		const view = await card('toolu_edit_undo');
		assert.deepEqual(view?.fileChange && { added: view.fileChange.added, removed: view.fileChange.removed, canUndo: view.fileChange.canUndo }, { added: 2, removed: 1, canUndo: true });
		await chat.handle({ type: 'openDiff', toolUseId: 'toolu_edit_undo' });
		await eventually(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff || undefined, 'the diff editor');
		await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
		await chat.handle({ type: 'undoFileChange', toolUseId: 'toolu_edit_undo' });
		assert.equal(fs.readFileSync(file, 'utf8'), 'one\ntwo\n');
		assert.equal((await card('toolu_edit_undo'))?.fileChange?.undone, true);
	});
});
