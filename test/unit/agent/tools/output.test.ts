import * as assert from 'node:assert/strict';
import { capOutput } from '../../../../src/agent/tools/output';

describe('tool output', () => {
	it('caps long output keeping the head and the tail, saying how much was elided and where the rest is', () => {
		const long = Array.from({ length: 10_000 }, (_, index) => `line ${index}`).join('\n');
		const capped = capOutput(long, { logPath: '/logs/bg-1.log' });
		assert.ok(capped.length <= 30_000);
		assert.ok(capped.startsWith('line 0\nline 1\n'));
		assert.ok(capped.endsWith('line 9999'));
		assert.match(capped, /\[… \d+ characters \(\d+ lines\) elided from the middle\. The full output is in \/logs\/bg-1\.log\. …\]/);
		assert.equal(capOutput('short'), 'short');
	});
});
