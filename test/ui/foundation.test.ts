import * as assert from 'node:assert/strict';
import { screenshotOnFailure, Workbench } from './workbench';

describe('workbench: the Meanwhile container', function () {
	this.timeout(120_000);
	let workbench: Workbench | undefined;

	before(async () => {
		workbench = await Workbench.open();
	});

	afterEach(async function () {
		await screenshotOnFailure(this, workbench);
	});

	after(async () => {
		await workbench?.close();
	});

	it('opens from the activity bar with the Chat and Background Tasks views', async () => {
		assert.ok(workbench);
		await workbench.openContainer();
		await workbench.page.locator('.pane-header', { hasText: 'Background Tasks' }).first().waitFor();
	});

	it('renders the chat webview, which answers the handshake with the state from the host', async () => {
		assert.ok(workbench);
		const chat = workbench.chat();
		await chat.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 30_000 });
		// The key hint comes from the host's state (hasApiKey false): it is only there after the handshake.
		await chat.getByRole('button', { name: 'Set API Key' }).first().waitFor({ timeout: 30_000 });
		await chat.getByRole('log').waitFor({ state: 'attached' });
	});

	it('shows the welcome message of the Background Tasks view', async () => {
		assert.ok(workbench);
		const welcome = workbench.page.locator('.welcome-view-content', { hasText: 'Commands that Meanwhile or you start in the background appear here' });
		await welcome.first().waitFor({ timeout: 30_000 });
	});
});
