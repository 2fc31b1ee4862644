// @ts-check
'use strict';
/**
 * One activation, in a fresh process: `node scripts/bench/activation.js <bundle.js> [--require-only]`. With the
 * vscode module stubbed (vscodeStub.js), times `require(bundle)` + `activate(context)` and when the
 * extension's views were registered, and when the rest it loads after activation is ready (the exports'
 * `ready()`, when it has one), then prints the result as one JSON line.
 */
const fs = require('node:fs');
const path = require('node:path');
const { delay, projectRoot, reportResult, tempFolder } = require('./util');
const { createContext, createVscodeStub, installVscodeStub } = require('./vscodeStub');

const VIEW_IDS = ['meanwhile.tasks', 'meanwhile.chat'];
/**
 * Node's own modules the extension host has loaded for itself before any extension activates (it
 * spawns processes, talks over sockets, hashes): loaded here first, for both sides, so the first load
 * of one is not counted as the extension's.
 */
const HOST_BUILTINS = ['node:child_process', 'node:crypto', 'node:fs', 'node:fs/promises', 'node:net', 'node:os', 'node:path', 'node:util', 'node:buffer', 'node:events', 'node:stream', 'node:url'];

async function main() {
	for (const name of HOST_BUILTINS) {
		require(name);
	}
	const bundle = path.resolve(process.argv[2] ?? '');
	/** @type {Map<string, number>} */
	const registered = new Map();
	const { api, unknownMembers, Uri } = createVscodeStub({ onViewRegistered: (id) => registered.set(id, performance.now()) });
	installVscodeStub(api);
	const storage = tempFolder('meanwhile-bench-activation-');
	fs.mkdirSync(path.join(storage.folder, 'workspace'), { recursive: true });
	fs.mkdirSync(path.join(storage.folder, 'global'), { recursive: true });
	const context = createContext(Uri, projectRoot, storage.folder);
	if (process.argv.includes('--require-only')) {
		const before = performance.now();
		require(bundle);
		const requireMs = performance.now() - before;
		storage.remove();
		reportResult({ requireMs });
		return;
	}
	let error;
	// The setup above (the stub, the context with its parsed package.json) leaves garbage: collected now, not during the measurement.
	globalThis.gc?.();
	const started = performance.now();
	let requiredAt = NaN;
	let activatedAt = NaN;
	let readyAt = NaN;
	try {
		const extension = require(bundle);
		requiredAt = performance.now();
		const exports = extension.activate(context);
		activatedAt = performance.now();
		if (exports && typeof exports.ready === 'function') {
			await exports.ready();
			readyAt = performance.now();
		}
	} catch (caught) {
		error = caught instanceof Error ? caught.message : String(caught);
	}
	const viewTimes = VIEW_IDS.map((id) => registered.get(id));
	const viewsRegisteredMs = viewTimes.every((time) => time !== undefined) ? Math.max(.../** @type {number[]} */ (viewTimes)) - started : NaN;
	// Let what activation started asynchronously settle, then tear down as VS Code would.
	await delay(50);
	for (const subscription of context.subscriptions) {
		try {
			subscription.dispose();
		} catch {
			// Not measured.
		}
	}
	storage.remove();
	reportResult({
		requireMs: requiredAt - started,
		activateMs: activatedAt - requiredAt,
		totalMs: activatedAt - started,
		viewsRegisteredMs,
		/** From require to the API's `ready()` resolving: what activation left for right after it (NaN without). */
		readyMs: readyAt - started,
		error,
		unknownMembers: [...unknownMembers],
	});
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
