import * as assert from 'node:assert/strict';
import { compileLinePattern, PatternError } from '../../../src/common/linePattern';

describe('patterns in linear time (src/common/linePattern)', () => {
	it('matches per line as JavaScript would for ordinary patterns', () => {
		const cases: [string, string, boolean][] = [
			['listening on|ready', 'server ready in 20 ms', true],
			['listening on|ready', 'compiling…', false],
			['^ERROR\\b', 'ERROR: boom', true],
			['^ERROR\\b', 'no ERROR here', false],
			['Local:\\s+http://\\S+', '  ➜  Local:   http://localhost:5173/', true],
			['\\d+ passed, \\d+ failed$', '12 passed, 0 failed', true],
			['(?<port>\\d{2,5})$', 'on port 8080', true],
			['\\/api\\/v\\d', 'GET /api/v2/users', true],
			['[\\w.-]+@example\\.com', 'mail me: a.b-c@example.com', true],
			['\\u0041\\u{1F680}', 'xA\u{1F680}y', true],
			['a[^]c', 'abc', true],
			['caf\u00e9', 'café au lait', true],
			['\u{1F680}{2}', 'go \u{1F680}\u{1F680}', true],
		];
		for (const [source, line, expected] of cases) {
			assert.equal(compileLinePattern(source).test(line), expected, `${source} on ${line}`);
			assert.equal(new RegExp(source, 'u').test(line), expected, `JavaScript agrees on ${source}`);
		}
	});

	it('ignores case when asked', () => {
		assert.equal(compileLinePattern('error').test('ERROR: x'), false);
		assert.equal(compileLinePattern('error', { ignoreCase: true }).test('ERROR: x'), true);
	});

	it('finds the first matching line of a text, and every matching line', () => {
		const pattern = compileLinePattern('^ok \\d+$');
		const text = 'starting\nok 1\nnot ok 2\nok 3';
		assert.equal(pattern.firstMatchingLine(text), 'ok 1');
		assert.deepEqual(pattern.matchingLines(text), ['ok 1', 'ok 3']);
		assert.equal(pattern.firstMatchingLine('nothing\nhere\n'), undefined);
		// The whole-text scan may see a match across lines (\s matches a newline); the line check does not.
		const across = compileLinePattern('foo\\s+bar');
		assert.equal(across.firstMatchingLine('foo\nbar\n'), undefined);
		assert.deepEqual(across.matchingLines('foo\nbar\nfoo bar'), ['foo bar']);
	});

	it('refuses what RE2 lacks with a message that names it', () => {
		const refused: [string, RegExp][] = [
			['(?=ready)r', /lookahead and lookbehind/],
			['(?<!not )ready', /lookahead and lookbehind/],
			['(a)\\1', /backreferences/],
			['(?<x>a)\\k<x>', /backreferences/],
			['a++', /possessive/],
			['(unclosed', /missing closing \)/],
			['', /empty/],
		];
		for (const [source, message] of refused) {
			assert.throws(() => compileLinePattern(source), (error: unknown) => error instanceof PatternError && message.test(error.message), source);
		}
	});

	it('takes linear time on a line that makes a backtracking engine take exponential time', () => {
		const pattern = compileLinePattern('^(\\w+\\s?)+:\\s*ready');
		const hostile = `${'a'.repeat(20_000)}!`;
		const started = performance.now();
		assert.equal(pattern.test(hostile), false);
		assert.equal(pattern.firstMatchingLine(`${hostile}\n`.repeat(50)), undefined);
		// A backtracking engine needs longer than the age of the universe for this; here it is a scan.
		assert.ok(performance.now() - started < 10_000);
		assert.equal(pattern.test('web server: ready'), true);
	});
});
