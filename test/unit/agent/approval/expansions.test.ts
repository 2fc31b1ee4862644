import * as assert from 'node:assert/strict';
import { analyzeCommand } from '../../../../src/agent/approval';
import { analyzed, itAsks } from './helpers';

describe('the walk of words', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['command substitution in an argument', 'echo $(date)', /command substitution `\$\(date\)`/, ['date', 'echo $(date)']],
			['command substitution inside double quotes and nested', 'echo "$(echo $(whoami))"', /command substitution `\$\(whoami\)`/, ['whoami', 'echo $(whoami)', 'echo "$(echo $(whoami))"']],
			['backquotes', 'echo `whoami`', /command substitution `` `whoami` ``|command substitution ``whoami``/, ['whoami', 'echo `whoami`']],
			['command substitution in a parameter default', 'echo "${x:-$(rm -rf /)}"', /command substitution/, ['rm -rf /', 'echo "${x:-$(rm -rf /)}"']],
			['command substitution in an assignment', 'x=$(id) npm test', /command substitution/, ['id', 'x=$(id) npm test']],
			['command substitution in a here-document', 'cat <<EOF\nhello $(whoami)\nEOF', /command substitution/, ['whoami', 'cat <<EOF']],
			['process substitution', 'diff <(ls a) <(ls b)', /process substitution `<\(ls a\)`/, ['ls a', 'ls b', 'diff <(ls a) <(ls b)']],
			['process substitution in a parameter default', 'echo ${x:-<(rm -rf /)}', /process substitution/, ['rm -rf /', 'echo ${x:-<(rm -rf /)}']],
			['process substitution in the middle of a word', 'echo a>(rm -rf /)', /process substitution/, ['rm -rf /', 'echo a>(rm -rf /)']],
			['an indirect expansion', 'echo ${!name}', /indirect expansion/],
			['a parameter transformation', 'echo ${x@P}', /parameter transformation/],
			['a substring offset that is not a number', 'echo ${x:n}', /substring offset evaluated as arithmetic/],
			['an array subscript in an expansion', 'echo ${a[$i]}', /array subscript evaluated as arithmetic: `\$\{a\[\$i\]\}`/],
		]);

		it('does not ask for numeric substring offsets and subscripts', async () => {
			assert.deepEqual((await analyzed('echo ${x:1:2} ${a[1]} ${a[@]}')).alwaysAsk, []);
		});
	});

	it('reads again what tree-sitter-bash leaves as text, or asks', async () => {
		// Single quotes inside a double-quoted `${…}` are text to bash, which runs the substitution.
		const quoted = await analyzed(`echo "\${x:-'$(id)'}"`);
		assert.deepEqual(quoted.subCommands.map((subCommand) => subCommand.text), ['id', `echo "\${x:-'$(id)'}"`]);
		// Escaped backquotes nest a substitution in backquotes, which tree-sitter-bash reads as a word.
		const nested = await analyzeCommand('echo `echo \\`id\\``');
		assert.equal(nested.ok, false);
	});
});
