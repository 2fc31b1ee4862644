import * as fs from 'node:fs';
import * as path from 'node:path';
import { screenshotOnFailure, sharedWorkbench, Workbench } from './workbench';

describe('workbench: Background Tasks', function () {
	this.timeout(120_000);
	let workbench: Workbench | undefined;

	before(async () => {
		({ workbench } = await sharedWorkbench());
		await workbench.openContainer();
	});

	afterEach(async function () {
		await screenshotOnFailure(this, workbench);
	});

	function row(text: string) {
		return workbench!.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
	}

	it('runs a command typed into Run in Background…, shows it running, then succeeded once released', async () => {
		const page = workbench!.page;
		await workbench!.runCommand('Meanwhile: Run in Background…');
		const input = page.locator('.quick-input-widget input.input');
		await input.fill('until [ -f release-ui ]; do sleep 0.1; done; echo released-ui');
		await input.press('Enter');
		const taskRow = row('release-ui');
		await taskRow.locator('.label-description', { hasText: /^running/ }).waitFor({ timeout: 30_000 });
		fs.writeFileSync(path.join(workbench!.workspace, 'release-ui'), '');
		await taskRow.locator('.label-description', { hasText: /^succeeded/ }).waitFor({ timeout: 30_000 });
	});

	it('cancels a running task from its inline action', async () => {
		const page = workbench!.page;
		await workbench!.runCommand('Meanwhile: Run in Background…');
		const input = page.locator('.quick-input-widget input.input');
		await input.fill('sleep 120; echo cancel-me-ui');
		await input.press('Enter');
		const taskRow = row('cancel-me-ui');
		await taskRow.locator('.label-description', { hasText: /^running/ }).waitFor({ timeout: 30_000 });
		await taskRow.hover();
		await taskRow.getByRole('button', { name: 'Cancel Task' }).click();
		await taskRow.locator('.label-description', { hasText: /^cancelled/ }).waitFor({ timeout: 30_000 });
	});

	it('opens the live output of a task in a terminal', async () => {
		const page = workbench!.page;
		await row('released-ui').click();
		await page.locator('.terminal-wrapper, .xterm').first().waitFor({ timeout: 30_000 });
		await page.locator('.xterm-rows', { hasText: 'released-ui' }).first().waitFor({ timeout: 30_000 });
	});
});
