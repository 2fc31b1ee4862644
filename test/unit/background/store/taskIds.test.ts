import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreLock } from '../../../../src/background/store/storeLock';
import { TaskIdAllocator, highestLoggedNumber } from '../../../../src/background/store/taskIds';

/** The compiled store modules, for child processes that use them as another window would. */
const storeModules = path.resolve(__dirname, '../../../../src/background/store');

function temporaryFolder(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-ids-'));
}

describe('task ids shared by windows (src/background/store/taskIds)', function () {
	this.timeout(60_000);

	it('counts up from above the highest id that logs or records show, and never gives an id twice', () => {
		const folder = temporaryFolder();
		fs.mkdirSync(path.join(folder, 'logs'));
		fs.writeFileSync(path.join(folder, 'logs', 'bg-41.log'), '');
		fs.writeFileSync(path.join(folder, 'logs', 'not-a-task.log'), '');
		assert.equal(highestLoggedNumber(path.join(folder, 'logs')), 41);
		const lock = new StoreLock(path.join(folder, 'store.lock'));
		const ids = new TaskIdAllocator(folder, lock, () => highestLoggedNumber(path.join(folder, 'logs')));
		assert.equal(ids.next(), 'bg-42');
		assert.equal(ids.next(), 'bg-43');
		// The counter wins over the floor from now on, also when the logs go.
		fs.rmSync(path.join(folder, 'logs'), { recursive: true });
		assert.equal(new TaskIdAllocator(folder, lock, () => 0).next(), 'bg-44');
		ids.reserveThrough(100);
		assert.equal(ids.next(), 'bg-101');
		ids.reserveThrough(50);
		assert.equal(ids.next(), 'bg-102');
	});

	it('gives unique ids to windows that allocate at the same time (real processes)', async () => {
		const folder = temporaryFolder();
		const perProcess = 150;
		const script = `
			const { StoreLock } = require(${JSON.stringify(path.join(storeModules, 'storeLock.js'))});
			const { TaskIdAllocator } = require(${JSON.stringify(path.join(storeModules, 'taskIds.js'))});
			const folder = ${JSON.stringify(folder)};
			const ids = new TaskIdAllocator(folder, new StoreLock(folder + '/store.lock', { timeoutMilliseconds: 30000 }), () => 0);
			const out = [];
			for (let i = 0; i < ${perProcess}; i++) out.push(ids.next());
			process.stdout.write(out.join('\\n'));
		`;
		const runs = await Promise.all(
			[1, 2, 3, 4].map(
				() =>
					new Promise<string[]>((resolve, reject) => {
						const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
						let text = '';
						child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
						child.on('error', reject);
						child.on('exit', (code) => (code === 0 ? resolve(text.split('\n')) : reject(new Error(`exit ${code}`))));
					}),
			),
		);
		const all = runs.flat();
		assert.equal(all.length, 4 * perProcess);
		assert.equal(new Set(all).size, all.length, 'an id was given twice');
		const numbers = all.map((id) => Number(id.slice(3))).sort((a, b) => a - b);
		assert.equal(numbers[0], 1);
		assert.equal(numbers[numbers.length - 1], 4 * perProcess);
	});
});
