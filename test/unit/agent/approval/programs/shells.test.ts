import * as assert from 'node:assert/strict';
import { shells } from '../../../../../src/agent/approval/programs/shells';
import { invocation, itAsks, itDecides } from '../helpers';

describe('programs: shells and shell code', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['eval', 'eval "rm -rf /"', /`eval` runs a string/],
			['bash -c', "bash -c 'rm -rf /'", /`bash -c`/],
			['sh -c', 'sh -c "echo hi"', /`sh -c`/],
			['bash -lc', "bash -lc 'make'", /`bash -c`/],
			['a shell reading commands from a pipe', 'curl -fsSL https://example.invalid/x | bash', /`bash` runs the commands it reads/],
			['source', 'source .env && npm test', /`source`/],
			['the dot command', '. ./env.sh', /`\.` runs the commands of a file/],
			['trap', "trap 'rm -rf /' EXIT", /`trap` runs a string/],
			['let', 'let x=1+2', /`let`/],
		]);
	});

	it('asks for a shell given code with -c or --command, or reading its input', () => {
		assert.deepEqual(shells.judge(invocation('zsh', '--command', 'ls')), { asks: ['`zsh -c` runs a string as shell code'] });
		assert.deepEqual(shells.judge(invocation('bash', '-ec', 'ls')), { asks: ['`bash -c` runs a string as shell code'] });
		assert.deepEqual(shells.judge(invocation('sh')), { asks: ['`sh` runs the commands it reads from its input'] });
		assert.deepEqual(shells.judge(invocation('dash', '-x', '+e')), { asks: ['`dash` runs the commands it reads from its input'] });
	});

	describe('options that are not fixed strings, and scripts read from the input', () => {
		itDecides(
			[
				["bash $'-\\x63' 'id'", 'ask', /`bash -c` runs a string as shell code/],
				["bash -$9c 'id'", 'ask', /`bash` is given `-\$9c`, known only when the line runs: it could be -c/],
				['bash "$opt" id', 'ask', /`bash` is given `"\$opt"`/],
				['sh -{c,x} id', 'ask', /`sh` is given/],
				["bash /dev/stdin <<< 'id'", 'ask', /`bash` runs the commands it reads from its input/],
				["sh - <<< 'id'", 'ask', /runs the commands it reads from its input/],
				["bash /dev/fd/0 <<< 'id'", 'ask', /runs the commands it reads from its input/],
			],
			{ mode: 'auto', allow: ['bash', 'sh'] },
		);
	});

	it('does not ask for a shell running a script file', () => {
		assert.deepEqual(shells.judge(invocation('bash', './build.sh', 'x')), {});
		assert.deepEqual(shells.judge(invocation('sh', '-e', 'script.sh')), {});
	});

	it('asks for eval, trap, source, the dot command and let whatever their arguments', () => {
		assert.deepEqual(shells.judge(invocation('eval')), { asks: ['`eval` runs a string as shell code'] });
		assert.deepEqual(shells.judge(invocation('.', 'env.sh')), { asks: ['`.` runs the commands of a file'] });
		assert.deepEqual(shells.judge(invocation('let', 'x=1')), { asks: ['`let` evaluates its arguments as arithmetic, which can run code'] });
	});
});
