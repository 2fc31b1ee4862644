import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../../../src/common/logger';
import { NoticeJournal } from '../../../../src/background/store/noticeJournal';
import type { TaskInfo, TaskNotice } from '../../../../src/background/types';

function temporaryFolder(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-journal-'));
}

function notice(id: string, extra: Partial<TaskInfo> = {}): TaskNotice {
	return {
		task: {
			id,
			command: `echo ${id}`,
			cwd: '/tmp',
			origin: 'agent',
			status: 'succeeded',
			exitCode: 0,
			queuedAt: 1,
			startedAt: 2,
			endedAt: 3,
			outputBytes: 5,
			logPath: `/logs/${id}.log`,
			...extra,
		},
		outputTail: `output of ${id} \u{1F680}\n`,
	};
}

describe('the notice journal (src/background/store/noticeJournal)', () => {
	it('records a notice on disk at once, reads it back whole, and removes it when told', () => {
		const folder = path.join(temporaryFolder(), 'notices');
		const journal = new NoticeJournal(folder, nullLogger);
		journal.record(notice('bg-2', { conversationId: 'conversation-a' }));
		journal.record(notice('bg-10', { status: 'failed', exitCode: 1, reason: 'exit 1' }));
		assert.ok(journal.has('bg-2'));
		const loaded = new NoticeJournal(folder, nullLogger).load();
		assert.deepEqual(
			loaded.map((entry) => entry.task.id),
			['bg-2', 'bg-10'],
			'oldest task first, by number',
		);
		assert.equal(loaded[0].task.conversationId, 'conversation-a');
		assert.equal(loaded[0].outputTail, 'output of bg-2 \u{1F680}\n');
		assert.equal(loaded[1].task.status, 'failed');
		journal.remove('bg-2');
		assert.deepEqual(
			journal.load().map((entry) => entry.task.id),
			['bg-10'],
		);
	});

	it('keeps the first notice of a task when a second one is recorded', () => {
		const journal = new NoticeJournal(path.join(temporaryFolder(), 'notices'), nullLogger);
		journal.record(notice('bg-1', { status: 'succeeded' }));
		journal.record(notice('bg-1', { status: 'cancelled' }));
		assert.equal(journal.load()[0].task.status, 'succeeded');
	});

	it('moves an unreadable entry aside instead of failing or dropping it silently', () => {
		const folder = path.join(temporaryFolder(), 'notices');
		const journal = new NoticeJournal(folder, nullLogger);
		journal.record(notice('bg-1'));
		fs.writeFileSync(path.join(folder, 'bg-2.json'), '{ not json');
		fs.writeFileSync(path.join(folder, 'bg-3.json'), JSON.stringify({ version: 1, task: { id: 'bg-4' }, outputTail: '' }));
		assert.deepEqual(
			journal.load().map((entry) => entry.task.id),
			['bg-1'],
		);
		const names = fs.readdirSync(folder);
		assert.ok(names.some((name) => name.startsWith('bg-2.json.corrupt-')));
		assert.ok(names.some((name) => name.startsWith('bg-3.json.corrupt-')));
	});

	it('takes over the entries of another window, keeping its own where both have one', () => {
		const root = temporaryFolder();
		const mine = new NoticeJournal(path.join(root, 'mine'), nullLogger);
		const theirs = new NoticeJournal(path.join(root, 'theirs'), nullLogger);
		mine.record(notice('bg-1', { status: 'succeeded' }));
		theirs.record(notice('bg-1', { status: 'failed' }));
		theirs.record(notice('bg-2'));
		const adopted = mine.adoptFrom(theirs.folder);
		assert.deepEqual(
			adopted.map((entry) => entry.task.id),
			['bg-2'],
		);
		assert.deepEqual(
			mine.load().map((entry) => `${entry.task.id} ${entry.task.status}`),
			['bg-1 succeeded', 'bg-2 succeeded'],
		);
		assert.deepEqual(theirs.load(), []);
	});

	it('writes its files readable by the user alone', function () {
		if (process.platform === 'win32') {
			this.skip();
		}
		const folder = path.join(temporaryFolder(), 'notices');
		new NoticeJournal(folder, nullLogger).record(notice('bg-1'));
		assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
		assert.equal(fs.statSync(path.join(folder, 'bg-1.json')).mode & 0o777, 0o600);
	});
});

