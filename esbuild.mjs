// Bundles the extension host code and the webview into dist/.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
/** @type {typeof import('./scripts/extensionBundle.js')} */
const { extensionBuilds } = createRequire(import.meta.url)('./scripts/extensionBundle.js');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');

/** @type {esbuild.BuildOptions} */
const common = {
	bundle: true,
	minify: production,
	sourcemap: production ? false : 'linked',
	logLevel: 'warning',
	legalComments: 'none',
	metafile,
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
	// Activation, the core loaded after it, and the packages loaded on first use (scripts/extensionBundle.js).
	...extensionBuilds(root, join(root, 'dist'), common),
	{
		...common,
		entryPoints: [join(root, 'media/main.ts')],
		outfile: join(root, 'dist/webview.js'),
		platform: 'browser',
		format: 'iife',
		target: 'es2022',
		loader: { '.css': 'css' },
	},
	{
		...common,
		entryPoints: [join(root, 'media/main.css')],
		outfile: join(root, 'dist/webview.css'),
		loader: { '.ttf': 'file' },
	},
	{
		// Runs tasks left running across a window reload, as a detached process of its own (src/background/supervised/supervisor.ts).
		...common,
		entryPoints: [join(root, 'src/background/supervised/supervisor.ts')],
		outfile: join(root, 'dist/supervisor.js'),
		platform: 'node',
		format: 'cjs',
		target: 'node20',
	},
];

function copyCodicons() {
	const from = join(root, 'node_modules/@vscode/codicons/dist');
	const to = join(root, 'dist/codicons');
	mkdirSync(to, { recursive: true });
	cpSync(join(from, 'codicon.css'), join(to, 'codicon.css'));
	cpSync(join(from, 'codicon.ttf'), join(to, 'codicon.ttf'));
}

if (production) {
	// A release build holds only what runs: no source maps or metafiles left from development builds.
	rmSync(join(root, 'dist'), { recursive: true, force: true });
}
copyCodicons();
// The shell parsers of src/agent/approval, loaded from dist/ (createCommandParser({ wasmDir })): their own path lookups break once bundled.
cpSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(root, 'dist/web-tree-sitter.wasm'));
cpSync(join(root, 'node_modules/tree-sitter-bash/tree-sitter-bash.wasm'), join(root, 'dist/tree-sitter-bash.wasm'));
cpSync(join(root, 'node_modules/sh-syntax/main.wasm'), join(root, 'dist/sh-syntax.wasm'));
if (watch) {
	const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
	await Promise.all(contexts.map((context) => context.watch()));
} else {
	const results = await Promise.all(builds.map((options) => esbuild.build(options)));
	if (metafile) {
		const { writeFileSync } = await import('node:fs');
		results.forEach((result, index) => writeFileSync(join(root, `dist/meta-${index}.json`), JSON.stringify(result.metafile)));
	}
}
