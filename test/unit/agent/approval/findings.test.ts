import * as assert from 'node:assert/strict';
import { Findings } from '../../../../src/agent/approval/findings';
import { UnsupportedSyntaxError } from '../../../../src/agent/approval/syntax';

describe('findings of a walk', () => {
	it('keeps sub-commands, reasons and probes in the order found', () => {
		const findings = new Findings();
		findings.record({ text: 'a', name: 'a', args: [] });
		findings.ask('first');
		findings.ask('first');
		findings.probeWord('a');
		findings.probe({ kind: 'pattern', text: 'x*' });
		assert.deepEqual(findings.subCommands, [{ text: 'a', name: 'a', args: [] }]);
		assert.deepEqual(findings.alwaysAsk, ['first', 'first']);
		assert.deepEqual(findings.probes, [
			{ kind: 'word', text: 'a' },
			{ kind: 'pattern', text: 'x*' },
		]);
	});

	it('lets the walk go 200 levels deep, and no deeper', () => {
		const findings = new Findings();
		const descend = (levels: number): void => findings.nested(() => (levels > 1 ? descend(levels - 1) : undefined));
		assert.doesNotThrow(() => descend(200));
		assert.throws(() => descend(201), (error: unknown) => error instanceof UnsupportedSyntaxError && /nesting is too deep/.test(error.message));
		// The depth is given back on the way out, thrown or not.
		assert.doesNotThrow(() => descend(200));
	});
});
