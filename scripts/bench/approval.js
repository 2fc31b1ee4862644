// @ts-check
'use strict';
/**
 * Command approval in a fresh process: `node scripts/bench/approval.js <approval.js> <wasmDir> <case>`,
 * printing one JSON result line. Cases:
 * - `first-cold` / `first-warm`: the first two decisions of a fresh process, as right after activation —
 *   without, and after, the warm-up the extension runs when idle (`warmUp`);
 * - `steady`: decisions per second over typical lines once warm, beside parsing alone (both parsers, no
 *   analysis) as the baseline;
 * - `long`: lines of 60,000 characters of several shapes, each decided once; the slowest is reported,
 *   beside parsing that line alone;
 * - `memory`: the process's RSS once warm and over 10,000 decisions (one Go instance of mvdan/sh serves
 *   them all: its memory, and ours, must level off).
 */
const { reportResult } = require('./util');

/** Decisions of the `memory` case: a leak of a kilobyte per decision shows as several MiB. */
const memoryDecisions = 10_000;

/** The user's rules of the issue that hardened approvals: typical of a real setup. */
const policy = {
	mode: 'auto',
	allow: ['git status', 'git diff', 'git log', 'ls', 'cat', 'echo', 'grep', 'find', 'npm test', 'npm run lint', 'node --version', '/^pwd$/'],
	deny: ['rm', 'git push'],
	workspaceFolders: [process.cwd()],
};

/** What an agent typically runs. */
const typicalLines = [
	'git status',
	'npm test -- --grep "parser"',
	'git --no-pager log --oneline -10',
	'ls -la src && cat package.json | grep version',
	'CI=true npm test 2>&1 | tail -n 40',
	"find . -name '*.ts' -not -path './node_modules/*' | xargs grep -l TODO",
	'for f in src/*.ts; do echo "$f"; wc -l "$f"; done',
	"cat <<'EOF' > notes.md\n# Notes\n$(not run)\nEOF",
	'git diff HEAD~1 -- src/agent && npm run lint',
	'echo $(date) && sleep 1 && curl -s http://localhost:3000/health',
];

/**
 * Lines of about `size` characters, of shapes that stress different parts of the analysis.
 * @param {number} size
 */
function longLines(size) {
	const repeat = (/** @type {string} */ unit) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size - 10);
	return {
		'a list of 3,000 commands': `${repeat('echo ab && ')}echo end`,
		'a pipeline of 4,000 stages': `${repeat('cat | ')}cat`,
		'one word of 60,000 characters': `echo ${repeat('a')}`,
		'a here-document of 60,000 characters': `cat <<EOF\n${repeat('line $HOME\n')}\nEOF`,
		'3,000 quoted arguments': `echo ${repeat('"a b" ')}`,
		'nested substitutions and loops': `${repeat('for i in 1; do echo "$(ls)"; done; ')}echo`,
	};
}

async function main() {
	const [bundle, wasmDir, name] = process.argv.slice(2);
	const approval = require(bundle);
	const parser = approval.createCommandParser({ wasmDir });
	const time = async (/** @type {() => Promise<unknown>} */ action) => {
		const started = performance.now();
		await action();
		return performance.now() - started;
	};
	if (name === 'first-cold' || name === 'first-warm') {
		const warmUpMs = name === 'first-warm' ? await time(() => approval.warmUp(parser)) : 0;
		const firstMs = await time(() => approval.evaluateCommand(typicalLines[1], policy, parser));
		const secondMs = await time(() => approval.evaluateCommand(typicalLines[5], policy, parser));
		reportResult({ warmUpMs, firstMs, secondMs });
		return;
	}
	await approval.warmUp(parser);
	if (name === 'steady') {
		const measure = async (/** @type {(line: string) => Promise<unknown>} */ action) => {
			let count = 0;
			const started = performance.now();
			while (performance.now() - started < 2000) {
				await action(typicalLines[count % typicalLines.length]);
				count++;
			}
			return (count / (performance.now() - started)) * 1000;
		};
		const decisionsPerSecond = await measure((line) => approval.evaluateCommand(line, policy, parser));
		const parsesPerSecond = await measure((line) => Promise.all([parser.statements(line), parser.tree(line, () => undefined)]));
		reportResult({ decisionsPerSecond, parsesPerSecond });
		return;
	}
	if (name === 'memory') {
		// Each line made different by a leading `: N;`, so that nothing keyed by the text could hide growth.
		const mib = () => process.memoryUsage().rss / 1048576;
		const rssStartMiB = mib();
		const samplesMiB = [];
		for (let count = 1; count <= memoryDecisions; count++) {
			await approval.evaluateCommand(`: ${count}; ${typicalLines[count % typicalLines.length]}`, policy, parser);
			if (count % (memoryDecisions / 5) === 0) {
				samplesMiB.push(mib());
			}
		}
		reportResult({ decisions: memoryDecisions, rssStartMiB, samplesMiB });
		return;
	}
	if (name === 'long') {
		const results = [];
		for (const [shape, line] of Object.entries(longLines(60_000))) {
			let decision = '';
			const ms = await time(async () => {
				decision = (await approval.evaluateCommand(line, policy, parser)).decision;
			});
			const parseMs = await time(() => Promise.all([parser.statements(line).catch(() => undefined), parser.tree(line, () => undefined)]));
			results.push({ shape, chars: line.length, ms, parseMs, decision });
		}
		reportResult({ results });
		return;
	}
	throw new Error(`unknown case ${name}`);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
