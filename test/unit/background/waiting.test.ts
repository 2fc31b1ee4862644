import * as assert from 'node:assert/strict';
import { LineMatcher, MAX_LINE_CHARS, TaskWaits, type WaitFound, type WaitOutcome } from '../../../src/background/waiting';
import { compileLinePattern } from '../../../src/common/linePattern';

const pattern = (source: string) => compileLinePattern(source);

describe('LineMatcher', () => {
	it('matches whole lines fed in pieces, and only the new text is looked at', () => {
		const matcher = new LineMatcher(pattern('^ready in \\d+ ms$'));
		assert.equal(matcher.push('building\nready in '), undefined);
		assert.equal(matcher.hasPartial, true);
		assert.equal(matcher.matchPartial(), undefined);
		assert.equal(matcher.push('12'), undefined);
		assert.equal(matcher.push(' ms\r\nmore\n'), 'ready in 12 ms');
	});

	it('strips ANSI codes and keeps what a redrawn line said last', () => {
		const matcher = new LineMatcher(pattern('^100%$'));
		assert.equal(matcher.push('\u001b[1m 50%\r100%\u001b[0m\n'), '100%');
	});

	it('keeps only the end of a line that never ends', () => {
		const matcher = new LineMatcher(pattern('tail$'));
		matcher.push('x'.repeat(MAX_LINE_CHARS * 3));
		assert.equal(matcher.push('tail\n')?.length, MAX_LINE_CHARS + 'tail'.length, 'the kept end, then what completed the line');
	});

	it('meets a pattern that makes a backtracking engine take exponential time and returns', () => {
		const matcher = new LineMatcher(pattern('^(\\w+\\s?)+:\\s*ready'));
		assert.equal(matcher.push(`${'word '.repeat(8_000)}!\n`.repeat(4)), undefined);
		assert.equal(matcher.push('web server: ready\n'), 'web server: ready');
	});
});

describe('TaskWaits', () => {
	const options = { timeoutMs: 10_000 };

	it('gives new output to every wait, ends the rest when the task ends, and forgets each finished wait', () => {
		const waits = new TaskWaits();
		const finished: { name: string; outcome: WaitOutcome; found: WaitFound }[] = [];
		const record = (name: string) => (outcome: WaitOutcome, found: WaitFound) => finished.push({ name, outcome, found });
		assert.equal(waits.active, false);
		waits.add(pattern('^ready$'), undefined, options, 'starting\n', false, record('ready'));
		waits.add(pattern('^done$'), undefined, options, '', false, record('done'));
		waits.add(undefined, undefined, options, '', false, record('exit'));
		assert.equal(waits.active, true);
		waits.onText('ready\n');
		assert.deepEqual(finished, [{ name: 'ready', outcome: 'pattern', found: { line: 'ready' } }]);
		waits.onEnd(false);
		assert.deepEqual(
			finished.map((each) => `${each.name}:${each.outcome}`),
			['ready:pattern', 'done:exited', 'exit:exited'],
		);
		assert.equal(waits.active, false);
	});

	it('matches the output so far at once, and a task already ended ends the wait at once', () => {
		const waits = new TaskWaits();
		const outcomes: WaitOutcome[] = [];
		waits.add(pattern('^ready$'), undefined, options, 'ready\n', false, (outcome) => outcomes.push(outcome));
		waits.add(pattern('^ready$'), undefined, options, 'nothing\n', true, (outcome) => outcomes.push(outcome));
		assert.deepEqual(outcomes, ['pattern', 'exited']);
		assert.equal(waits.active, false);
	});

	it('aborts every wait when whoever runs the task goes away', () => {
		const waits = new TaskWaits();
		const outcomes: WaitOutcome[] = [];
		waits.add(pattern('never'), undefined, options, '', false, (outcome) => outcomes.push(outcome));
		waits.onEnd(true);
		assert.deepEqual(outcomes, ['aborted']);
	});
});
