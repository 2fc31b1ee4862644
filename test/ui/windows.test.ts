import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshotOnFailure, sharedWorkbench, Workbench } from './workbench';

/** The task id of a Background Tasks row (its accessible name starts with it). */
async function rowTaskId(page: Page, text: string): Promise<string> {
	const label = await page.locator('.pane-body .monaco-list-row', { hasText: text }).first().getAttribute('aria-label');
	const id = /^(bg-\d+) /.exec(label ?? '')?.[1];
	assert.ok(id, `a task id in the row's name: ${label}`);
	return id;
}

async function runInBackground(workbench: Workbench, command: string): Promise<void> {
	await workbench.runCommand('Meanwhile: Run in Background…');
	const input = workbench.page.locator('.quick-input-widget input.input');
	await input.fill(command);
	await input.press('Enter');
}

describe('workbench: two windows on one folder', function () {
	this.timeout(240_000);
	let workbench: Workbench | undefined;
	let second: Workbench | undefined;

	before(async () => {
		({ workbench } = await sharedWorkbench());
		await workbench.openContainer();
	});

	afterEach(async function () {
		await screenshotOnFailure(this, workbench);
		await screenshotOnFailure(this, second);
	});

	it('runs each window its own tasks, with ids that one store allocates once across both', async () => {
		const first = workbench!;
		second = await first.openSecondTab();
		try {
			await second.openContainer();
			await runInBackground(first, 'sleep 1; echo from-window-one');
			await runInBackground(second, 'sleep 1; echo from-window-two');
			for (const [window, text] of [[first, 'from-window-one'], [second, 'from-window-two']] as const) {
				const row = window.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
				await row.locator('.label-description', { hasText: /^succeeded/ }).waitFor({ timeout: 30_000 });
			}
			const one = await rowTaskId(first.page, 'from-window-one');
			const two = await rowTaskId(second.page, 'from-window-two');
			assert.notEqual(one, two, 'one store allocates each id once');
			// Each window lists the tasks it can act on: its own.
			assert.equal(await first.page.locator('.pane-body .monaco-list-row', { hasText: 'from-window-two' }).count(), 0);
			// A second task in each: ids keep counting up across both windows, never twice.
			await runInBackground(second, 'echo again-from-window-two');
			await runInBackground(first, 'echo again-from-window-one');
			const later = [await rowTaskId(second.page, 'again-from-window-two'), await rowTaskId(first.page, 'again-from-window-one')];
			assert.equal(new Set([one, two, ...later]).size, 4, `four ids: ${[one, two, ...later].join(', ')}`);
		} finally {
			// A closed tab's extension host lingers in code-server (it waits for the tab to reconnect), so its
			// tasks stay its own; the hand-over of a window that really ends is tested on the engine.
			await second.close();
			second = undefined;
		}
	});
});
