#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm start`: installs what is missing, builds, and opens Meanwhile in a real VS Code (code-server) on
 * 127.0.0.1 with a sample workspace, then prints the address to open in a browser. Ctrl+C stops it.
 *
 * MEANWHILE_PORT picks the port (default 8080, else a free one); MEANWHILE_WORKSPACE opens another folder.
 * ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, when set, reach the extension.
 */
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const deps = require('./deps');
const { startCodeServer, freePort } = require('./codeServer');

const root = deps.projectRoot;

/** @param {number} port */
function isFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Copies what the extension runs from into the instance's extensions folder, as an installed extension. */
function installBuiltExtension(/** @type {string} */ extensionsDir) {
	const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const id = `${manifest.publisher}.${manifest.name}`;
	for (const entry of fs.existsSync(extensionsDir) ? fs.readdirSync(extensionsDir) : []) {
		if (entry.startsWith(`${id}-`)) {
			fs.rmSync(path.join(extensionsDir, entry), { recursive: true, force: true });
		}
	}
	const target = path.join(extensionsDir, `${id}-${manifest.version}`);
	fs.mkdirSync(target, { recursive: true });
	for (const item of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist', 'media']) {
		fs.cpSync(path.join(root, item), path.join(target, item), { recursive: true });
	}
}

async function main() {
	deps.ensureNodeModules();
	const install = deps.ensureVSCodeDeps();
	deps.say('building…');
	deps.run('node', ['esbuild.mjs'], { cwd: root });

	const runDir = path.join(deps.cacheRoot(), 'start');
	const workspace = process.env.MEANWHILE_WORKSPACE ? path.resolve(process.env.MEANWHILE_WORKSPACE) : path.join(runDir, 'workspace');
	if (!process.env.MEANWHILE_WORKSPACE && !fs.existsSync(workspace)) {
		fs.cpSync(path.join(root, 'scripts', 'sample-workspace'), workspace, { recursive: true });
	}
	installBuiltExtension(path.join(runDir, 'exts'));

	const wanted = Number(process.env.MEANWHILE_PORT || 8080);
	const port = (await isFree(wanted)) ? wanted : await freePort();
	const server = await startCodeServer({ install, runDir, workspace, port, inheritOutput: false });
	const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
	process.stdout.write(
		[
			'',
			'Meanwhile is running in VS Code (code-server) at:',
			'',
			`    ${url}`,
			'',
			'Open it in a browser (from another machine: forward the port first, e.g. ssh -L ' + `${port}:127.0.0.1:${port}).`,
			'Click the Meanwhile icon in the activity bar; set your key with "Meanwhile: Set API Key" if ANTHROPIC_API_KEY is not set.',
			`Server log: ${server.logFile}`,
			'Press Ctrl+C to stop.',
			'',
		].join('\n'),
	);
	const stop = () => {
		void server.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	// Keep running until stopped.
	setInterval(() => undefined, 1 << 30);
}

main().catch((error) => {
	deps.say(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
