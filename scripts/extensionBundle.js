// @ts-check
'use strict';
/**
 * How dist/extension.js is laid out so that VS Code waits as little as possible for it at activation.
 * Shared by esbuild.mjs and the benchmark (scripts/bench/build.js), so both build the same thing.
 *
 * - Packages loaded on first use are bundled on their own next to it: the Anthropic SDK (first request
 *   to the model), the shell parsers (first command to approve), re2js (first pattern) and the MCP SDK
 *   (the MCP server turned on). Parsing and compiling them was most of the time `require` of the
 *   extension took; showing the views needs none of them. The sources load
 *   them with a plain `require()` inside the function that first needs them; the plugin makes that
 *   `require()` point at the separate bundle.
 * - Activation itself is a small bundle (src/extension.ts): it registers the views, commands and tools
 *   with stand-ins and returns; the rest of Meanwhile is dist/core.js (src/core.ts), which it loads with
 *   `require('./core')` right after. VS Code, and extensions activating beside Meanwhile, wait only for
 *   the small one.
 * - `vscode` is required once: esbuild turns each file's `import * as vscode` into a copy of every
 *   member of the API object (`__toESM`), which with some twenty files was a few milliseconds of the
 *   activation; one module re-exports it and every file imports that one.
 */
const path = require('node:path');

/**
 * File name of a bundle in dist/ → the modules it holds. A bundle of several modules exports all their
 * members together (they share the package's code, bundled once), whichever of them is required.
 */
const lazyBundles = {
	'anthropic-sdk.js': ['@anthropic-ai/sdk'],
	'web-tree-sitter.js': ['web-tree-sitter'],
	'sh-syntax.js': ['sh-syntax'],
	// Patterns from the model and the user (src/common/linePattern.ts), with the first one compiled.
	're2js.js': ['re2js'],
	// The MCP server (src/mcp), when meanwhile.mcpServer.enabled turns it on.
	'mcp-sdk.js': ['@modelcontextprotocol/sdk/server/mcp.js', '@modelcontextprotocol/sdk/server/streamableHttp.js', '@modelcontextprotocol/sdk/types.js'],
};

/** Module → file name of its bundle in dist/. */
const lazyPackages = Object.fromEntries(Object.entries(lazyBundles).flatMap(([file, modules]) => modules.map((name) => [name, file])));

/** The lazy bundles' file names in dist/. */
const lazyBundleFiles = Object.keys(lazyBundles);

/** @param {string} text */
function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const vscodeOnce = 'vscode-once';

/** The core's source (from the project root) and its bundle's file name in dist/. */
const core = { source: 'src/core.ts', file: 'core.js' };

/**
 * The plugins of the extension bundle (with `external: ['vscode']`).
 * @returns {import('esbuild').Plugin[]}
 */
function extensionBundlePlugins() {
	const lazyFilter = new RegExp(`^(?:${Object.keys(lazyPackages).map(escapeRegExp).join('|')})$`);
	return [
		{
			name: 'lazy-packages',
			setup(build) {
				build.onResolve({ filter: lazyFilter }, (args) => {
					const file = lazyPackages[args.path];
					// Any other kind of import would load the package with the extension.
					if (args.kind !== 'require-call') {
						return { errors: [{ text: `${args.path} is loaded on first use from dist/${file}: import it with \`import type\` and load it with require() where it is first needed (scripts/extensionBundle.js)` }] };
					}
					return { path: `./${file}`, external: true };
				});
			},
		},
		{
			name: 'lazy-core',
			setup(build) {
				build.onResolve({ filter: /^\.\/core$/ }, (args) => {
					if (!args.importer.endsWith(path.join('src', 'extension.ts'))) {
						return undefined;
					}
					if (args.kind !== 'require-call') {
						return { errors: [{ text: `src/core.ts is dist/${core.file}, loaded after activation: import it with \`import type\` and load it with require('./core') (scripts/extensionBundle.js)` }] };
					}
					return { path: `./${core.file}`, external: true };
				});
			},
		},
		{
			name: 'vscode-once',
			setup(build) {
				build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === vscodeOnce ? { path: 'vscode', external: true } : { path: 'vscode', namespace: vscodeOnce }));
				build.onLoad({ filter: /.*/, namespace: vscodeOnce }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
			},
		},
	];
}

/**
 * One build per lazy bundle, into `outdir`: a CommonJS module whose exports are the package's, as a
 * `require()` of the package would return them (of all its modules, for a bundle of several).
 * @param {string} root the project folder (where node_modules is)
 * @param {string} outdir
 * @param {import('esbuild').BuildOptions} common
 * @returns {import('esbuild').BuildOptions[]}
 */
function lazyPackageBuilds(root, outdir, common) {
	return Object.entries(lazyBundles).map(([file, modules]) => ({
		...common,
		stdin: {
			contents:
				modules.length === 1
					? `module.exports = require(${JSON.stringify(modules[0])});`
					: `module.exports = Object.assign({}, ${modules.map((name) => `require(${JSON.stringify(name)})`).join(', ')});`,
			resolveDir: root,
			sourcefile: `${file}-entry.js`,
			loader: 'js',
		},
		outfile: path.join(outdir, file),
		platform: 'node',
		format: 'cjs',
		target: 'node20',
	}));
}

/**
 * The extension host's bundles into `outdir`: dist/extension.js (activation), dist/core.js (the rest) and
 * the packages loaded on first use.
 * @param {string} root the project folder
 * @param {string} outdir
 * @param {import('esbuild').BuildOptions} common
 * @returns {import('esbuild').BuildOptions[]}
 */
function extensionBuilds(root, outdir, common) {
	/** @type {import('esbuild').BuildOptions} */
	const node = { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
	return [
		{ ...common, ...node, entryPoints: [path.join(root, 'src', 'extension.ts')], outfile: path.join(outdir, 'extension.js'), plugins: extensionBundlePlugins() },
		{ ...common, ...node, entryPoints: [path.join(root, core.source)], outfile: path.join(outdir, core.file), plugins: extensionBundlePlugins() },
		...lazyPackageBuilds(root, outdir, common),
	];
}

module.exports = { core, lazyPackages, lazyBundleFiles, extensionBundlePlugins, lazyPackageBuilds, extensionBuilds };
