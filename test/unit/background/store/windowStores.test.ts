import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../../../src/common/logger';
import { currentProcessIdentity } from '../../../../src/background/store/storeLock';
import { WindowStores } from '../../../../src/background/store/windowStores';

function temporaryFolder(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-windows-'));
}

describe('window folders of one store (src/background/store/windowStores)', () => {
	it('sees another window that closed or died as an orphan, and a live one not', () => {
		const storage = temporaryFolder();
		const mine = new WindowStores(storage, currentProcessIdentity(), nullLogger, 'mine');
		mine.open();
		const live = new WindowStores(storage, currentProcessIdentity(), nullLogger, 'live');
		live.open();
		const closed = new WindowStores(storage, currentProcessIdentity(), nullLogger, 'closed');
		closed.open();
		closed.markClosed();
		const died = new WindowStores(storage, { pid: 2 ** 22 + 17, startTime: 'never' }, nullLogger, 'died');
		died.open();
		const orphans = mine.orphans().map((orphan) => `${path.basename(orphan.folder)} ${orphan.why}`).sort();
		assert.deepEqual(orphans, ['closed closed', 'died died']);
		mine.remove(died.own);
		assert.deepEqual(
			mine.orphans().map((orphan) => path.basename(orphan.folder)),
			['closed'],
		);
	});

	it('treats a folder without an owner as an orphan only once it is old (its window may be creating it)', () => {
		const storage = temporaryFolder();
		const mine = new WindowStores(storage, currentProcessIdentity(), nullLogger, 'mine');
		mine.open();
		const bare = path.join(mine.root, 'bare');
		fs.mkdirSync(bare);
		assert.deepEqual(mine.orphans(), []);
		const old = new Date(Date.now() - 10 * 60_000);
		fs.utimesSync(bare, old, old);
		assert.deepEqual(
			mine.orphans().map((orphan) => orphan.why),
			['ownerless'],
		);
	});
});
