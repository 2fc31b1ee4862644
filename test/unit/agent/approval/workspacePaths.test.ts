import * as assert from 'node:assert/strict';
import { evaluateCommand } from '../../../../src/agent/approval';
import { readAsks } from '../../../../src/agent/approval/workspacePaths';
import { itDecides, userPolicy } from './helpers';

describe('reads stay in the workspace', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('reads of files outside the workspace ask', () => {
		itDecides([
			['cat ~/.ssh/id_rsa', 'ask', /^always asks: `cat` reads ~\/\.ssh\/id_rsa, outside the workspace$/],
			['cat /etc/shadow', 'ask', /`cat` reads \/etc\/shadow, outside the workspace/],
			['cat ../other/.env', 'ask', /reads \.\.\/other\/\.env/],
			['cat src/../../other/.env', 'ask', /outside the workspace/],
			['cat /work/project/../other/x', 'ask', /outside the workspace/],
			['cat /work/projectile/x', 'ask', /outside the workspace/],
			['head -n 5 ~/.aws/credentials', 'ask', /`head` reads ~\/\.aws\/credentials/],
			['tail -f /var/log/auth.log', 'ask', /`tail` reads/],
			['grep -r password ~/.config', 'ask', /`grep` reads ~\/\.config/],
			['grep -e x -- ~/.netrc', 'ask', /reads ~\/\.netrc/],
			['grep -f ~/.ssh/id_rsa src', 'ask', /reads ~\/\.ssh\/id_rsa/],
			['wc -c ~/.ssh/id_rsa', 'ask', /`wc` reads/],
			['cat "$HOME/.ssh/id_rsa"', 'ask', /`cat` reads a file whose name is known only when the line runs/],
			['cat .?/secret', 'ask', /outside the workspace/],
			['cat < ~/.ssh/id_rsa', 'ask', /a redirection reads ~\/\.ssh\/id_rsa/],
			['grep x < /etc/passwd', 'ask', /reads \/etc\/passwd/],
			['cat /proc/self/environ', 'ask', /reads the environment of a process \(\/proc\/self\/environ\), where secrets are kept/],
			['cat /proc/1/environ', 'ask', /environment of a process/],
			['cat /proc/self/task/1/environ', 'ask', /environment of a process/],
			['cat /work/project/../../proc/self/environ', 'ask', /outside the workspace|environment/],
		]);
	});

	describe('secret-looking variables ask when expanded', () => {
		itDecides([
			['echo "$GITHUB_TOKEN"', 'ask', /expands \$GITHUB_TOKEN, which looks like a secret/],
			['echo $AWS_SECRET_ACCESS_KEY', 'ask', /expands \$AWS_SECRET_ACCESS_KEY/],
			['echo ${NPM_TOKEN:-none}', 'ask', /expands \$NPM_TOKEN/],
			['echo "${DB_PASSWORD}"', 'ask', /expands \$DB_PASSWORD/],
			['echo $api_key', 'ask', /expands \$api_key/],
			['cat <<EOF\n$ANTHROPIC_API_KEY\nEOF', 'ask', /expands \$ANTHROPIC_API_KEY/],
			['printenv', 'ask', /`printenv` prints the environment/],
		]);
	});

	describe('what stays unasked', () => {
		itDecides([
			['cat package.json', 'allow'],
			['cat src/index.ts README.md', 'allow'],
			['cat /work/project/src/a.ts', 'allow'],
			['cat ./src/../README.md', 'allow'],
			['grep -rn TODO src', 'allow'],
			['grep -e foo -e bar src', 'allow'],
			['grep ~ src', 'allow'],
			['cat src/*.ts', 'allow'],
			['ls ~', 'allow'],
			['ls /etc', 'allow'],
			['cat -', 'allow'],
			['echo $HOME $PATH', 'allow'],
			['echo "$KEYS_DIR" | cat', 'ask'],
		]);
	});

	it('judges reads against the folders given: none open means the home folder, which is no workspace', async () => {
		assert.equal((await evaluateCommand('cat package.json', { ...userPolicy, workspaceFolders: [] })).decision, 'ask');
		assert.equal((await evaluateCommand('cat /b/x', { ...userPolicy, workspaceFolders: ['/a', '/b'] })).decision, 'allow');
		assert.equal(readAsks({ path: 'src/a.ts', fixed: true, by: '`cat`' }, undefined), undefined);
		assert.match(readAsks({ path: '../a.ts', fixed: true, by: '`cat`' }, undefined) ?? '', /outside the workspace/);
	});
});
