import { itDecides } from '../helpers';

describe('programs: cd and pushd', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	const policy = { mode: 'auto', allow: ['cd', 'pushd', 'cat', 'ls'], workspaceFolders: ['/work/project'] } as const;

	describe('going outside the workspace asks, since later commands read from there', () => {
		itDecides(
			[
				['cd ~ && cat .ssh/id_rsa', 'ask', /`cd` reads ~, outside the workspace/],
				['cd && cat .ssh/id_rsa', 'ask', /`cd` goes to the home folder/],
				['cd /tmp; cat x', 'ask', /`cd` reads \/tmp/],
				['cd .. && cat other/.env', 'ask', /reads \.\./],
				['cd - && cat x', 'ask', /goes to an earlier folder/],
				['pushd /etc && cat passwd', 'ask', /`pushd` reads \/etc/],
				['cd "$dir" && cat x', 'ask', /known only when the line runs/],
			],
			policy,
		);
	});

	describe('moving inside the workspace stays unasked', () => {
		itDecides(
			[
				['cd src && ls', 'allow'],
				['cd /work/project/src && cat a.ts', 'allow'],
				['cd -P src', 'allow'],
			],
			policy,
		);
	});
});
