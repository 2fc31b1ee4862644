// @ts-check
'use strict';
/**
 * Starts a real VS Code (code-server: the VS Code server, its web workbench and a real Node extension
 * host) on 127.0.0.1, and a headless Chromium to drive its workbench. Used by `npm start`, the
 * extension-host test launcher and the UI tests.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

/** Settings that keep the workbench quiet and offline. */
const QUIET_SETTINGS = {
	'telemetry.telemetryLevel': 'off',
	'update.mode': 'none',
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'extensions.ignoreRecommendations': true,
	'workbench.enableExperiments': false,
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'chat.disableAIFeatures': true,
	'security.workspace.trust.enabled': false,
	'window.restoreWindows': 'none',
};

/** @returns {Promise<number>} a port that was free a moment ago */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** @param {number} port @param {number} timeoutMs */
async function waitForHealth(port, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const ok = await new Promise((resolve) => {
			const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (response) => {
				response.resume();
				resolve(response.statusCode === 200);
			});
			request.on('error', () => resolve(false));
			request.on('timeout', () => {
				request.destroy();
				resolve(false);
			});
		});
		if (ok) {
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`code-server did not answer on port ${port} within ${timeoutMs} ms`);
}

/**
 * @typedef {object} CodeServerOptions
 * @property {{ node: string, entry: string }} install what deps.ensureVSCodeDeps() returned
 * @property {string} runDir a folder for this instance's profile, extensions, logs and temp files
 * @property {string} [workspace] the folder to open
 * @property {number} [port] default: a free port
 * @property {Record<string, unknown>} [userSettings] merged over the quiet defaults
 * @property {Record<string, string | undefined>} [env] added to the server's environment (reaches the extension host)
 * @property {boolean} [workspaceTrust] start with workspace trust on (default off: every folder trusted)
 * @property {string[]} [installExtensions] .vsix files or folders to install before starting
 * @property {string} [userDataDir] default: runDir/ud
 * @property {string} [extensionsDir] default: runDir/exts
 * @property {boolean} [inheritOutput] print the server's output (default: to runDir/code-server.log)
 */

/**
 * @param {CodeServerOptions} options
 * @returns {Promise<{ url: string, port: number, pid: number, logFile: string, runDir: string, stop: () => Promise<void> }>}
 */
async function startCodeServer(options) {
	const runDir = path.resolve(options.runDir);
	const userDataDir = options.userDataDir ?? path.join(runDir, 'ud');
	const extensionsDir = options.extensionsDir ?? path.join(runDir, 'exts');
	for (const dir of [userDataDir, path.join(userDataDir, 'User'), extensionsDir, path.join(runDir, 'tmp'), path.join(runDir, 'xdg')]) {
		fs.mkdirSync(dir, { recursive: true });
	}
	const settingsFile = path.join(userDataDir, 'User', 'settings.json');
	let existing = {};
	try {
		existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
	} catch {
		existing = {};
	}
	const trust = options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {};
	fs.writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...trust, ...(options.userSettings ?? {}) }, null, '\t'));

	const port = options.port ?? (await freePort());
	/** @type {NodeJS.ProcessEnv} */
	const env = {
		...process.env,
		EXTENSIONS_GALLERY: '{}',
		XDG_CONFIG_HOME: path.join(runDir, 'xdg', 'config'),
		XDG_DATA_HOME: path.join(runDir, 'xdg', 'data'),
		XDG_CACHE_HOME: path.join(runDir, 'xdg', 'cache'),
		TMPDIR: path.join(runDir, 'tmp'),
		...(options.env ?? {}),
	};
	// npm's own variables would leak into every task the extension starts.
	for (const key of Object.keys(env)) {
		if (key.startsWith('npm_')) {
			delete env[key];
		}
	}
	const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
	for (const extension of options.installExtensions ?? []) {
		await runToEnd(options.install.node, [options.install.entry, ...common, '--install-extension', extension, '--force'], env);
	}

	const args = [
		options.install.entry,
		'--bind-addr',
		`127.0.0.1:${port}`,
		'--auth',
		'none',
		'--disable-telemetry',
		'--disable-update-check',
		...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
		'--disable-getting-started-override',
		'--reconnection-grace-time',
		'1',
		...common,
		'--vscode-option',
		'enable-smoke-test-driver',
	];
	if (options.workspace) {
		args.push(path.resolve(options.workspace));
	}
	const logFile = path.join(runDir, 'code-server.log');
	const logFd = options.inheritOutput ? undefined : fs.openSync(logFile, 'a');
	const child = spawn(options.install.node, args, {
		env,
		// Its own process group, so stop() reaches the extension host and file watchers too.
		detached: true,
		stdio: ['ignore', logFd ?? 'inherit', logFd ?? 'inherit'],
	});
	if (logFd !== undefined) {
		fs.closeSync(logFd);
	}
	const pid = child.pid;
	if (pid === undefined) {
		throw new Error('code-server did not start');
	}
	let exited = false;
	child.on('exit', () => {
		exited = true;
	});

	const stop = async () => {
		if (exited) {
			return;
		}
		killGroup(pid, 'SIGTERM');
		const deadline = Date.now() + 3000;
		while (!exited && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		killGroup(pid, 'SIGKILL');
	};
	try {
		await waitForHealth(port, 60_000);
	} catch (error) {
		await stop();
		const tail = logFd !== undefined && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
		throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`);
	}
	return { url: `http://127.0.0.1:${port}/`, port, pid, logFile, runDir, stop };
}

/** @param {number} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

/** @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} env */
function runToEnd(command, args, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} ${args.slice(1).join(' ')} failed (${code}):\n${output}`))));
	});
}

/**
 * The workbench URL for a folder, optionally with a development extension and a tests entry point
 * (honoured because the server runs with enable-smoke-test-driver).
 * @param {string} baseUrl
 * @param {{ folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }} options
 */
function workbenchUrl(baseUrl, options) {
	const url = new URL(baseUrl);
	if (options.folder) {
		url.searchParams.set('folder', path.resolve(options.folder));
	}
	/** @type {[string, string][]} */
	const payload = [];
	const authority = url.host;
	if (options.extensionDevelopmentPath) {
		payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${path.resolve(options.extensionDevelopmentPath)}`]);
	}
	if (options.extensionTestsPath) {
		payload.push(['extensionTestsPath', `vscode-remote://${authority}${path.resolve(options.extensionTestsPath)}`]);
	}
	if (payload.length > 0) {
		url.searchParams.set('payload', JSON.stringify(payload));
	}
	return url.toString();
}

/**
 * A headless Chromium through playwright-core (its own browser downloads cannot work here).
 * @param {{ chromium: string, profileDir: string }} options
 */
async function launchBrowser(options) {
	const { chromium } = require('playwright-core');
	fs.mkdirSync(options.profileDir, { recursive: true });
	const xdg = path.join(options.profileDir, 'xdg');
	return chromium.launchPersistentContext(path.join(options.profileDir, 'profile'), {
		executablePath: options.chromium,
		headless: true,
		viewport: { width: 1400, height: 900 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
			'--disable-dev-shm-usage',
		],
		env: {
			...process.env,
			XDG_CONFIG_HOME: path.join(xdg, 'config'),
			XDG_CACHE_HOME: path.join(xdg, 'cache'),
			XDG_DATA_HOME: path.join(xdg, 'data'),
		},
	});
}

module.exports = { startCodeServer, workbenchUrl, launchBrowser, freePort, killGroup, QUIET_SETTINGS };
