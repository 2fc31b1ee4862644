import * as assert from 'node:assert/strict';
import { FakeAnthropic, gated, lastUserText, reply, text, textBlock, toolUseBlock } from '../fixtures/fakeAnthropic';
import { screenshotOnFailure, sharedWorkbench, Workbench } from './workbench';

describe('workbench: nothing is lost when the window reloads', function () {
	this.timeout(240_000);
	let workbench: Workbench | undefined;
	let fake: FakeAnthropic;

	before(async () => {
		({ workbench, fake } = await sharedWorkbench());
		await workbench.openContainer();
	});

	afterEach(async function () {
		await screenshotOnFailure(this, workbench);
	});

	it('keeps the conversation and shows a task that ran during the reload as cancelled, with the reason', async () => {
		const page = workbench!.page;
		fake.enqueue(text('First answer, saved with the turn.'));
		const chat = workbench!.chat();
		const message = chat.getByRole('textbox', { name: 'Message' });
		await message.fill('first question before the reload');
		await message.press('Enter');
		await chat.getByText('First answer, saved with the turn.').waitFor({ timeout: 30_000 });

		await workbench!.runCommand('Meanwhile: Run in Background…');
		const input = page.locator('.quick-input-widget input.input');
		await input.fill('sleep 300; echo survives-reload-check');
		await input.press('Enter');
		const row = page.locator('.pane-body .monaco-list-row', { hasText: 'survives-reload-check' }).first();
		await row.locator('.label-description', { hasText: /^running/ }).waitFor({ timeout: 30_000 });

		await workbench!.reload();
		await workbench!.openContainer();
		const restored = workbench!.chat();
		await restored.getByText('first question before the reload').waitFor({ timeout: 30_000 });
		await restored.getByText('First answer, saved with the turn.').waitFor({ timeout: 30_000 });
		const rowAfter = page.locator('.pane-body .monaco-list-row', { hasText: 'survives-reload-check' }).first();
		await rowAfter.locator('.label-description', { hasText: /^cancelled/ }).waitFor({ timeout: 30_000 });
		// The reason is in the row's tooltip.
		await workbench!.hoverShows(rowAfter, /stopped (with|when) the window/);
	});

	it('keeps the question when the window reloads while a reply streams, and the chat works afterwards', async () => {
		const chat = workbench!.chat();
		fake.enqueue(gated(text('A long answer that the reload will interrupt in the middle of its stream.'), 3));
		const message = chat.getByRole('textbox', { name: 'Message' });
		await message.fill('question interrupted by a reload');
		await message.press('Enter');
		await fake.waitForGate(30_000);
		await chat.getByText('A long answer', { exact: false }).waitFor({ timeout: 30_000 });

		await workbench!.reload();
		fake.release();
		await workbench!.openContainer();
		const restored = workbench!.chat();
		await restored.getByText('question interrupted by a reload').waitFor({ timeout: 30_000 });
		fake.enqueue(text('Answer after the reload.'));
		const again = restored.getByRole('textbox', { name: 'Message' });
		await again.fill('are you still there?');
		await again.press('Enter');
		await restored.getByText('Answer after the reload.').waitFor({ timeout: 30_000 });
		const last = fake.requests.at(-1);
		assert.ok(last);
		const roles = last.body.messages.map((entry) => entry.role);
		for (let index = 1; index < roles.length; index++) {
			assert.notEqual(roles[index], roles[index - 1], 'roles alternate in the request after the reload');
		}
		assert.equal(roles.at(-1), 'user');
		assert.match(JSON.stringify(last.body.messages), /question interrupted by a reload/);
	});

	it('keeps a task marked Leave Running on Exit running across the reload, re-adopted, and cancels it after', async () => {
		const page = workbench!.page;
		await workbench!.runCommand('Meanwhile: Run in Background…');
		const input = page.locator('.quick-input-widget input.input');
		await input.fill('while true; do echo kept-alive-tick; sleep 0.5; done');
		await input.press('Enter');
		const row = page.locator('.pane-body .monaco-list-row', { hasText: 'kept-alive-tick' }).first();
		await row.locator('.label-description', { hasText: /^running/ }).waitFor({ timeout: 30_000 });
		await workbench!.runCommand('Meanwhile: Leave Running on Exit');
		const picker = page.locator('.quick-input-widget input.input');
		await page.locator('.quick-input-list .monaco-list-row', { hasText: 'kept-alive-tick' }).first().waitFor({ timeout: 30_000 });
		await picker.fill('kept-alive-tick');
		await picker.press('Enter');
		await row.locator('.label-description', { hasText: /kept on exit/ }).waitFor({ timeout: 30_000 });

		await workbench!.reload();
		await workbench!.openContainer();
		const rowAfter = page.locator('.pane-body .monaco-list-row', { hasText: 'kept-alive-tick' }).first();
		// Still running after the reload, and still marked: the new window re-adopted it.
		await rowAfter.locator('.label-description', { hasText: /^running .*kept on exit/ }).waitFor({ timeout: 30_000 });
		await rowAfter.hover();
		await rowAfter.getByRole('button', { name: 'Cancel Task' }).click();
		await rowAfter.locator('.label-description', { hasText: /^cancelled/ }).waitFor({ timeout: 30_000 });
	});

	it('tells the agent once, in a turn of its own after the reload, that its task was stopped with the window', async () => {
		const page = workbench!.page;
		const chat = workbench!.chat();
		fake.enqueue(
			reply([textBlock('Starting the agent task.'), toolUseBlock('background_run', { command: 'sleep 300; echo agent-task-across-reload' })]),
			text('Started it; it runs in the background.'),
		);
		const message = chat.getByRole('textbox', { name: 'Message' });
		await message.fill('start a long agent task');
		await message.press('Enter');
		const card = chat.getByLabel('Tool: background_run').last();
		await card.getByRole('button', { name: 'Run', exact: true }).click({ timeout: 30_000 });
		await chat.getByText('Started it; it runs in the background.').waitFor({ timeout: 30_000 });
		const row = page.locator('.pane-body .monaco-list-row', { hasText: 'agent-task-across-reload' }).first();
		await row.locator('.label-description', { hasText: /^running/ }).waitFor({ timeout: 30_000 });

		fake.enqueue(text('The reload stopped my task; starting it again is up to you.'));
		await workbench!.reload();
		await workbench!.openContainer();
		await workbench!.chat().getByText('The reload stopped my task', { exact: false }).waitFor({ timeout: 60_000 });
		const told = fake.requests.filter((request) => lastUserText(request).includes('<task-notice') && lastUserText(request).includes('agent-task-across-reload'));
		assert.equal(told.length, 1, 'told exactly once');
		assert.match(lastUserText(told[0]), /status="cancelled"/);
		assert.match(lastUserText(told[0]), /reason: .*window/);
	});

	it('tells a notice once after the extension host is killed mid-turn and the window reloads', async () => {
		const chat = workbench!.chat();
		fake.enqueue(
			reply([textBlock('Starting a short task.'), toolUseBlock('background_run', { command: 'sleep 1; echo notice-across-a-crash' })]),
			text('Started the short task.'),
			// The turn of its own that the task's end starts: its reply hangs until the host is gone.
			gated(text('Reading the notice when the host dies, in the middle of this reply.'), 1),
		);
		const message = chat.getByRole('textbox', { name: 'Message' });
		await message.fill('start a short task before the crash');
		await message.press('Enter');
		await chat.getByLabel('Tool: background_run').last().getByRole('button', { name: 'Run', exact: true }).click({ timeout: 30_000 });
		await fake.waitForGate(60_000);
		const isTold = (request: (typeof fake.requests)[number]) => lastUserText(request).includes('<task-notice') && lastUserText(request).includes('notice-across-a-crash');
		assert.equal(fake.requests.filter(isTold).length, 1, 'the request in flight carries the notice');

		assert.ok(workbench!.killExtensionHost() > 0, 'an extension host was killed');
		fake.release();
		await workbench!.reload();
		await workbench!.openContainer();
		const restored = workbench!.chat();
		await restored.getByText('start a short task before the crash').waitFor({ timeout: 60_000 });
		fake.enqueue(text('Still here after the crash.'));
		const again = restored.getByRole('textbox', { name: 'Message' });
		await again.fill('are you there after the crash?');
		await again.press('Enter');
		await restored.getByText('Still here after the crash.').waitFor({ timeout: 60_000 });
		const last = JSON.stringify(fake.requests.at(-1)?.body.messages);
		assert.equal(last.split('last lines of output:\\nnotice-across-a-crash').length - 1, 1, 'the model has the notice once: saved before the crash, not told again after it');
	});
});
