import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { projectRoot } from '../../scripts/deps';
import { screenshotOnFailure, Workbench } from '../ui/workbench';

/** The .vsix `npm run package` writes. */
const vsixPath = path.join(projectRoot, 'meanwhile.vsix');

/** The entries of a zip file (a .vsix is one), by name. */
function zipEntries(file: string): Promise<Map<string, number>> {
	return new Promise((resolve, reject) => {
		yauzl.open(file, { lazyEntries: true }, (error, zip) => {
			if (error || !zip) {
				reject(error ?? new Error(`could not open ${file}`));
				return;
			}
			const entries = new Map<string, number>();
			zip.on('entry', (entry: yauzl.Entry) => {
				entries.set(entry.fileName, entry.uncompressedSize);
				zip.readEntry();
			});
			zip.on('end', () => resolve(entries));
			zip.on('error', reject);
			zip.readEntry();
		});
	});
}

/** npm's own variables of an outer `npm test` would be read by the inner npm as its configuration. */
function cleanEnvironment(): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

describe('package: npm run package makes a .vsix that installs and runs', function () {
	this.timeout(300_000);
	let entries: Map<string, number>;
	let workbench: Workbench | undefined;

	before(async () => {
		fs.rmSync(vsixPath, { force: true });
		const result = spawnSync('npm', ['run', 'package'], { cwd: projectRoot, encoding: 'utf8', env: cleanEnvironment(), maxBuffer: 64 * 1024 * 1024 });
		assert.equal(result.status, 0, `npm run package failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
		assert.ok(fs.existsSync(vsixPath), 'npm run package wrote no meanwhile.vsix');
		entries = await zipEntries(vsixPath);
	});

	afterEach(async function () {
		await screenshotOnFailure(this, workbench);
	});

	after(async () => {
		await workbench?.close();
	});

	it('holds what runs: the bundles, the parsers, the supervisor, media and the documents', () => {
		const expected = [
			'extension/package.json',
			'extension/readme.md',
			'extension/changelog.md',
			'extension/LICENSE.txt',
			'extension/BENCHMARKS.md',
			'extension/dist/extension.js',
			// Loaded right after activation (src/extension.ts).
			'extension/dist/core.js',
			'extension/dist/webview.js',
			'extension/dist/webview.css',
			'extension/dist/supervisor.js',
			// Loaded on first use (scripts/extensionBundle.js).
			'extension/dist/anthropic-sdk.js',
			'extension/dist/web-tree-sitter.js',
			'extension/dist/sh-syntax.js',
			'extension/dist/re2js.js',
			'extension/dist/mcp-sdk.js',
			'extension/dist/web-tree-sitter.wasm',
			'extension/dist/tree-sitter-bash.wasm',
			'extension/dist/sh-syntax.wasm',
			'extension/dist/codicons/codicon.css',
			'extension/dist/codicons/codicon.ttf',
			'extension/media/icon.png',
			'extension/media/activity.svg',
			'extension.vsixmanifest',
			'[Content_Types].xml',
		];
		const names = [...entries.keys()];
		for (const name of expected) {
			assert.ok(entries.has(name), `${name} is missing from the .vsix; it holds:\n${names.join('\n')}`);
			assert.ok((entries.get(name) ?? 0) > 0 || name.endsWith('.xml'), `${name} is empty`);
		}
	});

	it('leaves out sources, tests, source maps and dependencies', () => {
		const stray = [...entries.keys()].filter((name) => /^extension\/(src|test|out|scripts|node_modules)\//.test(name) || name.endsWith('.map') || name.endsWith('.ts'));
		assert.deepEqual(stray, []);
		const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { name: string; publisher: string; main: string };
		assert.equal(`${manifest.publisher}.${manifest.name}`, 'meanwhile.meanwhile');
		assert.ok(entries.has(`extension/${manifest.main.replace(/^\.\//, '')}`), 'the manifest points at a bundle that is packaged');
	});

	it('installs into a fresh VS Code, shows its views and runs a task from the installed copy', async () => {
		workbench = await Workbench.open({ vsix: vsixPath });
		await workbench.openContainer();
		const chat = workbench.chat();
		await chat.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 60_000 });
		await chat.getByRole('button', { name: 'Set API Key' }).first().waitFor({ timeout: 30_000 });
		await workbench.runCommand('Meanwhile: Run in Background…');
		const input = workbench.page.locator('.quick-input-widget input.input');
		await input.fill('echo packaged-build-runs');
		await input.press('Enter');
		const row = workbench.page.locator('.pane-body .monaco-list-row', { hasText: 'packaged-build-runs' }).first();
		await row.locator('.label-description', { hasText: /^succeeded/ }).waitFor({ timeout: 60_000 });
	});
});
