import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzeCommand, createCommandParser, ShellParseError } from '../../../../src/agent/approval';
import { loadMvdanSh, type MvdanSh, type MvdanShParse } from '../../../../src/agent/approval/mvdanSh';

const wasm = (): Uint8Array => fs.readFileSync(require.resolve('sh-syntax/main.wasm'));

/** Where mvdan/sh's top-level statements start and end, or why it refused the text. */
function starts(parse: MvdanShParse): string {
	return parse.ok ? parse.file.Stmts.map((statement) => `${statement.Pos.Offset}-${statement.End.Offset}`).join(' ') : `refused: ${parse.reason}`;
}

/** Nesting deeper than the Go stack holds: the instance traps. */
const tooDeep = `echo ${'$('.repeat(20_000)}${')'.repeat(20_000)}`;

describe('mvdan/sh in one Go instance', function () {
	this.timeout(30_000);
	let mvdanSh: MvdanSh;

	beforeEach(async () => {
		mvdanSh = await loadMvdanSh(wasm());
	});

	it('serves thousands of parses from one instance, each read as the first (its garbage collector runs meanwhile)', () => {
		const line = 'git --no-pager log --oneline -10 && CI=true npm test -- --grep "a b" 2>&1 | tail -n 40; echo $(date) > out.log';
		const first = starts(mvdanSh.parse(line));
		// A statement's end takes its `;`.
		assert.equal(first, '0-87 88-110');
		for (let round = 0; round < 3_000; round++) {
			assert.equal(starts(mvdanSh.parse(round % 2 === 0 ? line : `${line}\n# ${round}`)), first, `parse ${round}`);
		}
		assert.equal(mvdanSh.instancesStarted, 1);
	});

	it('answers a text that is not bash with the reason, and keeps the instance', () => {
		assert.equal(starts(mvdanSh.parse('echo "unterminated')), 'refused: reached EOF without closing quote `"` (line 1, column 6)');
		assert.equal(starts(mvdanSh.parse('if then')), 'refused: `if` must be followed by a statement list (line 1, column 1)');
		assert.equal(starts(mvdanSh.parse('ls; pwd')), '0-3 4-7');
		assert.equal(mvdanSh.instancesStarted, 1);
	});

	it('counts offsets in UTF-8 bytes, empty text included', () => {
		assert.equal(starts(mvdanSh.parse('echo é; ls')), '0-8 9-11');
		assert.equal(starts(mvdanSh.parse('')), '');
	});

	it('drops an instance that trapped: the parse throws, the next one gets a fresh instance and reads right', () => {
		assert.throws(() => mvdanSh.parse(tooDeep));
		assert.equal(starts(mvdanSh.parse('ls && pwd; make')), '0-10 11-15');
		assert.equal(mvdanSh.instancesStarted, 2);
		assert.equal(starts(mvdanSh.parse('ls')), '0-2');
		assert.equal(mvdanSh.instancesStarted, 2);
	});

	it('drops an instance whose memory grew past the bound, after its parse', async () => {
		const small = await loadMvdanSh(wasm(), { memoryLimit: 1 });
		assert.equal(starts(small.parse('ls')), '0-2');
		assert.equal(starts(small.parse('ls; pwd')), '0-3 4-7');
		assert.equal(small.instancesStarted, 2);
	});
});

describe('the command parser over one Go instance', function () {
	this.timeout(30_000);

	it('reads lines right after a line that broke the Go instance', async () => {
		const parser = createCommandParser();
		await assert.rejects(parser.statements(tooDeep), (error: unknown) => error instanceof ShellParseError && /mvdan\/sh failed/.test(error.message));
		assert.deepEqual(await parser.statements('ls > out; pwd'), [
			{ start: 0, end: 9, redirects: [{ operator: '>', start: 5, end: 8 }] },
			{ start: 10, end: 13, redirects: [] },
		]);
		const analysis = await analyzeCommand(tooDeep, parser);
		assert.equal(analysis.ok, false);
		assert.equal((await analyzeCommand('git status && npm test', parser)).ok, true);
	});

	it('gives each of many lines in flight at once its own answer', async () => {
		const parser = createCommandParser();
		const lines = Array.from({ length: 40 }, (_unused, index) => `${'echo x; '.repeat(index % 7)}ls ${'a'.repeat(index)}`);
		const alone: unknown[] = [];
		for (const line of lines) {
			alone.push(await analyzeCommand(line, parser));
		}
		const together = await Promise.all(lines.map((line) => Promise.all([parser.statements(line), analyzeCommand(line, parser)])));
		together.forEach(([statements, analysis], index) => {
			assert.equal(statements.length, (index % 7) + 1, lines[index]);
			assert.deepEqual(analysis, alone[index], lines[index]);
		});
	});
});
