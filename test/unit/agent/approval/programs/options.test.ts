import * as assert from 'node:assert/strict';
import { skipOptions } from '../../../../../src/agent/approval/programs/options';
import { literal } from '../helpers';

const args = (...texts: readonly string[]) => texts.map(literal);

describe('programs: reading options', () => {
	it('finds the first argument that is not an option', () => {
		assert.equal(skipOptions(args('-a', '-b', 'cmd', '-c')), 2);
		assert.equal(skipOptions(args('cmd')), 0);
		assert.equal(skipOptions(args()), 0);
	});

	it('skips the values of options that take one', () => {
		assert.equal(skipOptions(args('-n', '5', 'cmd'), new Set(['-n'])), 2);
		// An option missing its value: past the end.
		assert.equal(skipOptions(args('-n'), new Set(['-n'])), 2);
	});

	it('stops after `--`, and at a lone `-`', () => {
		assert.equal(skipOptions(args('-a', '--', '-cmd')), 2);
		assert.equal(skipOptions(args('-a', '-', 'x')), 1);
	});
});
