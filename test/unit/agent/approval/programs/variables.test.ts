import * as assert from 'node:assert/strict';
import { assignmentAsks, environmentAsks } from '../../../../../src/agent/approval/programs/variables';
import { itAsks, itDecides } from '../helpers';

describe('programs: variables that change what commands run', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([['setting PATH for later commands', 'PATH=./evil-bin; npm test', /sets PATH/]]);
	});

	describe('assigning a hijacking variable asks, for one command or for those after it', () => {
		itDecides([
			['HOME=/tmp/h; git status', 'ask', /sets HOME, which changes what programs read and run/],
			['HOME=/tmp/h git status', 'ask', /sets HOME/],
			['HOME=/tmp/h npm test', 'ask', /sets HOME/],
			['XDG_CONFIG_HOME=/tmp/x git status', 'ask', /sets XDG_CONFIG_HOME/],
			['EXECIGNORE=x; ls', 'ask', /sets EXECIGNORE/],
			['GIT_EXTERNAL_DIFF=/tmp/x git diff', 'ask', /sets GIT_EXTERNAL_DIFF/],
			['GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0=id git log', 'ask', /sets GIT_CONFIG_COUNT/],
			['npm_config_script_shell=/tmp/sh npm test', 'ask', /sets npm_config_script_shell/],
			['NPM_CONFIG_PREFIX=/tmp npm test', 'ask', /sets NPM_CONFIG_PREFIX/],
			['NODE_OPTIONS=--require=/tmp/x.js npm test', 'ask', /sets NODE_OPTIONS/],
			['LD_PRELOAD=/tmp/x.so ls', 'ask', /sets LD_PRELOAD/],
			['BASH_ENV=/tmp/x bash script.sh', 'ask', /sets BASH_ENV/],
			['ENV=/tmp/x sh script.sh', 'ask', /sets ENV/],
			['PATH=/tmp/bin:$PATH ls', 'ask', /sets PATH/],
			['IFS=/ ; ls', 'ask', /sets IFS/],
			["PROMPT_COMMAND='id'; ls", 'ask', /sets PROMPT_COMMAND/],
			['export HOME=/tmp/h; git status', 'ask', /sets HOME/],
			['declare -x GIT_DIR=/tmp/r; git status', 'ask', /sets GIT_DIR/],
			['env HOME=/tmp/h git status', 'ask', /sets HOME/],
			['read -r HOME <<< /tmp/h; git status', 'ask', /sets HOME/],
			['printf -v HOME /tmp/h; git status', 'ask', /sets HOME/],
			['PAGER=id git log', 'ask', /sets PAGER/],
		]);
	});

	describe('what bash does not read as an assignment', () => {
		itDecides([
			['1a=1', 'ask', /`1a=…` is no assignment to bash, which runs it as a program/],
			['9x=y; ls', 'ask', /no assignment/],
		]);
	});

	describe('other variables stay unasked', () => {
		itDecides([
			['CI=true npm test', 'allow'],
			['FORCE_COLOR=0 NODE_ENV=test npm test', 'allow'],
			['DEBUG=x; echo $DEBUG', 'allow'],
			['CI=1; npm test', 'allow'],
		]);
	});

	it('knows the variables that choose programs or what they load', () => {
		for (const name of ['PATH', 'IFS', 'BASH_ENV', 'NODE_OPTIONS', 'PYTHONPATH', 'LD_PRELOAD', 'DYLD_INSERT_LIBRARIES', 'GIT_DIR', 'HOME', 'XDG_CONFIG_HOME', 'npm_config_prefix']) {
			assert.equal(environmentAsks(name), `sets ${name}, which changes what programs read and run`, name);
		}
		for (const name of ['FOO', 'PATHS', 'MY_PATH', 'LD_', 'NODE_ENV', 'CI', 'HOMEBREW']) {
			assert.equal(environmentAsks(name), undefined, name);
		}
	});

	it('asks for an assignment of such a variable, and for one that is no assignment', () => {
		assert.equal(assignmentAsks('PATH=x'), 'sets PATH, which changes what programs read and run');
		assert.equal(assignmentAsks('PATH+=:x'), 'sets PATH, which changes what programs read and run');
		assert.equal(assignmentAsks('a[1]=x'), undefined);
		assert.equal(assignmentAsks('FOO=x'), undefined);
		assert.match(assignmentAsks('1a=1') ?? '', /no assignment/);
	});
});
