import * as assert from 'node:assert/strict';
import { analyzeCommand, defaultCommandParser, type CommandParser, type SubCommand } from '../../../../src/agent/approval';
import { analyzed, texts } from './helpers';

describe('analyzeCommand', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('lines as a whole', () => {
		it('counts offsets right around text that is not ASCII', async () => {
			assert.deepEqual(await texts("echo é && ls 'ü' | grep 漢字"), ['echo é', "ls 'ü'", 'grep 漢字']);
		});

		it('finds no sub-command in assignments, comments or empty lines', async () => {
			for (const line of ['FOO=1 BAR=2', '# a comment', '', '   ']) {
				assert.deepEqual(await analyzed(line), { ok: true, subCommands: [], alwaysAsk: [], writes: [], reads: [] }, line);
			}
		});

		it('does not ask for plain commands, numeric arithmetic, quoted `$(…)` or a quoted here-document', async () => {
			for (const line of [
				'npm test -- --watch',
				'echo $((2 + 3)) $((0x1F))',
				"echo '$(not run)' \"\\$(nor this)\"",
				"cat <<'EOF'\n$(not run)\nEOF",
				'[[ -n "${CI:-}" ]] && echo ci',
				'FOO=1 BAR=2',
				'if [ -f package.json ]; then npm test; fi',
				'bash ./scripts/build.sh',
				'printf "%s\\n" "${arr[@]}" && read -r a[0] <<< x',
			]) {
				assert.deepEqual((await analyzed(line)).alwaysAsk, [], line);
			}
		});
	});

	describe('lines that cannot be parsed', () => {
		it('reports an unterminated quote as unparseable, with mvdan/sh’s message', async () => {
			const analysis = await analyzeCommand('echo "unterminated');
			assert.equal(analysis.ok, false);
			assert.match(analysis.ok ? '' : analysis.reason, /^could not parse: reached EOF without closing quote/);
		});

		it('reports constructs tree-sitter-bash or the walk does not know as unparseable', async () => {
			for (const line of ['echo @(a|b)', 'coproc cat', '{rm,-rf,/}', 'cat <<A <<B\nx\nA\ny\nB', 'cmd <> file']) {
				const analysis = await analyzeCommand(line);
				assert.equal(analysis.ok, false, line);
			}
		});

		it('treats statements mvdan/sh reads otherwise than tree-sitter-bash as unparseable', async () => {
			const real = defaultCommandParser();
			const line = "echo 'a; rm x'";
			// As if one of the parsers had taken the `;` inside the quotes for a separator.
			const disagreeing: CommandParser = {
				statements: async (text) => (text === line ? [...(await real.statements(text)), { start: 9, end: 13, redirects: [] }] : real.statements(text)),
				tree: (text, read) => real.tree(text, read),
			};
			const analysis = await analyzeCommand(line, disagreeing);
			assert.equal(analysis.ok, false);
			assert.match(analysis.ok ? '' : analysis.reason, /tree-sitter-bash and mvdan\/sh read the statements of the line differently/);
		});

		it('treats a word or nested list mvdan/sh reads otherwise than tree-sitter-bash as unparseable', async () => {
			const real = defaultCommandParser();
			// As if mvdan/sh had ended the first word it was shown one character earlier.
			const shorterWords: CommandParser = {
				statements: async (text) => {
					const statements = await real.statements(text);
					return text.startsWith(': > ') ? statements.map((statement, index) => (index === 0 ? { ...statement, redirects: statement.redirects.map((redirect) => ({ ...redirect, end: redirect.end - 1 })) } : statement)) : statements;
				},
				tree: (text, read) => real.tree(text, read),
			};
			// A quoted word: plain words are not shown to mvdan/sh (they cannot read otherwise, see confirm.ts).
			const word = await analyzeCommand('"npm" test', shorterWords);
			assert.match(word.ok ? '' : word.reason, /^could not parse: mvdan\/sh reads the word `"npm"` otherwise than tree-sitter-bash/);
			// As if mvdan/sh had found one statement more in the subshell's list.
			const moreStatements: CommandParser = {
				statements: async (text) => {
					const statements = await real.statements(text);
					const list = text.split('\n').indexOf('a; b') >= 0 ? Buffer.byteLength(text.slice(0, text.indexOf('a; b\n'))) : -1;
					const extra = { start: list + 2, end: list + 3, redirects: [] };
					return list < 0 ? statements : [...statements, extra].sort((left, right) => left.start - right.start);
				},
				tree: (text, read) => real.tree(text, read),
			};
			const list = await analyzeCommand('(a; b)', moreStatements);
			assert.match(list.ok ? '' : list.reason, /^could not parse: mvdan\/sh reads the statements of `a; b` otherwise than tree-sitter-bash/);
		});

		it('asks where tree-sitter-bash hides an operator in a word, skips text or swaps here-documents', async () => {
			for (const line of [
				'(echo == x && rm -rf /)',
				'(echo =~ x; rm -rf /)',
				// bash joins `r\<newline>m` into `rm`; tree-sitter-bash reads two words.
				'echo hi; r\\\nm -rf /',
				// A carriage return is part of a word to bash; tree-sitter-bash drops it.
				'echo hi\r\nls',
				"a <<'EOF' | { b; } <<EOF\n$(not run)\nEOF\n$(runs)\nEOF",
			]) {
				const analysis = await analyzeCommand(line);
				assert.equal(analysis.ok, false, line);
			}
		});

		it("recovers the `-` tree-sitter-bash drops before a here-document (`python3 - <<'EOF'`)", async () => {
			const [python] = (await analyzed("python3 - <<'EOF'\nprint(1)\nEOF")).subCommands;
			assert.deepEqual(python, { text: "python3 - <<'EOF'", name: 'python3', args: ['-'], bare: 'python3 -' } satisfies SubCommand);
		});

		it('asks for a line mvdan/sh rejects even where tree-sitter-bash reads a tree', async () => {
			for (const line of ['f() echo hi', 'echo a | | b']) {
				const analysis = await analyzeCommand(line);
				assert.equal(analysis.ok, false, line);
			}
		});

		it('reports hostile nesting as unparseable instead of failing', async () => {
			for (const line of ['"${a:-'.repeat(3000) + 'x' + '}"'.repeat(3000), 'echo ' + '$('.repeat(500) + 'x' + ')'.repeat(500)]) {
				const analysis = await analyzeCommand(line);
				assert.equal(analysis.ok, false);
			}
			assert.equal((await analyzeCommand('ls')).ok, true, 'the parser still works afterwards');
		});

		it('checks lines with many words', async () => {
			const analysis = await analyzed('echo ' + 'word "two words" '.repeat(700));
			assert.equal(analysis.subCommands[0].args.length, 1400);
		});

		it('reads a realistic line', async () => {
			const line = 'git commit -m "$(cat <<\'EOF\'\nmsg\n\nbody\nEOF\n)" && git log --format=\'%H %s\' -n 1 | cat';
			assert.deepEqual(await texts(line), ["cat <<'EOF'", 'git commit -m "$(cat <<\'EOF\'\nmsg\n\nbody\nEOF\n)"', "git log --format='%H %s' -n 1", 'cat']);
		});
	});
});
