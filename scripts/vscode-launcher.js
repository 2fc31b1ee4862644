#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }).
 *
 * runTests spawns it with the arguments it would give a desktop VS Code
 * (--extensionDevelopmentPath=…, --extensionTestsPath=…, a folder, profile flags). This script starts
 * code-server (a real VS Code server with a Node extension host), opens its workbench in headless
 * Chromium with those paths as the development payload, waits until the tests inside the extension host
 * report their result through codeAutomationExit, and exits with that code.
 *
 * Desktop VS Code loads every --extensionDevelopmentPath; code-server's workbench keeps one (its payload
 * is a map). So the first is the development extension, and each further one is packaged (vsce) and
 * installed into this run's extensions folder before the server starts: it runs beside it all the same.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { format } = require('node:util');
const { ensureVSCodeDeps } = require('./deps');
const { startCodeServer, workbenchUrl, launchBrowser } = require('./codeServer');
const { killMarkedProcesses } = require('./processes');

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string>} */
	const named = {};
	/** Every value of a flag given more than once (VS Code takes several --extensionDevelopmentPath). @type {Record<string, string[]>} */
	const repeated = {};
	const positional = [];
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg.startsWith('--')) {
			const eq = arg.indexOf('=');
			const [name, value] = eq > 0 ? [arg.slice(2, eq), arg.slice(eq + 1)] : [arg.slice(2), 'true'];
			named[name] = value;
			(repeated[name] ??= []).push(value);
		} else {
			positional.push(arg);
		}
	}
	return { named, repeated, positional };
}

async function main() {
	const { named, repeated, positional } = parseArgs(process.argv.slice(2));
	const [extensionDevelopmentPath, ...besides] = repeated.extensionDevelopmentPath ?? [];
	const extensionTestsPath = named.extensionTestsPath;
	if (!extensionDevelopmentPath || !extensionTestsPath) {
		throw new Error('expected --extensionDevelopmentPath=… and --extensionTestsPath=…');
	}
	const install = ensureVSCodeDeps();
	const runDir = process.env.MEANWHILE_RUN_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-ext-host-'));
	const workspace = positional[0] ?? path.join(runDir, 'workspace');
	fs.mkdirSync(workspace, { recursive: true });
	const marker = `meanwhile-test-${process.pid}-${Date.now()}`;
	const timeoutMs = Number(process.env.MEANWHILE_TEST_TIMEOUT_MS || 10 * 60_000);
	// The tests' reporter writes here (their console is mixed with the workbench's); printed as it grows.
	const outputFile = path.join(runDir, 'test-output.txt');
	fs.writeFileSync(outputFile, '');
	const stopFollowing = followFile(outputFile, (text) => process.stdout.write(text));
	const installExtensions = [];
	for (const [index, folder] of besides.entries()) {
		installExtensions.push(await packageExtension(folder, path.join(runDir, `beside-${index + 1}.vsix`)));
	}

	const server = await startCodeServer({
		install,
		runDir,
		workspace,
		installExtensions,
		env: {
			MEANWHILE_TEST_MARKER: marker,
			MEANWHILE_TEST_OUTPUT: outputFile,
			// Tests never reach the real API with a developer's key: they point the extension at their fake.
			ANTHROPIC_API_KEY: '',
			ANTHROPIC_AUTH_TOKEN: '',
			ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/',
		},
		workspaceTrust: process.env.MEANWHILE_WORKSPACE_TRUST === '1',
	});
	const browser = await launchBrowser({ chromium: install.chromium, profileDir: path.join(runDir, 'browser') });
	let exitCode = 1;
	try {
		const page = browser.pages()[0] ?? (await browser.newPage());
		/** @type {(code: number) => void} */
		let finish = () => undefined;
		const finished = new Promise((resolve) => {
			finish = resolve;
		});
		const verbose = process.env.MEANWHILE_VERBOSE === '1';
		await page.exposeFunction('codeAutomationLog', (/** @type {unknown} */ level, /** @type {unknown} */ args) => {
			if (verbose || level === 'error') {
				process.stderr.write(`[workbench ${String(level)}] ${Array.isArray(args) ? format(...args) : format(args)}\n`);
			}
		});
		await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => {
			finish(Number(code) || 0);
		});
		page.on('pageerror', (error) => process.stderr.write(`[workbench] page error: ${error.message}\n`));
		await page.goto(workbenchUrl(server.url, { folder: workspace, extensionDevelopmentPath, extensionTestsPath }));
		const timeout = new Promise((resolve) =>
			setTimeout(() => {
				process.stderr.write(`[launcher] tests did not finish within ${timeoutMs / 1000} s\n`);
				resolve(1);
			}, timeoutMs).unref(),
		);
		exitCode = /** @type {number} */ (await Promise.race([finished, timeout]));
		if (exitCode !== 0) {
			const shot = path.join(process.env.MEANWHILE_ARTIFACTS_DIR || runDir, 'integration-failure.png');
			await page.screenshot({ path: shot }).catch(() => undefined);
			process.stderr.write(`[launcher] screenshot: ${shot}\n[launcher] code-server log: ${server.logFile}\n`);
		}
	} finally {
		stopFollowing();
		await browser.close().catch(() => undefined);
		await server.stop();
		// Tasks run in process groups of their own, out of code-server's reach: end whatever a test left.
		killMarkedProcesses('MEANWHILE_TEST_MARKER', marker);
	}
	return exitCode;
}

/**
 * An extension folder as a .vsix, to install beside the development extension.
 * @param {string} folder
 * @param {string} packagePath
 * @returns {Promise<string>} packagePath
 */
async function packageExtension(folder, packagePath) {
	const { createVSIX } = require('@vscode/vsce');
	await createVSIX({ cwd: folder, packagePath, dependencies: false, allowMissingRepository: true, skipLicense: true });
	return packagePath;
}

/**
 * Calls back with what is appended to a file, until stopped (then reads the rest).
 * @param {string} file
 * @param {(text: string) => void} onText
 */
function followFile(file, onText) {
	let offset = 0;
	const readMore = () => {
		const size = fs.statSync(file).size;
		if (size > offset) {
			const buffer = Buffer.alloc(size - offset);
			const fd = fs.openSync(file, 'r');
			fs.readSync(fd, buffer, 0, buffer.length, offset);
			fs.closeSync(fd);
			offset = size;
			onText(buffer.toString('utf8'));
		}
	};
	const timer = setInterval(readMore, 250);
	return () => {
		clearInterval(timer);
		readMore();
	};
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`[launcher] ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
