import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isOpenToOthers, tightenTree } from '../../../src/common/privateFiles';

function temporaryFolder(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-private-'));
}

describe('private files of the store (src/background/store/privateFiles)', () => {
	it('makes a store of an earlier version private', function () {
		if (process.platform === 'win32') {
			this.skip();
		}
		const storage = temporaryFolder();
		fs.mkdirSync(path.join(storage, 'logs'), { mode: 0o755 });
		fs.writeFileSync(path.join(storage, 'logs', 'bg-1.log'), 'secret', { mode: 0o644 });
		fs.writeFileSync(path.join(storage, 'tasks.json'), '{}', { mode: 0o644 });
		fs.chmodSync(storage, 0o755);
		assert.ok(isOpenToOthers(path.join(storage, 'logs', 'bg-1.log')));
		tightenTree(storage);
		for (const file of [storage, path.join(storage, 'logs'), path.join(storage, 'logs', 'bg-1.log'), path.join(storage, 'tasks.json')]) {
			assert.equal(isOpenToOthers(file), false, file);
		}
	});
});
