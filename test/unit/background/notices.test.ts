import * as assert from 'node:assert/strict';
import type { TaskInfo, TaskNotice } from '../../../src/background';
import { NoticeQueue } from '../../../src/background/notices';
import { NoticeJournal } from '../../../src/background/store/noticeJournal';
import { nullLogger } from '../../../src/common/logger';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function journal(): NoticeJournal {
	return new NoticeJournal(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-notices-')), 'notices'), nullLogger);
}

function notice(id: string): TaskNotice {
	const task: TaskInfo = { id, command: 'make', cwd: '/', origin: 'agent', status: 'succeeded', queuedAt: 1, outputBytes: 0, logPath: `/logs/${id}.log` };
	return { task, outputTail: `${id} done\n` };
}

describe('NoticeQueue', () => {
	it('drains what was pushed, oldest first, exactly once', () => {
		const notices = new NoticeQueue(journal());
		assert.equal(notices.hasWaiting(), false);
		notices.push(notice('bg-1'));
		notices.push(notice('bg-2'));
		assert.equal(notices.hasWaiting(), true);
		assert.deepEqual(
			notices.drain().map((each) => each.task.id),
			['bg-1', 'bg-2'],
		);
		assert.equal(notices.hasWaiting(), false);
		assert.deepEqual(notices.drain(), []);
	});

	it('says whose notice waits, until the drain', () => {
		const notices = new NoticeQueue(journal());
		notices.push(notice('bg-1'));
		assert.equal(notices.isPending('bg-1'), true);
		assert.equal(notices.isPending('bg-2'), false);
		notices.drain();
		assert.equal(notices.isPending('bg-1'), false);
	});
});
