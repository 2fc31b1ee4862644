import * as assert from 'node:assert/strict';
import { allowsAnyLine, matchesRule, validateRules } from '../../../../src/agent/approval';
import { couldMatchRule, couldMatchUnreadLine } from '../../../../src/agent/approval/rules';

describe('approval rules', () => {
	it('a prefix rule matches the same words and longer commands, on word boundaries only', () => {
		assert.equal(matchesRule('npm test', 'npm test'), true);
		assert.equal(matchesRule('npm test -- --watch', 'npm test'), true);
		assert.equal(matchesRule('npm tester', 'npm test'), false);
		assert.equal(matchesRule('npm', 'npm test'), false);
		assert.equal(matchesRule('git status', 'git'), true);
		assert.equal(matchesRule('gitk', 'git'), false);
		assert.equal(matchesRule('FOO=1 npm test', 'npm test'), false);
	});

	it('normalises whitespace in the text and in the rule', () => {
		assert.equal(matchesRule('  npm\ttest   --watch ', 'npm   test'), true);
		assert.equal(matchesRule('npm\ntest', ' npm test '), true);
	});

	it('a /regex/ rule is tested against the text, with its flags', () => {
		assert.equal(matchesRule('git status --short', '/^git (status|diff)\\b/'), true);
		assert.equal(matchesRule('git push', '/^git (status|diff)\\b/'), false);
		assert.equal(matchesRule('NPM TEST', '/^npm test$/i'), true);
		assert.equal(matchesRule('echo  a', '/^echo a$/'), true, 'the text is normalised before the test');
	});

	it('a regex rule with the g or y flag gives the same answer on every call', () => {
		for (let index = 0; index < 3; index++) {
			assert.equal(matchesRule('npm test', '/npm/g'), true);
			assert.equal(matchesRule('npm test', '/npm/y'), true);
		}
	});

	it('a path such as /usr/bin/make is a prefix rule, not a regex', () => {
		assert.equal(matchesRule('/usr/bin/make -j4', '/usr/bin/make'), true);
		assert.equal(matchesRule('make', '/usr/bin/make'), false);
	});

	it('an invalid rule never matches, and validateRules says why', () => {
		assert.equal(matchesRule('a(b', '/a(b/'), false);
		assert.equal(matchesRule('anything', ''), false);
		const problems = validateRules(['npm test', '/a(b/', '', '/ok/i', 42, '/x/q']);
		assert.deepEqual(
			problems.map((problem) => problem.rule),
			['/a(b/', '', 42],
		);
		assert.match(problems[0].problem, /missing closing \)/);
		assert.match(problems[1].problem, /empty/);
		assert.match(problems[2].problem, /must be a string/);
	});

	it('allowsAnyLine holds only for a regex that matches the whole line and anything else', () => {
		const line = 'rm -rf build &&\n echo $(date)';
		assert.equal(allowsAnyLine(line, '/.*/'), true);
		assert.equal(allowsAnyLine(line, '/^.*$/'), true);
		assert.equal(allowsAnyLine(line, '/[\\s\\S]*/'), true);
		assert.equal(allowsAnyLine(line, '/^rm .*/'), false);
		assert.equal(allowsAnyLine(line, '/rm/'), false);
		assert.equal(allowsAnyLine(line, 'rm'), false);
		assert.equal(allowsAnyLine(line, '/(/'), false);
	});

	it('a rule could match a pattern when some value of its unknown parts would match', () => {
		const cases: readonly [pattern: string, rule: string, expected: boolean][] = [
			['git pu\0sh', 'git push', true],
			['git pu\0sh origin', 'git push', true],
			['git \0', 'git push', true],
			['\0 -rf x', 'rm', true],
			['\0', 'git push', true],
			['git st\0', 'git push', false],
			['echo \0', 'rm', false],
			['git pushx\0', 'git push', false],
			['git push\0', 'git push', true],
			['git pu\0sh', '/^git push/', true],
			['git \0status', '/^git push/', false],
		];
		for (const [pattern, rule, expected] of cases) {
			assert.equal(couldMatchRule(pattern, rule, '\0'), expected, `${JSON.stringify(pattern)} against ${rule}`);
		}
	});

	it('a rule could match a line that cannot be read when it matches a reading of any of its parts', () => {
		assert.equal(couldMatchUnreadLine('echo "x; rm -rf /', 'rm'), true);
		assert.equal(couldMatchUnreadLine('echo "x; rm -rf /', 'rm -rf'), true);
		assert.equal(couldMatchUnreadLine('echo "firm', 'rm'), false);
		assert.equal(couldMatchUnreadLine('ls $(git push "', 'git push'), true);
		assert.equal(couldMatchUnreadLine('ls; git push "', '/^git push/'), true);
		assert.equal(couldMatchUnreadLine('ls "git status', '/^git push/'), false);
	});
});
