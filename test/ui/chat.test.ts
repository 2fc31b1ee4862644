import * as assert from 'node:assert/strict';
import { FakeAnthropic, gated, lastUserText, reply, text, textBlock, toolUseBlock } from '../fixtures/fakeAnthropic';
import { screenshotOnFailure, sharedWorkbench, Workbench } from './workbench';

describe('workbench: the chat drives the agent', function () {
	this.timeout(180_000);
	let workbench: Workbench | undefined;
	let fake: FakeAnthropic;

	before(async () => {
		({ workbench, fake } = await sharedWorkbench());
		await workbench.openContainer();
	});

	afterEach(async function () {
		await screenshotOnFailure(this, workbench);
	});

	it('streams the reply: the partial text shows before the rest of the reply arrives', async () => {
		const chat = workbench!.chat();
		fake.enqueue(
			gated(
				reply([
					textBlock('Starting the slow build in the background now, and meanwhile I keep working.'),
					toolUseBlock('background_run', { command: 'sleep 1; echo build-finished-ui' }),
				]),
				3,
			),
			text('The build runs as a background task.'),
		);
		fake.setDefaultReply(text('The build has finished.'));
		const message = chat.getByRole('textbox', { name: 'Message' });
		await message.fill('Please run the build in the background');
		await message.press('Enter');
		await chat.getByRole('article', { name: 'You' }).filter({ hasText: 'Please run the build' }).waitFor();
		await fake.waitForGate(30_000);
		const replyArticle = chat.getByRole('article', { name: 'Meanwhile' }).first();
		await replyArticle.getByText('Starting the slow', { exact: false }).waitFor({ timeout: 30_000 });
		const partial = await replyArticle.innerText();
		assert.ok(!partial.includes('meanwhile I keep working'), `only part of the reply is shown while the server pauses: ${partial}`);
		await chat.getByRole('button', { name: 'Stop' }).waitFor();
		fake.release();
		await replyArticle.getByText('meanwhile I keep working', { exact: false }).waitFor({ timeout: 30_000 });
	});

	it('asks before the command runs: the card shows it with Run, Always Allow and Deny', async () => {
		const chat = workbench!.chat();
		const card = chat.getByLabel('Tool: background_run').first();
		await card.waitFor({ timeout: 30_000 });
		await card.getByText('sleep 1; echo build-finished-ui').first().waitFor({ timeout: 30_000 });
		await card.getByRole('button', { name: 'Always Allow' }).waitFor();
		await card.getByRole('button', { name: 'Deny', exact: true }).waitFor();
		await card.getByRole('button', { name: 'Run', exact: true }).click();
	});

	it('shows the tool call as a card and the task as a row of the Background Tasks view', async () => {
		const chat = workbench!.chat();
		await chat.getByLabel('Tool: background_run').first().waitFor({ timeout: 30_000 });
		await workbench!.page.locator('.pane-body .monaco-list-row', { hasText: 'build-finished-ui' }).first().waitFor({ timeout: 30_000 });
	});

	it('delivers the finished task to the model on its next request, and shows the notice in the chat', async () => {
		const deadline = Date.now() + 60_000;
		let withNotice: (typeof fake.requests)[number] | undefined;
		while (!withNotice && Date.now() < deadline) {
			withNotice = fake.requests.find((request) => lastUserText(request).includes('<task-notice'));
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		assert.ok(withNotice, 'a request carried the task notice');
		assert.match(lastUserText(withNotice), /status="succeeded"/);
		assert.match(lastUserText(withNotice), /build-finished-ui/);
		const chat = workbench!.chat();
		await chat.getByText(/bg-\d+.*succeeded/).first().waitFor({ timeout: 30_000 });
		await chat.getByText('The build has finished.').waitFor({ timeout: 30_000 });
		assert.deepEqual(fake.replyErrors, []);
	});
});
