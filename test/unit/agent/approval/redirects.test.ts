import * as assert from 'node:assert/strict';
import { defaultCommandParser } from '../../../../src/agent/approval';
import { redirectParts } from '../../../../src/agent/approval/redirects';
import { descendants } from '../../../../src/agent/approval/syntax';
import { quotedText, unquotedWord } from '../../../../src/agent/approval/words';

/** The parts of the first redirection of `type` in `line`, with nodes given as their text. */
async function partsOf(line: string, type: string) {
	return defaultCommandParser().tree(line, (root) => {
		const [redirect] = descendants(root, (node) => node.type === type).sort((left, right) => left.startIndex - right.startIndex);
		const parts = redirectParts(redirect);
		return {
			texts: parts.texts,
			expanded: parts.expanded.map(({ node, context }) => [node.text, context]),
			words: parts.words.map((node) => node.text),
			trailing: parts.trailing.map((node) => node.text),
		};
	});
}

describe('redirections', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	it('gives a redirection its descriptor, operator and target, and the target to expand', async () => {
		assert.deepEqual(await partsOf('ls 2> "$out"', 'file_redirect'), { texts: ['2>"$out"'], expanded: [['"$out"', unquotedWord]], words: [], trailing: [] });
	});

	it('keeps `> >(cat)` from reading as `>>(cat)`', async () => {
		assert.deepEqual((await partsOf('echo > >(cat)', 'file_redirect')).texts, ['> >(cat)']);
	});

	it('gives the command the words tree-sitter-bash puts in a redirection', async () => {
		assert.deepEqual((await partsOf('echo a >x b', 'file_redirect')).words, ['b']);
	});

	it('expands the body of a here-document only when its delimiter is unquoted, and keeps what hangs on it', async () => {
		const expanded = await partsOf('cat <<EOF | grep x\nhello $(id)\nEOF', 'heredoc_redirect');
		assert.deepEqual(expanded.texts, ['<<EOF']);
		assert.deepEqual(expanded.expanded, [['hello $(id)\n', quotedText]]);
		assert.deepEqual(expanded.trailing, ['| grep x']);
		const quoted = await partsOf("cat <<'EOF'\n$(id)\nEOF", 'heredoc_redirect');
		assert.deepEqual(quoted, { texts: ["<<'EOF'"], expanded: [], words: [], trailing: [] });
	});
});
