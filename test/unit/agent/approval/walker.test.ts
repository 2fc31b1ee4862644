import * as assert from 'node:assert/strict';
import { analyzed, itAsks, itDecides, texts } from './helpers';

describe('the walk of statements', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('splitting a line into its simple commands', () => {
		it('splits `a && b; c | d` into four sub-commands', async () => {
			assert.deepEqual(await texts('a && b; c | d'), ['a', 'b', 'c', 'd']);
		});

		it('splits on ||, &, |&, newlines and a trailing ;', async () => {
			assert.deepEqual(await texts('a || b & c |& d\ne;'), ['a', 'b', 'c', 'd', 'e']);
		});

		it('finds the commands inside subshells and blocks', async () => {
			assert.deepEqual(await texts('(cd web && npm ci) && { echo a; echo b; } > out.txt'), ['cd web', 'npm ci', 'echo a', 'echo b']);
		});

		it('finds the commands in if, while, until, for and case bodies and conditions', async () => {
			assert.deepEqual(await texts('if [ -f a ]; then npm test; elif b; then c; else d; fi'), ['[ -f a ]', 'npm test', 'b', 'c', 'd']);
			assert.deepEqual(await texts('while read -r line; do echo "$line"; done < file.txt'), ['read -r line', 'echo "$line"']);
			assert.deepEqual(await texts('until false; do sleep 1; done'), ['false', 'sleep 1']);
			assert.deepEqual(await texts('for f in *.ts; do wc -l "$f"; done'), ['wc -l "$f"']);
			assert.deepEqual(await texts('case "$1" in a|b) echo ab;; *) echo other;; esac'), ['echo ab', 'echo other']);
			assert.deepEqual(await texts('for i in 1 2\ndo\n  echo $i\ndone'), ['echo $i']);
		});

		it('keeps redirections in the text and here-document bodies out of it', async () => {
			assert.deepEqual(await texts("cat > notes.md <<'EOF'\n# Notes\n$(not run)\nEOF\nnpm test 2>&1 | tee log"), ["cat >notes.md <<'EOF'", 'npm test 2>&1', 'tee log']);
		});
	});

	describe("split by tree-sitter-bash's syntax tree", () => {
		it('finds a nested if in a subshell in a pipeline, with its loop, here-document and case', async () => {
			const line = [
				'echo start | (if [ -f a ]; then while read -r l; do grep -n "$l" b; done; else cat <<EOF',
				'$(date)',
				'EOF',
				'fi) | sort -u && { for f in *.ts; do case "$f" in *.d.ts) : skip;; *) wc -l "$f";; esac; done; }',
			].join('\n');
			assert.deepEqual(await texts(line), ['echo start', '[ -f a ]', 'read -r l', 'grep -n "$l" b', 'date', 'cat <<EOF', 'sort -u', ': skip', 'wc -l "$f"']);
		});

		it('gives redirections written after a list or pipeline to its last command, as bash does', async () => {
			assert.deepEqual(await texts('a && b > out'), ['a', 'b >out']);
			assert.deepEqual(await texts('a | b 2>&1 >> log; c'), ['a', 'b 2>&1 >>log', 'c']);
			assert.deepEqual(await texts('! a || b < in'), ['a', 'b <in']);
			assert.deepEqual(await texts('{ a; } > out && b'), ['a', 'b']);
		});

		it('keeps the commands tree-sitter-bash hangs on a here-document', async () => {
			assert.deepEqual(await texts('cat <<EOF | grep x > out && echo done\nbody $(id)\nEOF\nls'), ['id', 'cat <<EOF', 'grep x >out', 'echo done', 'ls']);
			assert.deepEqual(await texts('cat <<EOF > out 2>&1 || echo failed\nbody\nEOF'), ['cat <<EOF >out 2>&1', 'echo failed']);
		});

		it('reads arrays, select loops and arithmetic for loops', async () => {
			const arrays = await analyzed('arr=(1 "$(id)") && echo "${arr[@]}"');
			assert.deepEqual(arrays.subCommands.map((subCommand) => subCommand.text), ['id', 'echo "${arr[@]}"']);
			assert.deepEqual(arrays.alwaysAsk, ['runs the commands of a command substitution `$(id)`']);
			assert.match((await analyzed('arr=([$i]=1)')).alwaysAsk.join(), /array subscript evaluated as arithmetic/);
			assert.deepEqual(await texts('select x in a b; do echo "$x"; break; done'), ['echo "$x"', 'break']);
			const loop = await analyzed('for ((i = 0; i < 3; i++)); do echo $i; done');
			assert.deepEqual(loop.subCommands.map((subCommand) => subCommand.text), ['echo $i']);
			assert.match(loop.alwaysAsk.join(), /arithmetic on variables/);
		});

		it('walks the redirections of compound commands and functions, which run no program of their own', async () => {
			assert.deepEqual(await texts('if true; then :; fi > "$(id)"'), ['true', ':', 'id']);
			assert.deepEqual(await texts('f() { :; } > out'), [':']);
			assert.deepEqual(await texts('while true; do break; done | cat'), ['true', 'break', 'cat']);
		});
	});

	describe('constructs that always ask', () => {
		itAsks([['a function definition', 'npm() { rm -rf /; }; npm test', /defines a function `npm`/, ['rm -rf /', 'npm test']]]);
	});

	describe('background commands inside loops, which can create processes without end', () => {
		itDecides([
			['while [[ 1 ]]; do ls & done', 'ask', /starts commands in the background inside a loop/],
			['while true; do ls & echo; done', 'ask', /in the background inside a loop/],
			['until false; do { ls & }; done', 'ask', /inside a loop/],
			['for i in 1 2; do (ls &); done', 'ask', /inside a loop/],
			['for ((;;)); do ls & done', 'ask', /inside a loop/],
			['while :; do echo $(ls &); done', 'ask', /inside a loop/],
			['while true; do for i in 1; do ls; done & done', 'ask', /inside a loop/],
		]);
	});

	describe('a loop variable read as a file is judged by the loop’s words', () => {
		itDecides([
			['for f in ~/.ssh/*; do cat "$f"; done', 'ask', /`cat` reads ~\/\.ssh\/\*, outside the workspace/],
			['for f in a.ts; do f=~/.ssh/id_rsa; cat "$f"; done', 'ask', /known only when the line runs/],
			['for f in a.ts; do read -r f; cat "$f"; done < list', 'ask', /known only when the line runs/],
			['for f in $(ls); do cat "$f"; done', 'ask'],
			['for f in {x,~/.ssh/id_rsa}; do cat $f; done', 'ask', /outside the workspace/],
			['cat {x,~/.ssh/id_rsa}', 'ask', /outside the workspace/],
		]);
	});

	describe('loops and background commands that stay unasked', () => {
		itDecides([
			['for f in a b; do echo $f; done', 'allow'],
			['for f in *.ts; do grep -c x "$f"; done', 'allow'],
			['for f in src/a.ts README.md; do cat $f; done', 'allow'],
			['ls & echo done', 'allow'],
			['for i in 1 2; do echo $i; done & echo started', 'allow'],
		]);
	});
});
