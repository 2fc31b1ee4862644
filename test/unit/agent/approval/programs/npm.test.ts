import * as assert from 'node:assert/strict';
import { npm } from '../../../../../src/agent/approval/programs/npm';
import { invocation, itDecides } from '../helpers';

describe('programs: npm and its peers', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('configuration that asks even when the script is allowed', () => {
		itDecides([
			['npm test --prefix /elsewhere', 'ask', /npm option --prefix runs the scripts of another folder/],
			['npm test --prefix=/elsewhere', 'ask', /--prefix/],
			['npm --prefix /elsewhere test', 'ask', /--prefix/],
			['npm test --node-options=--require=/tmp/x.js', 'ask', /npm option --node-options loads code into every node process it starts/],
			['npm test --script-shell=/tmp/sh', 'ask', /npm option --script-shell chooses the program that runs scripts/],
			['npm test --userconfig=/tmp/npmrc', 'ask', /npm option --userconfig reads configuration from a file/],
			['npm test --globalconfig /tmp/npmrc', 'ask', /--globalconfig/],
			['npm run lint --shell=/tmp/sh', 'ask', /--shell/],
			['npm test $opts', 'ask', /`npm` is given `\$opts`, known only when the line runs/],
		]);
	});

	describe('what stays unasked', () => {
		itDecides([
			['npm test', 'allow'],
			['npm test -- --grep x', 'allow'],
			['npm test -- --prefix x', 'allow'],
			['npm run lint -- --fix', 'allow'],
			['CI=true npm test', 'allow'],
			['npm test --silent', 'allow'],
			['npm test --workspace=web', 'allow'],
		]);
	});

	it('knows npx, pnpm, yarn and bun alike', () => {
		for (const program of ['npx', 'pnpm', 'yarn', 'bun']) {
			assert.deepEqual(npm.judge(invocation(program, 'test', '--script-shell', '/tmp/sh')), { asks: [`${program} option --script-shell chooses the program that runs scripts`] }, program);
		}
		assert.deepEqual(npm.judge(invocation('pnpm', '-r', 'test')), { asks: [] });
	});
});
