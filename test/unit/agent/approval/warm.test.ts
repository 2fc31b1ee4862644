import * as assert from 'node:assert/strict';
import { createCommandParser, evaluateCommand, warmUp } from '../../../../src/agent/approval';

describe('warmUp', function () {
	this.timeout(60_000);

	it('lets the event loop run between lines, and leaves the parser deciding right', async () => {
		const parser = createCommandParser();
		// Loaded first: reading the wasm files alone would let timers run.
		await parser.statements('ls');
		let ticks = 0;
		const timer = setInterval(() => ticks++, 0);
		try {
			await warmUp(parser, 1);
		} finally {
			clearInterval(timer);
		}
		assert.ok(ticks > 0, 'no timer ran while warming up');
		const policy = { mode: 'auto', allow: ['git status'], deny: ['rm'] } as const;
		assert.equal((await evaluateCommand('git status', policy, parser)).decision, 'allow');
		assert.equal((await evaluateCommand('git status && rm -rf build', policy, parser)).decision, 'deny');
	});
});
