// @ts-check
'use strict';
/**
 * What the benchmark runs, built with esbuild (which does not type-check, so a tree that briefly fails
 * tsc still builds) into the build folder (util.buildDir):
 * - engine.js: src/background as one CommonJS bundle, for the engine workers;
 * - empty-extension.js: the activation baseline, an extension that only registers its two views;
 * - dist/: the production build of the extension and the webview (`node esbuild.mjs --production`),
 *   measured from a copy taken right after the build (in the build folder, see util.buildDir).
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { buildDir, projectRoot, progress } = require('./util');
const { core, extensionBundlePlugins, extensionBuilds } = require('../extensionBundle');

function esbuild() {
	return require('esbuild');
}

/**
 * Bundles modules of this project into one CommonJS file `name` of the build folder, exporting what each
 * of `modules` (paths from the project root) exports.
 * @param {string} name
 * @param {string[]} modules
 * @param {import('esbuild').BuildOptions} [options]
 */
function bundleModules(name, modules, options = {}) {
	const outfile = path.join(buildDir, name);
	esbuild().buildSync({
		stdin: {
			contents: `module.exports = { ${modules.map((module) => `...require(${JSON.stringify(`./${module}`)})`).join(', ')} };`,
			resolveDir: projectRoot,
			sourcefile: `${name}-entry.js`,
			loader: 'js',
		},
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		logLevel: 'error',
		...options,
	});
	return outfile;
}

/** Bundles src/background/index.ts into engine.js of the build folder. */
function buildEngine() {
	return bundleModules('engine.js', ['src/background/index.ts']);
}

/** The task engine with the agent's NoticeInbox (a conversation's side of delivery), for the drain-across-crashes rows. */
function buildDrainBundle() {
	return bundleModules('drain-crashes.js', ['src/background/index.ts', 'src/agent/noticeInbox.ts']);
}

/**
 * Bundles the UI tests' driver of a real VS Code (test/ui/workbench.ts, with the fake Messages API of
 * test/fixtures) into workbench.js of the build folder, for the extension-host cases (extensionHost.js).
 */
function buildWorkbenchDriver() {
	return bundleModules('workbench.js', ['test/ui/workbench', 'test/fixtures/fakeAnthropic'], {
		packages: 'external',
		// scripts/deps.js finds the project (the extension to load) from where it is; the bundle is elsewhere.
		define: { __dirname: JSON.stringify(path.join(projectRoot, 'scripts')) },
	});
}

/** Bundles the empty extension (scripts/bench/emptyExtension.js) minified, as the real one is. */
function buildEmptyExtension() {
	const outfile = path.join(buildDir, 'empty-extension.js');
	esbuild().buildSync({
		entryPoints: [path.join(__dirname, 'emptyExtension.js')],
		outfile,
		bundle: true,
		minify: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['vscode'],
		logLevel: 'error',
	});
	return outfile;
}

/**
 * The production build into dist/ (`node esbuild.mjs --production`). When that fails (another engineer's
 * work in progress), each entry is built on its own with the same options into the build folder, so what
 * builds can still be measured; `separate` goes there at once and leaves dist/ alone.
 * @param {{ separate?: boolean }} [options]
 * @returns {Promise<{ distDir: string, ok: boolean, note?: string }>}
 */
async function buildProduction(options = {}) {
	let message = '';
	if (!options.separate) {
		const result = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: projectRoot, encoding: 'utf8' });
		if (result.status === 0 && fs.existsSync(path.join(projectRoot, 'dist', 'extension.js'))) {
			// Others may rebuild dist/ while the benchmark runs (a development build, a test run): measure a
			// copy taken right after this build, and only if it is still the production build (no source maps).
			const snapshot = path.join(buildDir, 'dist-production');
			fs.rmSync(snapshot, { recursive: true, force: true });
			fs.cpSync(path.join(projectRoot, 'dist'), snapshot, { recursive: true });
			const production = ['extension.js', 'webview.js'].every((file) => {
				const target = path.join(snapshot, file);
				return !fs.existsSync(target) || !fs.readFileSync(target, 'utf8').includes('sourceMappingURL');
			});
			if (production) {
				return { distDir: snapshot, ok: true };
			}
			message = 'dist/ was rebuilt by someone else right after it (not minified any more)';
		} else {
			message = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(0, 6).join(' ');
		}
		progress(`node esbuild.mjs --production: ${message}`);
	}
	const distDir = path.join(buildDir, 'dist');
	fs.rmSync(distDir, { recursive: true, force: true });
	fs.mkdirSync(distDir, { recursive: true });
	/** @type {import('esbuild').BuildOptions} */
	const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'silent' };
	/** @type {import('esbuild').BuildOptions[]} */
	const entries = [
		...extensionBuilds(projectRoot, distDir, common),
		{ ...common, entryPoints: [path.join(projectRoot, 'media', 'main.ts')], outfile: path.join(distDir, 'webview.js'), platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'css' } },
		{ ...common, entryPoints: [path.join(projectRoot, 'media', 'main.css')], outfile: path.join(distDir, 'webview.css'), loader: { '.ttf': 'file' } },
	];
	const failed = [];
	for (const entry of entries) {
		try {
			await esbuild().build(entry);
		} catch {
			failed.push(path.basename(entry.outfile ?? ''));
		}
	}
	const codicons = path.join(projectRoot, 'node_modules', '@vscode', 'codicons', 'dist');
	fs.mkdirSync(path.join(distDir, 'codicons'), { recursive: true });
	for (const file of ['codicon.css', 'codicon.ttf']) {
		if (fs.existsSync(path.join(codicons, file))) {
			fs.copyFileSync(path.join(codicons, file), path.join(distDir, 'codicons', file));
		}
	}
	const how = options.separate
		? 'built with the options of esbuild.mjs --production (minified) into a temporary folder (--separate-dist: dist/ was left alone)'
		: `\`node esbuild.mjs --production\` could not be used in this run (${message.slice(0, 200)}); each entry was built on its own with its options, minified, into a temporary folder`;
	return { distDir, ok: false, note: `${how}${failed.length > 0 ? `; these did not build: ${failed.join(', ')}` : ''}` };
}

/**
 * The rest the benchmark may need, built up front while node_modules is surely there (others may run
 * `npm ci` meanwhile): each is undefined when it does not build.
 */
async function buildExtras() {
	/** @param {string} name @param {import('esbuild').BuildOptions} options */
	const attempt = async (name, options) => {
		const outfile = path.join(buildDir, name);
		try {
			await esbuild().build({ ...options, outfile, bundle: true, logLevel: 'silent' });
			return outfile;
		} catch {
			return undefined;
		}
	};
	return {
		/** The extension unminified, to profile its activation with names (beside it the core it loads, under the name it loads). */
		readableExtension: await attempt('extension-readable.js', { entryPoints: [path.join(projectRoot, 'src', 'extension.ts')], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: extensionBundlePlugins() }),
		readableCore: await attempt(core.file, { entryPoints: [path.join(projectRoot, core.source)], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: extensionBundlePlugins() }),
		/** The webview unminified, to profile it with names. */
		readableWebview: await attempt('webview-readable.js', { entryPoints: [path.join(projectRoot, 'media', 'main.ts')], platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'css' } }),
		composition: await bundleComposition(),
		approval: await buildApproval(attempt),
	};
}

/**
 * src/agent/approval as one bundle, with the three wasm files beside it under the names the extension's
 * build gives them (the parsers load them from a folder, as in dist/).
 * @param {(name: string, options: import('esbuild').BuildOptions) => Promise<string | undefined>} attempt
 * @returns {Promise<{ bundle: string, wasmDir: string } | undefined>}
 */
async function buildApproval(attempt) {
	const bundle = await attempt('approval.js', { entryPoints: [path.join(projectRoot, 'src', 'agent', 'approval', 'index.ts')], platform: 'node', format: 'cjs', target: 'node20' });
	if (bundle === undefined) {
		return undefined;
	}
	const wasmDir = path.join(buildDir, 'approval-wasm');
	try {
		fs.mkdirSync(wasmDir, { recursive: true });
		fs.copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm', { paths: [projectRoot] }), path.join(wasmDir, 'web-tree-sitter.wasm'));
		fs.copyFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm', { paths: [projectRoot] }), path.join(wasmDir, 'tree-sitter-bash.wasm'));
		fs.copyFileSync(require.resolve('sh-syntax/main.wasm', { paths: [projectRoot] }), path.join(wasmDir, 'sh-syntax.wasm'));
	} catch {
		return undefined;
	}
	return { bundle, wasmDir };
}

/** The largest parts of each bundle, by package or source folder (esbuild metafile, minified as in dist). */
async function bundleComposition() {
	/** @type {{ output: string, options: import('esbuild').BuildOptions }[]} */
	const entries = [
		{ output: 'extension.js', options: { entryPoints: [path.join(projectRoot, 'src', 'extension.ts')], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: extensionBundlePlugins() } },
		{ output: core.file, options: { entryPoints: [path.join(projectRoot, core.source)], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: extensionBundlePlugins() } },
		{ output: 'webview.js', options: { entryPoints: [path.join(projectRoot, 'media', 'main.ts')], platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'css' } } },
	];
	/** @type {{ output: string, parts: { name: string, bytes: number }[] }[]} */
	const result = [];
	for (const entry of entries) {
		try {
			const built = await esbuild().build({ ...entry.options, bundle: true, minify: true, legalComments: 'none', write: false, metafile: true, outdir: path.join(buildDir, 'meta'), logLevel: 'silent' });
			/** @type {Map<string, number>} */
			const parts = new Map();
			for (const output of Object.values(built.metafile.outputs)) {
				for (const [input, info] of Object.entries(output.inputs)) {
					const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
					const name = match ? match[1] : path.dirname(path.relative(projectRoot, path.resolve(projectRoot, input))) || input;
					parts.set(name, (parts.get(name) ?? 0) + info.bytesInOutput);
				}
			}
			result.push({ output: entry.output, parts: [...parts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, bytes]) => ({ name, bytes })) });
		} catch {
			// A bundle that does not build has no composition to show.
		}
	}
	return result;
}

module.exports = { buildDrainBundle, buildEngine, buildEmptyExtension, buildProduction, buildExtras, buildWorkbenchDriver };
