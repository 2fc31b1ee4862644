import * as assert from 'node:assert/strict';
import { git } from '../../../../../src/agent/approval/programs/git';
import { analyzed, invocation, itDecides } from '../helpers';

describe('programs: git', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('deny rules see the verb after the global options', () => {
		itDecides([
			['git -C . push', 'deny', /approval\.deny rule `git push`/],
			['git --no-pager push', 'deny', /git push/],
			['git -c k=v push', 'deny', /git push/],
			['git -c k=v -C src --no-pager push origin main', 'deny', /git push/],
			['git --git-dir=.git push', 'deny', /git push/],
			['git -P push --force', 'deny', /git push/],
			['command git -C . push', 'deny', /git push/],
		]);
	});

	describe('options that ask even when the verb is allowed', () => {
		itDecides([
			['git log --output=/tmp/x', 'ask', /^always asks: git option --output writes a file$/],
			['git diff --output /tmp/x', 'ask', /git option --output writes a file/],
			['git diff --ext-diff', 'ask', /git option --ext-diff runs the external diff program/],
			['git log -p --ext-diff', 'ask', /--ext-diff/],
			['git diff --textconv', 'ask', /git option --textconv runs the text conversion programs/],
			['git -c core.pager=id log', 'ask', /git option -c changes the repository, configuration or programs git uses/],
			['git -c core.fsmonitor=id status', 'ask', /git option -c/],
			['git --config-env=core.pager=X log', 'ask', /--config-env/],
			['git --exec-path=/tmp status', 'ask', /--exec-path/],
			['git --git-dir=/tmp/r log', 'ask', /--git-dir/],
			['git --work-tree=/ status', 'ask', /--work-tree/],
			['git -C ~/other log', 'ask', /`git` reads ~\/other, outside the workspace/],
			['git --frobnicate status', 'ask', /git option --frobnicate is not one approval knows/],
			['git $verb', 'deny', /approval\.deny rule `git push`: `git \$verb` \(a part known only when it runs could make it match\)/],
			['git log $opts', 'ask', /`git log` is given `\$opts`/],
			['git diff --no-index /dev/null ~/.ssh/id_rsa', 'ask', /reads ~\/\.ssh\/id_rsa, outside the workspace/],
			['git diff --no-index a.txt ../other/secret', 'ask', /reads \.\.\/other\/secret/],
		]);
	});

	describe('what asks when the verb is allowed by its own rule', () => {
		itDecides(
			[
				['git config core.fsmonitor id', 'ask', /`git config` changes git’s configuration/],
				['git config --global alias.x "!id"', 'ask', /`git config` changes/],
				['git config --unset core.pager', 'ask', /`git config` changes/],
				['git fetch --upload-pack="sh -c id" origin', 'ask', /--upload-pack runs a program/],
				['git rebase -x id main', 'ask', /git option -x runs a command/],
				['git rebase --exec id main', 'ask', /--exec/],
				['git grep -O id foo', 'ask', /-O runs a pager program/],
				['git format-patch -o /tmp/out HEAD~1', 'ask', /-o writes a file/],
				['git $verb', 'ask', /`git` is given `\$verb`, known only when the line runs/],
				['git config --get user.name', 'allow'],
				['git config user.name', 'allow'],
				['git config --list', 'allow'],
				['git log -x', 'allow'],
				['git grep -n foo', 'allow'],
			],
			{ mode: 'auto', allow: ['git'] },
		);
	});

	describe('what stays unasked', () => {
		itDecides([
			['git status', 'allow'],
			['git status --short', 'allow'],
			['git diff HEAD~1 -- src', 'allow'],
			['git diff --stat', 'allow'],
			['git log --oneline -5', 'allow'],
			['git --no-pager log -5', 'allow'],
			['git --no-pager diff --cached', 'allow'],
			['git -C src status', 'allow'],
			["git log --format='%H %s' -n 1", 'allow'],
			['git log --since="2 weeks ago" --author="$USER"', 'allow'],
			['git diff --no-index a.txt b.txt', 'allow'],
		]);
	});

	it('gives the command as git reads it to the rules, and the global options -C reads', () => {
		assert.deepEqual(git.judge(invocation('git', '--no-pager', '-C', 'web', 'log', '-5')), { asks: [], reads: [2], canonical: ['log', '-5'] });
	});

	it('records the command as git reads it', async () => {
		const [subCommand] = (await analyzed('git --no-pager log -5 > /dev/null')).subCommands;
		assert.equal(subCommand.bare, 'git log -5');
		assert.equal(subCommand.text, 'git --no-pager log -5 >/dev/null');
	});
});
