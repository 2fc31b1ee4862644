// @ts-check
'use strict';
/**
 * The webview's pure modules are browser code outside the root tsconfig; their unit tests are bundled
 * with esbuild into out/test/unit/media so the unit layer runs them in plain Node with the rest.
 */
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'test', 'unit', 'media');
const entryPoints = fs.existsSync(source) ? fs.readdirSync(source).filter((name) => name.endsWith('.test.ts')).map((name) => path.join(source, name)) : [];
if (entryPoints.length > 0) {
	esbuild.buildSync({
		entryPoints,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		outdir: path.join(root, 'out', 'test', 'unit', 'media'),
		external: ['mocha'],
		sourcemap: 'inline',
		logLevel: 'warning',
	});
}
