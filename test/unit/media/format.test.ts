import assert from 'node:assert/strict';
import type { TaskView } from '../../../src/shared/protocol';
import {
	describeLineCounts,
	formatAllowRule,
	formatDuration,
	formatLineCounts,
	formatTaskLine,
	formatTaskStatus,
	formatTokens,
	formatUsage,
	formatUsageTooltip,
	groupThousands,
	shortCommand,
	taskStatusIcon,
	toolIcon,
	toolStateIndicator,
} from '../../../media/format';

describe('media/format', () => {
	it('formats token counts compactly', () => {
		assert.equal(formatTokens(0), '0');
		assert.equal(formatTokens(950), '950');
		assert.equal(formatTokens(1234), '1.2k');
		assert.equal(formatTokens(8000), '8k');
		assert.equal(formatTokens(12_345), '12.3k');
		assert.equal(formatTokens(123_456), '123k');
		assert.equal(formatTokens(999_999), '1M');
		assert.equal(formatTokens(1_234_567), '1.2M');
		assert.equal(formatTokens(Number.NaN), '0');
		assert.equal(formatTokens(-5), '0');
	});

	it('formats usage as "in · out · cached"', () => {
		assert.equal(
			formatUsage({ inputTokens: 12_345, outputTokens: 1_234, cacheReadTokens: 8_000, cacheWriteTokens: 500 }),
			'12.3k in · 1.2k out · 8k cached',
		);
		assert.equal(formatUsage({ inputTokens: 500, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 }), '500 in · 20 out');
		assert.equal(formatUsage({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }), '');
		assert.equal(formatUsage(undefined), '');
	});

	it('formats durations', () => {
		assert.equal(formatDuration(0), '0 s');
		assert.equal(formatDuration(3), '3 s');
		assert.equal(formatDuration(42.4), '42 s');
		assert.equal(formatDuration(120), '2 min');
		assert.equal(formatDuration(125), '2 min 5 s');
		assert.equal(formatDuration(3725), '1 h 2 min');
		assert.equal(formatDuration(-1), '');
	});

	it('formats a task status word with exit, signal, detail and duration', () => {
		assert.equal(formatTaskStatus({ id: 'bg-1', command: 'npm start', status: 'running' }), 'running');
		assert.equal(
			formatTaskStatus({ id: 'bg-1', command: 'npm start', status: 'running', detail: 'ready on :3000', durationSeconds: 12 }),
			'running · ready on :3000 · 12 s',
		);
		assert.equal(formatTaskStatus({ id: 'bg-2', command: 'make', status: 'succeeded', exitCode: 0, durationSeconds: 3 }), 'succeeded · exit 0 · 3 s');
		assert.equal(
			formatTaskStatus({ id: 'bg-2', command: 'make', status: 'cancelled', exitCode: null, signal: 'SIGTERM', durationSeconds: 8 }),
			'cancelled · signal SIGTERM · 8 s',
		);
		assert.equal(formatTaskStatus({ id: 'bg-4', command: 'x', status: 'timed out', durationSeconds: 600 }), 'timed out · 10 min');
	});

	it('formats a notice line naming the task, its command and its status', () => {
		const task: TaskView = { id: 'bg-3', command: 'npm test', status: 'failed', exitCode: 1, durationSeconds: 42 };
		assert.equal(formatTaskLine(task), 'bg-3 `npm test` failed · exit 1 · 42 s');
		assert.equal(formatTaskLine({ id: 'bg-5', command: 'npm  run\n build', status: 'queued' }), 'bg-5 `npm run build` queued');
		assert.equal(formatTaskLine({ id: 'bg-6', command: '', status: 'running' }), 'bg-6 running');
	});

	it('picks an icon per task status', () => {
		assert.deepEqual(taskStatusIcon('running'), { icon: 'loading', spin: true });
		assert.equal(taskStatusIcon('succeeded').icon, 'pass');
		assert.equal(taskStatusIcon('failed').icon, 'error');
		assert.equal(taskStatusIcon('cancelled').icon, 'circle-slash');
		assert.equal(taskStatusIcon('timed out').icon, 'watch');
		assert.equal(taskStatusIcon('queued').icon, 'clock');
		assert.equal(taskStatusIcon('nonsense').icon, 'info');
	});

	it('picks an icon per tool', () => {
		assert.equal(toolIcon('bash'), 'terminal');
		assert.equal(toolIcon('read_file'), 'file');
		assert.equal(toolIcon('write_file'), 'file');
		assert.equal(toolIcon('edit_file'), 'file');
		assert.equal(toolIcon('read'), 'file');
		assert.equal(toolIcon('background_start'), 'server-process');
		assert.equal(toolIcon('background_output'), 'server-process');
		assert.equal(toolIcon('grep'), 'search');
		assert.equal(toolIcon('something_else'), 'tools');
	});

	it('shows a spinner for pending and running tool calls', () => {
		assert.deepEqual(toolStateIndicator('running'), { icon: 'loading', spin: true, label: 'Running' });
		assert.deepEqual(toolStateIndicator('pending'), { icon: 'loading', spin: true, label: 'Pending' });
		assert.equal(toolStateIndicator('done').icon, 'check');
		assert.equal(toolStateIndicator('error').icon, 'error');
		assert.equal(toolStateIndicator('denied').icon, 'circle-slash');
	});
});

describe('media/format usage tooltip', () => {
	it('lists exact counts with thousands separators', () => {
		assert.equal(groupThousands(0), '0');
		assert.equal(groupThousands(999), '999');
		assert.equal(groupThousands(1234567), '1,234,567');
		assert.equal(
			formatUsageTooltip({ inputTokens: 12345, outputTokens: 1, cacheReadTokens: 8000, cacheWriteTokens: 1000000 }),
			'Input tokens: 12,345\nOutput tokens: 1\nCache read tokens: 8,000\nCache write tokens: 1,000,000',
		);
	});

	it('formats changed-line counts with a real minus sign', () => {
		assert.equal(formatLineCounts(12, 3), '+12 \u22123');
		assert.equal(formatLineCounts(0, 0), '+0 \u22120');
		assert.equal(formatLineCounts(-2, Number.NaN), '+0 \u22120');
		assert.equal(formatLineCounts(1.6, 1234), '+2 \u22121234');
	});

	it('says changed-line counts in words', () => {
		assert.equal(describeLineCounts(12, 1), '12 lines added, 1 line removed');
		assert.equal(describeLineCounts(1, 0), '1 line added, 0 lines removed');
		assert.equal(describeLineCounts(12_345, -1), '12,345 lines added, 0 lines removed');
	});

	it('shows the rule Always Allow adds, quoted', () => {
		assert.equal(formatAllowRule('npm test'), 'approval.allow += "npm test"');
		assert.equal(formatAllowRule('echo "hi"'), 'approval.allow += "echo \\"hi\\""');
	});

	it('cuts a command to one short line', () => {
		assert.equal(shortCommand('npm   test\n  --watch'), 'npm test --watch');
		assert.equal(shortCommand('abcdefghij', 5), 'abcd…');
		assert.equal(shortCommand('abcde', 5), 'abcde');
	});
});
