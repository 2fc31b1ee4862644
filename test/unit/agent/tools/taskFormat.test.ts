import * as assert from 'node:assert/strict';
import { stripAnsi } from '../../../../src/background/ansi';
import { compilePattern, taskHeader, taskLine } from '../../../../src/agent/tools/taskFormat';

describe('task format', () => {
	it('check_background shows ports and resources when the engine knows them', () => {
		const base = { id: 'bg-4', command: 'npm run dev', cwd: '/ws', origin: 'agent' as const, queuedAt: 0, startedAt: Date.now(), outputBytes: 0, logPath: '/logs/bg-4.log' };
		const running = { ...base, status: 'running' as const, ports: [5173, 24678], resources: { cpuPercent: 12.4, memoryBytes: 150 * 1024 * 1024, processCount: 3, sampledAt: 0 } };
		assert.match(taskLine(running), /^bg-4 {2}running \d+s {2}ports :5173, :24678 {2}\(cpu 12%, memory 150 MB, 3 processes\) {2}\[agent\] {2}npm run dev$/);
		const header = taskHeader(running);
		assert.match(header, /\nlistening_on: :5173, :24678\n/);
		assert.match(header, /\nresources: cpu 12%, memory 150 MB, 3 processes$/);
		const ended = { ...running, status: 'succeeded' as const, exitCode: 0, endedAt: Date.now() };
		assert.doesNotMatch(taskLine(ended), /cpu/, 'no stale sample for an ended task');
		assert.doesNotMatch(taskHeader(ended), /resources/);
	});

	it('strips terminal colour codes (the engine\'s stripping, which tool output goes through)', () => {
		assert.equal(stripAnsi('\u001b[31mred\u001b[0m plain'), 'red plain');
	});

	it('compiles a pattern as the engine does, and names the field, the reason and the fix for an invalid one', () => {
		const compiled = compilePattern('ready on \\d+', 'until.pattern');
		assert.ok(typeof compiled !== 'string' && compiled.test('ready on 80'));
		assert.equal(
			compilePattern('a(b', 'grep'),
			'grep is not a pattern Meanwhile can use (RE2 syntax, which runs in linear time): missing closing ): `a(b`. Escape characters such as ( ) [ ] . * + ? with a backslash to match them literally.',
		);
		assert.equal(compilePattern('', 'ready.pattern'), 'ready.pattern is empty; give a regular expression, for example "listening on|ready".');
	});
});
