import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** The repository: above this compiled test when it is built into the tree, else where the run started. */
function repositoryRoot(): string {
	for (let folder = __dirname; folder !== path.dirname(folder); folder = path.dirname(folder)) {
		if (fs.existsSync(path.join(folder, 'src/agent/approval/index.ts')) && fs.existsSync(path.join(folder, 'esbuild.mjs'))) {
			return folder;
		}
	}
	return process.cwd();
}

/**
 * Run in a child with no NODE_PATH, from the bundle's folder (no node_modules above it): only what was
 * bundled, and the wasm beside it, can be used, as in the packaged extension's dist/.
 */
const child = `
const path = require('node:path');
const globalsBefore = new Set(Object.getOwnPropertyNames(globalThis));
const approval = require(path.join(__dirname, 'approval.js'));
(async () => {
	const parser = approval.createCommandParser({ wasmDir: __dirname });
	const analysis = await approval.analyzeCommand('npm test && git status; echo $(date) | (if true; then wc -l; fi)', parser);
	const decision = await approval.evaluateCommand('npm test && git status', { mode: 'auto', allow: ['npm test', 'git status'] }, parser);
	// The Go runtime of sh-syntax puts \`Go\`, \`require\` and \`fs\` on the global object: none may be left there.
	const leftGlobals = Object.getOwnPropertyNames(globalThis).filter((name) => !globalsBefore.has(name));
	process.stdout.write(JSON.stringify({ analysis, decision: decision.decision, leftGlobals }));
})().catch((error) => {
	process.stderr.write(String(error && error.stack));
	process.exitCode = 1;
});
`;

describe('approval bundled with esbuild', function () {
	// A fresh process compiles three wasm modules: on a busy machine that alone can take tens of seconds.
	this.timeout(120_000);
	let folder: string;

	before(async () => {
		const root = repositoryRoot();
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-approval-bundle-'));
		// The options of the extension's own bundle (esbuild.mjs), and the wasm files where its build copies them.
		await esbuild.build({
			entryPoints: [path.join(root, 'src/agent/approval/index.ts')],
			outfile: path.join(folder, 'approval.js'),
			bundle: true,
			platform: 'node',
			format: 'cjs',
			target: 'node20',
			logLevel: 'silent',
		});
		fs.copyFileSync(path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), path.join(folder, 'web-tree-sitter.wasm'));
		fs.copyFileSync(path.join(root, 'node_modules/tree-sitter-bash/tree-sitter-bash.wasm'), path.join(folder, 'tree-sitter-bash.wasm'));
		fs.copyFileSync(path.join(root, 'node_modules/sh-syntax/main.wasm'), path.join(folder, 'sh-syntax.wasm'));
		fs.writeFileSync(path.join(folder, 'run.js'), child);
	});

	after(() => {
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('holds web-tree-sitter, sh-syntax and its Go runtime instead of requiring them', () => {
		const source = fs.readFileSync(path.join(folder, 'approval.js'), 'utf8');
		assert.doesNotMatch(source, /require\(["'](sh-syntax|web-tree-sitter|tree-sitter-bash)["']\)/);
		assert.match(source, /global\.Go = class/);
		assert.match(source, /web-tree-sitter\.wasm/);
	});

	it('parses and decides with the wasm files copied next to it, and leaves no globals behind', () => {
		const environment = { ...process.env };
		delete environment.NODE_PATH;
		const result = spawnSync(process.execPath, [path.join(folder, 'run.js')], { cwd: folder, env: environment, encoding: 'utf8', timeout: 100_000 });
		assert.equal(result.status, 0, result.stderr);
		assert.equal(result.stderr, '', 'nothing printed to the console');
		const output = JSON.parse(result.stdout) as { analysis: { ok: boolean; subCommands: { text: string }[]; alwaysAsk: string[] }; decision: string; leftGlobals: string[] };
		assert.equal(output.analysis.ok, true);
		assert.deepEqual(
			output.analysis.subCommands.map((subCommand) => subCommand.text),
			['npm test', 'git status', 'date', 'echo $(date)', 'true', 'wc -l'],
		);
		assert.deepEqual(output.analysis.alwaysAsk, ['runs the commands of a command substitution `$(date)`']);
		assert.equal(output.decision, 'allow');
		assert.deepEqual(output.leftGlobals, []);
	});
});
