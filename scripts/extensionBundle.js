// @ts-check
'use strict';
/**
 * How dist/extension.js is laid out so that VS Code waits as little as possible for it at activation.
 * Shared by esbuild.mjs and the benchmark (scripts/bench/build.js), so both build the same thing.
 *
 * - Packages loaded on first use are bundled on their own next to it: the Anthropic SDK (first request
 *   to the model), the shell parsers (first command to approve) and the MCP SDK (the MCP server turned
 *   on). Parsing and compiling them was most
 *   of the time `require` of the extension took; showing the views needs none of them. The sources load
 *   them with a plain `require()` inside the function that first needs them; the plugin makes that
 *   `require()` point at the separate bundle.
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

module.exports = { lazyPackages, lazyBundleFiles, extensionBundlePlugins, lazyPackageBuilds };
