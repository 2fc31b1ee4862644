import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { defaultCommandParser, type CommandParser } from '../../../../src/agent/approval';
import { confirm, isCertain, type Probe } from '../../../../src/agent/approval/confirm';
import { loadMvdanSh } from '../../../../src/agent/approval/mvdanSh';

const word = (text: string): Probe => ({ kind: 'word', text });
const list = (text: string, starts: readonly number[] = [0]): Probe => ({ kind: 'list', text, starts });

const plainCharacters = 'abcXYZ0189_./:,+%@=-';
const certainWords = ['echo', 'ab', '--grep=x', 'src/a.ts', 'a:b,c+d%e@f', '-', '--', '=', '=x', '2', '@', '%', ...plainCharacters.split('')];
const certainLists = ['ls', 'git status', 'npm run lint', 'a=b ls -la', 'x=1', 'echo @ % , : = + -', 'timeout 5 ls', 'done1 iff', plainCharacters];

describe('confirm: pieces mvdan/sh cannot read otherwise', function () {
	this.timeout(30_000);

	it('takes plain words, and lists of plain words that are one command, as certain', () => {
		for (const text of certainWords) {
			assert.equal(isCertain(word(text)), true, text);
		}
		for (const text of certainLists) {
			assert.equal(isCertain(list(text)), true, text);
		}
	});

	it('sends whatever quotes, expands, separates, comments, globs, is reserved or not ASCII', () => {
		for (const text of ['a b', '"x"', "'x'", '$x', '`x`', 'a;b', 'a&b', 'a|b', 'a>b', 'a<b', '(x)', '#x', 'a#b', '~', 'a*', 'a?', '[a]', '{a,b}', 'a\\b', 'é', 'a\tb', 'a\nb', '!x', '']) {
			assert.equal(isCertain(word(text)), false, JSON.stringify(text));
		}
		for (const text of ['if', 'then ls', 'ls done', 'time ls', 'coproc x', 'function f', 'a  b', ' ls', 'ls ', 'ls;', 'echo $x', 'ls\npwd', '']) {
			assert.equal(isCertain(list(text)), false, JSON.stringify(text));
		}
		assert.equal(isCertain(list('ls pwd', [0, 3])), false);
		assert.equal(isCertain({ kind: 'pattern', text: 'abc' }), false);
		assert.equal(isCertain({ kind: 'regex', text: 'abc' }), false);
	});

	it('is right: mvdan/sh reads each certain word as one word, and each certain list as one statement', async () => {
		const mvdanSh = await loadMvdanSh(fs.readFileSync(require.resolve('sh-syntax/main.wasm')));
		for (const text of certainWords) {
			const parse = mvdanSh.parse(`: > ${text}`);
			assert.ok(parse.ok, text);
			const [statement] = parse.file.Stmts;
			assert.equal(parse.file.Stmts.length, 1, text);
			assert.deepEqual(
				statement.Redirs.map((redirect) => [redirect.Op, redirect.Word.Pos.Offset, redirect.Word.End.Offset]),
				[['>', 4, 4 + text.length]],
				text,
			);
		}
		for (const text of certainLists) {
			const parse = mvdanSh.parse(text);
			assert.ok(parse.ok, text);
			assert.deepEqual(
				parse.file.Stmts.map((statement) => [statement.Pos.Offset, statement.End.Offset]),
				[[0, text.length]],
				text,
			);
		}
	});

	it('asks mvdan/sh about the uncertain pieces only, and still finds what it reads otherwise', async () => {
		const sent: string[] = [];
		const real = defaultCommandParser();
		const counting: CommandParser = {
			statements: (text) => {
				sent.push(text);
				return real.statements(text);
			},
			tree: (text, read) => real.tree(text, read),
		};
		assert.equal(await confirm([word('echo'), word('--grep=x'), list('git status')], counting), undefined);
		assert.deepEqual(sent, []);
		assert.equal(await confirm([word('echo'), word('"a b"'), list('echo a; echo b', [0, 8])], counting), undefined);
		assert.deepEqual(sent, [': > "a b"\necho a; echo b\n']);
		assert.equal(await confirm([word('ls'), word('a;b')], counting), 'the word `a;b`');
	});
});
