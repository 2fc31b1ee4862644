import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentProcessIdentity, isAlive, StoreLock, StoreLockTimeoutError } from '../../../../src/background/store/storeLock';

function temporaryFolder(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-lock-'));
}

/** A pid that belonged to a process that has ended (and was reaped). */
function deadPid(): number {
	const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
	return Number(child.stdout);
}

describe('store lock between windows (src/background/store/storeLock)', () => {
	it('runs the body holding the lock and removes the lock file afterwards, also when the body throws', () => {
		const folder = temporaryFolder();
		const file = path.join(folder, 'store.lock');
		const lock = new StoreLock(file);
		assert.equal(lock.withLock(() => fs.existsSync(file)), true);
		assert.equal(fs.existsSync(file), false);
		assert.throws(() => lock.withLock(() => {
			throw new Error('inside');
		}), /inside/);
		assert.equal(fs.existsSync(file), false);
		// Re-entrant within one object.
		assert.equal(lock.withLock(() => lock.withLock(() => 7)), 7);
		assert.equal(fs.existsSync(file), false);
	});

	it('the lock file is readable by the user alone', function () {
		if (process.platform === 'win32') {
			this.skip();
		}
		const folder = temporaryFolder();
		const file = path.join(folder, 'store.lock');
		const mode = new StoreLock(file).withLock(() => fs.statSync(file).mode & 0o777);
		assert.equal(mode, 0o600);
	});

	it('breaks a lock whose holder died, and waits for one whose holder lives', () => {
		const folder = temporaryFolder();
		const file = path.join(folder, 'store.lock');
		fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), startTime: 'gone' }));
		assert.equal(new StoreLock(file).withLock(() => 'taken over'), 'taken over');

		// A live holder (this very process, as another window would hold it) is waited for, then refused.
		fs.writeFileSync(file, JSON.stringify(currentProcessIdentity()));
		assert.throws(() => new StoreLock(file, { timeoutMilliseconds: 100 }).withLock(() => undefined), StoreLockTimeoutError);
		assert.ok(fs.existsSync(file), 'a live holder keeps its lock');
	});

	it('takes over an unreadable lock file only once it is old', () => {
		const folder = temporaryFolder();
		const file = path.join(folder, 'store.lock');
		fs.writeFileSync(file, '{"pid": 12');
		assert.throws(() => new StoreLock(file, { timeoutMilliseconds: 50, unreadableStaleMilliseconds: 60_000 }).withLock(() => undefined), StoreLockTimeoutError);
		const old = new Date(Date.now() - 120_000);
		fs.utimesSync(file, old, old);
		assert.equal(new StoreLock(file, { unreadableStaleMilliseconds: 60_000 }).withLock(() => 'ok'), 'ok');
	});

	it('tells a live process from a dead one by pid and start time', () => {
		assert.equal(isAlive(currentProcessIdentity()), true);
		assert.equal(isAlive({ pid: deadPid() }), false);
		if (process.platform === 'linux') {
			// Same pid, another start time: a later process that got the pid.
			assert.equal(isAlive({ pid: process.pid, startTime: 'another' }), false);
		}
	});
});
