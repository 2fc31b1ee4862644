import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FakeAnthropic, gated, lastToolResults, startFakeAnthropic, text, toolResultText, toolUse, type RecordedRequest } from '../fixtures/fakeAnthropic';
import { setApproval, useFakeApi } from './agent.test';
import { api, card, eventually, eventuallyAsync } from './helpers';

/** The second test extension (test/fixtures/otherExtension), loaded beside Meanwhile by the harness. */
const OTHER_EXTENSION = 'meanwhile-test.other-extension';

interface OtherCall {
	readonly tool: string;
	readonly input: unknown;
	readonly cancelled?: boolean;
}

async function otherCalls(): Promise<OtherCall[]> {
	return (await vscode.commands.executeCommand<OtherCall[]>('otherExtension.calls')) ?? [];
}

async function chooseTools(entries: string[]): Promise<void> {
	await vscode.workspace.getConfiguration('meanwhile').update('tools.fromVSCode', entries, vscode.ConfigurationTarget.Global);
}

function offered(request: RecordedRequest | undefined): string[] {
	return (request?.body.tools ?? []).map((tool) => tool.name);
}

function lastResult(fake: FakeAnthropic): { text: string; isError: boolean } {
	const result = lastToolResults(fake.requests.at(-1)!)[0];
	return { text: toolResultText(result), isError: result.is_error === true };
}

describe('the agent calls tools of VS Code and other extensions (meanwhile.tools.fromVSCode)', () => {
	let fake: FakeAnthropic;

	before(async () => {
		await vscode.extensions.getExtension(OTHER_EXTENSION)?.activate();
		await api();
		fake = await startFakeAnthropic();
		useFakeApi(fake);
		await chooseTools(['/^otherext_/']);
		await vscode.commands.executeCommand('meanwhile.newChat');
	});

	after(async () => {
		await chooseTools([]);
		await setApproval('ask', [], []);
		await fake.close();
	});

	it('offers the chosen tools with their schemas, never Meanwhile\'s own, and only while chosen', async () => {
		await eventually(() => vscode.lm.tools.some((tool) => tool.name === 'otherext_lookup') || undefined, 'the other extension\'s tools registered');
		fake.enqueue(text('Seen.'));
		await vscode.commands.executeCommand('meanwhile.sendMessage', 'What tools do you have?');
		const names = offered(fake.requests.at(-1));
		for (const name of ['otherext_lookup', 'otherext_fail', 'otherext_block', 'bash']) {
			assert.ok(names.includes(name), `${name} is offered: ${names.join(', ')}`);
		}
		assert.equal(names.some((name) => name.includes('meanwhile_')), false);
		const lookup = fake.requests.at(-1)?.body.tools?.find((tool) => tool.name === 'otherext_lookup');
		assert.deepEqual((lookup?.input_schema as { required?: string[] }).required, ['query']);

		// Also a catch-all choice never offers Meanwhile's own tools back; and the choice applies to the next request.
		await chooseTools(['/.*/']);
		fake.enqueue(text('Seen.'));
		await vscode.commands.executeCommand('meanwhile.sendMessage', 'And now?');
		assert.equal(offered(fake.requests.at(-1)).some((name) => name.includes('meanwhile_')), false);
		await chooseTools([]);
		fake.enqueue(text('Seen.'));
		await vscode.commands.executeCommand('meanwhile.sendMessage', 'And now?');
		assert.equal(offered(fake.requests.at(-1)).some((name) => name.startsWith('otherext_')), false);
		await chooseTools(['/^otherext_/']);
	});

	it('asks on the call\'s card, runs the tool on Run, and sends its result (text, JSON; an image named)', async () => {
		await setApproval('ask', [], []);
		const { chat } = await api();
		const before = (await otherCalls()).length;
		fake.enqueue(toolUse('otherext_lookup', { query: 'marmot' }, { id: 'toolu_other_run' }), text('Looked it up.'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Look up marmot');
		const pending = await eventuallyAsync(async () => {
			const view = await card('toolu_other_run');
			return view?.state === 'awaitingApproval' && view.approval ? view : undefined;
		}, 'the card asks');
		assert.equal(pending.name, 'otherext_lookup');
		assert.equal(pending.approval?.tool, 'otherext_lookup');
		assert.match(pending.approval?.command ?? '', /otherext_lookup .*marmot/);
		assert.equal(pending.approval?.allowRule, 'tool:otherext_lookup');
		assert.equal((await otherCalls()).length, before, 'nothing ran before the answer');
		await chat.handle({ type: 'approval', toolUseId: 'toolu_other_run', decision: 'run' });
		assert.equal(await reply, 'Looked it up.');
		const result = lastResult(fake);
		assert.equal(result.isError, false);
		assert.match(result.text, /lookup result for marmot/);
		assert.match(result.text, /"hits":\s*2/);
		assert.match(result.text, /An image \(image\/png, 8 bytes\)/);
		assert.deepEqual((await otherCalls()).at(-1), { tool: 'otherext_lookup', input: { query: 'marmot' } });
		assert.equal((await card('toolu_other_run'))?.state, 'done');
	});

	it('a denied call reaches the model as an error with the user\'s reason, and the tool does not run', async () => {
		await setApproval('ask', [], []);
		const { chat } = await api();
		const before = (await otherCalls()).length;
		fake.enqueue(toolUse('otherext_lookup', { query: 'secret' }, { id: 'toolu_other_deny' }), text('Understood.'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Look up secret');
		await eventuallyAsync(async () => ((await card('toolu_other_deny'))?.state === 'awaitingApproval' ? true : undefined), 'the card asks');
		await chat.handle({ type: 'approval', toolUseId: 'toolu_other_deny', decision: 'deny', reason: 'not that word' });
		await reply;
		const result = lastResult(fake);
		assert.equal(result.isError, true);
		assert.match(result.text, /not that word/);
		assert.equal((await otherCalls()).length, before);
		assert.equal((await card('toolu_other_deny'))?.state, 'denied');
	});

	it('runs unasked under a tool: allow rule in auto mode; a deny rule refuses without asking', async () => {
		await setApproval('auto', ['tool:otherext_lookup'], []);
		fake.enqueue(toolUse('otherext_lookup', { query: 'ruled' }), text('ok'));
		assert.equal(await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Look up ruled'), 'ok');
		assert.match(lastResult(fake).text, /lookup result for ruled/);

		await setApproval('auto', ['tool:otherext_lookup'], ['tool:/^otherext_/']);
		const before = (await otherCalls()).length;
		fake.enqueue(toolUse('otherext_lookup', { query: 'refused' }), text('ok'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Look up refused');
		const result = lastResult(fake);
		assert.equal(result.isError, true);
		assert.match(result.text, /tool:\/\^otherext_\/.*approval\.deny/);
		assert.equal((await otherCalls()).length, before);
	});

	it('a tool that throws gives an is_error result and the loop goes on', async () => {
		await setApproval('auto', ['tool:/^otherext_/'], []);
		fake.enqueue(toolUse('otherext_fail', {}), text('It failed, moving on.'));
		assert.equal(await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Try the failing tool'), 'It failed, moving on.');
		const result = lastResult(fake);
		assert.equal(result.isError, true);
		assert.match(result.text, /The tool otherext_fail failed: .*failed on purpose/);
	});

	it('Stop cancels the call\'s cancellation token', async () => {
		await setApproval('auto', ['tool:/^otherext_/'], []);
		fake.enqueue(toolUse('otherext_block', {}, { id: 'toolu_other_block' }));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Run the blocking tool');
		await eventuallyAsync(async () => ((await otherCalls()).some((call) => call.tool === 'otherext_block') ? true : undefined), 'the tool runs');
		await vscode.commands.executeCommand('meanwhile.stopResponse');
		await reply;
		await eventuallyAsync(async () => ((await otherCalls()).some((call) => call.tool === 'otherext_block' && call.cancelled === true) ? true : undefined), 'the tool sees its token cancelled');
		const view = await card('toolu_other_block');
		assert.equal(view?.state, 'error');
		assert.match(view?.result ?? '', /Stopped by the user/);
	});

	it('a chosen tool the user no longer chooses is not called: an error result says so', async () => {
		await setApproval('auto', ['tool:/^otherext_/'], []);
		const before = (await otherCalls()).length;
		fake.enqueue(gated(toolUse('otherext_lookup', { query: 'gone' }, { text: 'Looking it up.' }), 1), text('ok'));
		const reply = vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Look up gone');
		// The choice changes while the reply streams: the call was offered, but is no longer chosen when it runs.
		await fake.waitForGate();
		assert.ok(offered(fake.requests.at(-1)).includes('otherext_lookup'));
		await chooseTools([]);
		fake.release();
		await reply;
		await chooseTools(['/^otherext_/']);
		const result = lastResult(fake);
		assert.equal(result.isError, true);
		assert.match(result.text, /no longer chosen in the user's setting meanwhile\.tools\.fromVSCode/);
		assert.equal((await otherCalls()).length, before);
	});
});

/** npm test's second extension-host pass (workspace trust on, the folder untrusted); skipped in the trusted pass. */
describe('the agent calls no tool of the editor in an untrusted workspace', function () {
	let fake: FakeAnthropic | undefined;

	before(async function () {
		if (vscode.workspace.isTrusted) {
			this.skip();
		}
		await vscode.extensions.getExtension(OTHER_EXTENSION)?.activate();
		fake = await startFakeAnthropic();
		useFakeApi(fake);
		await chooseTools(['/^otherext_/']);
		await setApproval('auto', ['tool:/^otherext_/'], []);
	});

	after(async () => {
		await chooseTools([]);
		await fake?.close();
	});

	it('answers a call with an error saying why, even when a rule allows it, and the tool does not run', async () => {
		assert.ok(fake);
		const before = (await otherCalls()).length;
		fake.enqueue(toolUse('otherext_lookup', { query: 'untrusted' }), text('ok'));
		await vscode.commands.executeCommand<string>('meanwhile.sendMessage', 'Look up untrusted');
		const result = lastResult(fake);
		assert.equal(result.isError, true);
		assert.match(result.text, /not trusted/);
		assert.equal((await otherCalls()).length, before);
	});
});
