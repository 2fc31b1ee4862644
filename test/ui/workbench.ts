import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { launchBrowser, startCodeServer, workbenchUrl } from '../../scripts/codeServer';
import { ensureVSCodeDeps, projectRoot } from '../../scripts/deps';
import { killMarkedProcesses } from '../../scripts/processes';
import { FakeAnthropic, startFakeAnthropic } from '../fixtures/fakeAnthropic';

export interface WorkbenchOptions {
	/** Files to create in the workspace before it opens. */
	readonly files?: Record<string, string>;
	readonly userSettings?: Record<string, unknown>;
	/** Reaches the extension host (e.g. ANTHROPIC_BASE_URL of a fake server). */
	readonly env?: Record<string, string>;
	/** Install this packaged .vsix and run it, instead of loading the extension from this checkout. */
	readonly vsix?: string;
}

/** A real VS Code (code-server) with Meanwhile loaded from this checkout, driven through headless Chromium. */
export class Workbench {
	private constructor(
		readonly page: Page,
		readonly workspace: string,
		readonly runDir: string,
		private readonly _browser: BrowserContext,
		private readonly _stopServer: () => Promise<void>,
		private readonly _marker: string,
		/** Opened by {@link openSecondTab}: closing it closes the tab, not the browser and the server. */
		private readonly _isTab = false,
	) {}

	static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
		const install = ensureVSCodeDeps();
		const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-ui-'));
		const workspace = path.join(runDir, 'workspace');
		fs.mkdirSync(workspace, { recursive: true });
		for (const [name, content] of Object.entries(options.files ?? {})) {
			fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
			fs.writeFileSync(path.join(workspace, name), content);
		}
		const marker = `meanwhile-ui-${process.pid}-${Date.now()}`;
		const server = await startCodeServer({
			install,
			runDir,
			workspace,
			// The DOM renderer draws terminal text as elements the tests can read (the GPU one draws on a canvas).
			userSettings: { 'terminal.integrated.gpuAcceleration': 'off', ...(options.userSettings ?? {}) },
			env: { MEANWHILE_TEST_MARKER: marker, ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '', ...(options.env ?? {}) },
			installExtensions: options.vsix ? [options.vsix] : [],
		});
		let browser: BrowserContext | undefined;
		try {
			browser = await launchBrowser({ chromium: install.chromium, profileDir: path.join(runDir, 'browser') });
			const page = browser.pages()[0] ?? (await browser.newPage());
			await page.goto(workbenchUrl(server.url, { folder: workspace, extensionDevelopmentPath: options.vsix ? undefined : projectRoot }));
			await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
			return new Workbench(page, workspace, runDir, browser, server.stop, marker);
		} catch (error) {
			await browser?.close().catch(() => undefined);
			await server.stop();
			throw error;
		}
	}

	/** Reloads the window: a new extension host, the old one deactivated (as when VS Code restarts). */
	async reload(): Promise<void> {
		await this.page.reload();
		await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
	}

	/** Opens the Meanwhile container from the activity bar (nothing to do when it is open). */
	async openContainer(): Promise<void> {
		const chatHeader = this.page.locator('.pane-header[aria-label^="Chat"], .pane-header:has-text("Chat")').first();
		if (await chatHeader.isVisible()) {
			return;
		}
		// Not a click on the activity-bar entry: its badge ("Meanwhile - 1 running") lies over it and takes
		// the click. The view's own focus command opens the container whatever the activity bar shows.
		await this.page.locator('.activitybar [role="tab"][aria-label^="Meanwhile"], .activitybar a[aria-label^="Meanwhile"]').first().waitFor({ timeout: 30_000 });
		// Right after a (re)load the workbench may still restore its layout and swallow the command: try again.
		// The palette may not list the view's command yet either (the extension still activating): close it and try again.
		for (let attempt = 0; ; attempt++) {
			try {
				if (!(await chatHeader.isVisible())) {
					await this.runCommand('Meanwhile: Focus on Chat View', 10_000);
				}
				await chatHeader.waitFor({ timeout: 7_500 });
				return;
			} catch (error) {
				if (await chatHeader.isVisible()) {
					await this.page.keyboard.press('Escape');
					return;
				}
				await this.page.keyboard.press('Escape');
				if (attempt >= 5) {
					throw error;
				}
			}
		}
	}

	/** The chat webview's document. */
	chat(): FrameLocator {
		return this.page.frameLocator('.webview.ready').frameLocator('#active-frame');
	}

	/** Runs a command from the palette by its title. */
	async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
		const input = this.page.locator('.quick-input-widget input.input');
		// A key press goes where the focus is: inside the chat webview it never reaches the workbench.
		// Focus the editor area first, and try again if the palette did not open.
		for (let attempt = 0; ; attempt++) {
			await this.page.locator('.part.editor').first().click({ position: { x: 20, y: 20 } });
			await this.page.keyboard.press('F1');
			try {
				await input.waitFor({ timeout: 5_000 });
				break;
			} catch (error) {
				if (attempt >= 3) {
					throw error;
				}
			}
		}
		await input.fill(`>${title}`);
		const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
		await row.waitFor({ timeout: timeoutMs });
		await input.press('Enter');
	}

	/**
	 * Waits for the hover of `target` to show `text`. A hover shows only after the mouse rests, and a
	 * row drawn again meanwhile (the tree refreshes) loses it: the mouse leaves and comes back until it shows.
	 */
	async hoverShows(target: Locator, text: RegExp, timeoutMs = 30_000): Promise<void> {
		const hover = this.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: text }).first();
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await target.hover();
			try {
				await hover.waitFor({ timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
				return;
			} catch (error) {
				if (Date.now() >= deadline) {
					throw error;
				}
			}
			await this.page.mouse.move(0, 0);
		}
	}

	async screenshot(name: string): Promise<string> {
		const dir = process.env.MEANWHILE_ARTIFACTS_DIR ?? path.join(projectRoot, 'test-results');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
		await this.page.screenshot({ path: file }).catch(() => undefined);
		return file;
	}

	/** Kills this VS Code's extension host(s) with SIGKILL, as a crash would; returns how many. */
	killExtensionHost(): number {
		return killMarkedProcesses('MEANWHILE_TEST_MARKER', this._marker, '--type=extensionHost');
	}

	/**
	 * A second browser tab on the same folder: in code-server, a second window with an extension host of its
	 * own, sharing this one's workspace storage. Its close() closes the tab only.
	 */
	async openSecondTab(): Promise<Workbench> {
		const page = await this._browser.newPage();
		await page.goto(this.page.url());
		await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
		return new Workbench(page, this.workspace, this.runDir, this._browser, () => page.close(), this._marker, true);
	}

	async close(): Promise<void> {
		if (this._isTab) {
			await this._stopServer().catch(() => undefined);
			return;
		}
		await this._browser.close().catch(() => undefined);
		await this._stopServer();
		killMarkedProcesses('MEANWHILE_TEST_MARKER', this._marker);
		fs.rmSync(this.runDir, { recursive: true, force: true });
	}
}

let shared: Promise<{ workbench: Workbench; fake: FakeAnthropic }> | undefined;

/**
 * One VS Code for the UI files that need a key and the fake Messages API (starting one takes ~10 s);
 * closed by the ui layer's root hook. Files using it must not depend on a fresh workspace.
 */
export function sharedWorkbench(): Promise<{ workbench: Workbench; fake: FakeAnthropic }> {
	shared ??= (async () => {
		const fake = await startFakeAnthropic();
		const workbench = await Workbench.open({ env: { ANTHROPIC_API_KEY: 'sk-ant-ui-shared-key', ANTHROPIC_BASE_URL: fake.url } });
		await workbench.openContainer();
		return { workbench, fake };
	})();
	return shared;
}

export async function closeSharedWorkbench(): Promise<void> {
	const current = shared;
	shared = undefined;
	if (current) {
		const { workbench, fake } = await current;
		await workbench.close();
		await fake.close();
	}
}

/** Mocha hook body: screenshot the workbench when the test that just ran failed. */
export async function screenshotOnFailure(context: Mocha.Context, workbench: Workbench | undefined): Promise<void> {
	const test = context.currentTest;
	if (workbench && test && test.state === 'failed') {
		const file = await workbench.screenshot(`ui-${test.fullTitle()}`);
		console.log(`    screenshot: ${file}`);
	}
}
