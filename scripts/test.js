#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm test`: every layer, in order, each closing with `<layer>: N passed, N failed`, then the total.
 *   1. static checks: ESLint (floating promises, import boundaries) and the TypeScript type check
 *   2. build: the bundles in dist/ and the compiled tests in out/
 *   3. package: `npm run package`, the .vsix's contents, and the .vsix installed and run in the real VS Code
 *   4. unit: mocha in plain Node (real child processes, the fake Anthropic server on 127.0.0.1)
 *   5. integration: mocha inside the real VS Code extension host (code-server), through runTests
 *   6. ui: Playwright against the real workbench in headless Chromium
 * Installs what it needs first (see scripts/deps.js). Options: --package, --unit, --integration, --ui (only
 * those layers), MEANWHILE_GREP=pattern (only matching tests).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const deps = require('./deps');

const root = deps.projectRoot;
const startedAt = Date.now();

let layerStartedAt = Date.now();

/** @param {string} title */
function banner(title) {
	const now = Date.now();
	process.stdout.write(`\n=== ${title} ===  (${Math.round((now - startedAt) / 1000)} s in, previous step ${Math.round((now - layerStartedAt) / 1000)} s)\n`);
	layerStartedAt = now;
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function step(command, args, env) {
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status === 0;
}

/** @param {string} file @param {string} layer */
function countsFrom(file, layer) {
	if (!fs.existsSync(file)) {
		return undefined;
	}
	const match = new RegExp(`^${layer}: (\\d+) passed, (\\d+) failed$`, 'm').exec(fs.readFileSync(file, 'utf8'));
	return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

/**
 * A plain-Node mocha layer (out/test/<layer>), its output kept in test-results; a crash that counted no
 * failure still counts as one.
 * @param {'package' | 'unit' | 'ui'} layer
 * @param {number} timeoutMs
 * @param {string} artifacts
 */
function runMochaLayer(layer, timeoutMs, artifacts) {
	const result = spawnSync('node', ['out/test/harness/runMocha.js', layer, `out/test/${layer}`, String(timeoutMs)], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, MEANWHILE_ARTIFACTS_DIR: artifacts },
	});
	process.stdout.write(result.stdout);
	const output = path.join(artifacts, `${layer}-output.txt`);
	fs.writeFileSync(output, result.stdout);
	const counts = countsFrom(output, layer) ?? { passed: 0, failed: 1 };
	if (result.status !== 0 && counts.failed === 0) {
		counts.failed = 1;
	}
	return counts;
}

/**
 * One run of the extension-host layer through @vscode/test-electron's runTests, with the project's
 * launcher standing in for the VS Code executable.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} artifacts
 */
async function runIntegration(env, artifacts) {
	const { runTests } = require('@vscode/test-electron');
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-integration-'));
	const workspace = path.join(runDir, 'workspace');
	fs.mkdirSync(workspace, { recursive: true });
	let code = 1;
	try {
		code = await runTests({
			vscodeExecutablePath: path.join(root, 'scripts', 'vscode-launcher.js'),
			// Meanwhile, and beside it a second extension that uses its tools and offers its agent one of its own.
			extensionDevelopmentPath: [root, path.join(root, 'test', 'fixtures', 'otherExtension')],
			extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
			launchArgs: [workspace, `--user-data-dir=${path.join(runDir, 'ud')}`, `--extensions-dir=${path.join(runDir, 'exts')}`],
			extensionTestsEnv: { MEANWHILE_RUN_DIR: runDir, MEANWHILE_ARTIFACTS_DIR: artifacts, ...env },
		});
	} catch (error) {
		console.error(error);
	}
	const counts = countsFrom(path.join(runDir, 'test-output.txt'), 'integration') ?? { passed: 0, failed: 1 };
	if (code !== 0 && counts.failed === 0) {
		counts.failed = 1;
	}
	if (code === 0) {
		fs.rmSync(runDir, { recursive: true, force: true });
	}
	return counts;
}

async function main() {
	const only = ['--package', '--unit', '--integration', '--ui', '--static'].filter((flag) => process.argv.includes(flag));
	const wants = (/** @type {string} */ flag) => only.length === 0 || only.includes(flag);
	deps.ensureNodeModules();
	const totals = { passed: 0, failed: 0 };
	const artifacts = path.join(root, 'test-results');
	fs.mkdirSync(artifacts, { recursive: true });

	banner('static checks: eslint, tsc');
	const lintOk = step('npx', ['eslint', '--max-warnings', '0', '.']);
	const typesOk = step('npx', ['tsc', '-p', '.', '--noEmit']) && step('npx', ['tsc', '-p', 'media', '--noEmit']) && step('npx', ['tsc', '-p', 'test/unit/media', '--noEmit']);
	const staticPassed = Number(lintOk) + Number(typesOk);
	console.log(`static: ${staticPassed} passed, ${2 - staticPassed} failed`);
	totals.passed += staticPassed;
	totals.failed += 2 - staticPassed;

	banner('build');
	fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
	if (!step('node', ['esbuild.mjs', '--production']) || !step('npx', ['tsc', '-p', '.', '--outDir', 'out']) || !step('node', ['scripts/build-media-tests.js'])) {
		console.log('build: 0 passed, 1 failed');
		console.log(`${totals.passed} passed, ${totals.failed + 1} failed`);
		return 1;
	}

	if (wants('--package') || wants('--integration') || wants('--ui')) {
		banner('installing the real VS Code for the next layers (cached)');
		deps.ensureVSCodeDeps();
	}

	// Before the unit tests: packaging rebuilds dist/, which they use.
	if (wants('--package')) {
		banner('package: npm run package, and the .vsix installed in the real VS Code');
		const counts = runMochaLayer('package', 300_000, artifacts);
		totals.passed += counts.passed;
		totals.failed += counts.failed;
	}

	if (wants('--unit')) {
		banner('unit tests (plain Node)');
		const counts = runMochaLayer('unit', 60_000, artifacts);
		totals.passed += counts.passed;
		totals.failed += counts.failed;
	}

	if (wants('--integration')) {
		// Twice: every suite in a trusted workspace, then the untrusted-workspace suite in a VS Code
		// started with workspace trust on and an untrusted folder.
		const passes = [
			{ title: 'integration tests (inside the real VS Code extension host)', env: {} },
			{
				title: 'integration tests in an untrusted workspace (workspace trust on)',
				env: { MEANWHILE_WORKSPACE_TRUST: '1', MEANWHILE_GREP: 'in an untrusted workspace' },
			},
		];
		for (const pass of passes) {
			banner(pass.title);
			const counts = await runIntegration(pass.env, artifacts);
			totals.passed += counts.passed;
			totals.failed += counts.failed;
		}
	}

	if (wants('--ui')) {
		banner('UI tests (Playwright against the real workbench)');
		const counts = runMochaLayer('ui', 120_000, artifacts);
		totals.passed += counts.passed;
		totals.failed += counts.failed;
	}

	banner(`done in ${Math.round((Date.now() - startedAt) / 1000)} s`);
	console.log(`${totals.passed} passed, ${totals.failed} failed`);
	return totals.failed > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(error instanceof deps.MissingDependencyError ? error.message : error);
		console.log('0 passed, 1 failed');
		process.exit(1);
	},
);
