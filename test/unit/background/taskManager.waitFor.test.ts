import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { Fixture, delay, nodeServer } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

/** A port nothing listens on right now (the system gave it out and it was closed again). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

describePosix('TaskManager.waitFor', () => {
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	it('a pattern that would make a backtracking engine run for minutes meets hostile lines and the host keeps answering', async () => {
		const manager = fixture.manager();
		const info = manager.start(`for i in $(seq 500); do echo '${'a'.repeat(40)}!'; done; echo 'web server: ready'`, { origin: 'agent' });
		let longestGap = 0;
		let last = Date.now();
		const heartbeat = setInterval(() => {
			longestGap = Math.max(longestGap, Date.now() - last);
			last = Date.now();
		}, 20);
		try {
			const result = await manager.waitFor(info.id, { pattern: '^(\\w+\\s?)+:\\s*ready' }, { timeoutMs: 60_000 });
			assert.equal(result.outcome, 'pattern');
			assert.equal(result.line, 'web server: ready');
		} finally {
			clearInterval(heartbeat);
		}
		// Not a timing measurement (npm run bench has it): one such line alone stalls JavaScript's RegExp for seconds.
		assert.ok(longestGap < 5000, `the event loop stalled for ${longestGap} ms`);
	});

	it('resolves with the matching line of new output, ANSI codes stripped', async () => {
		const manager = fixture.manager();
		const info = manager.start(String.raw`sleep 0.3; echo starting; printf '\033[32mready\033[0m on http://localhost:5173\n'; sleep 30`, { origin: 'agent' });
		const result = await manager.waitFor(info.id, { pattern: 'ready on (http\\S+)' }, { timeoutMs: 10_000 });
		assert.equal(result.outcome, 'pattern');
		assert.equal(result.line, 'ready on http://localhost:5173');
		assert.equal(result.task.status, 'running');
		await manager.cancel(info.id);
	});

	it('matches output printed before the call, unless told to look only at new output', async () => {
		const manager = fixture.manager();
		const info = manager.start('echo compiled; sleep 0.6; echo compiled again; sleep 30', { origin: 'agent' });
		await manager.waitFor(info.id, { pattern: '^compiled$' }, { timeoutMs: 10_000 });
		const existing = await manager.waitFor(info.id, { pattern: 'compiled' }, { timeoutMs: 10_000 });
		assert.equal(existing.outcome, 'pattern');
		assert.equal(existing.line, 'compiled');
		const fresh = await manager.waitFor(info.id, { pattern: 'compiled' }, { timeoutMs: 10_000, includeExistingOutput: false });
		assert.equal(fresh.outcome, 'pattern');
		assert.equal(fresh.line, 'compiled again');
		await manager.cancel(info.id);
	});

	it('matches a line split across chunks once it is whole, and not a prefix of it before', async () => {
		const manager = fixture.manager();
		const info = manager.start("printf 'Server listen'; sleep 0.5; printf 'ing on port 4000\\n'; sleep 30", { origin: 'agent' });
		const started = Date.now();
		const result = await manager.waitFor(info.id, { pattern: '^Server listening on port \\d+$' }, { timeoutMs: 10_000 });
		assert.equal(result.outcome, 'pattern');
		assert.equal(result.line, 'Server listening on port 4000');
		assert.ok(Date.now() - started >= 400, 'the line was matched only once its second half came');
		await manager.cancel(info.id);
	});

	it('matches a last line that never gets its newline, such as a prompt', async () => {
		const manager = fixture.manager();
		const info = manager.start("printf 'Press q to quit'; sleep 30", { origin: 'agent' });
		const result = await manager.waitFor(info.id, { pattern: 'q to quit' }, { timeoutMs: 10_000 });
		assert.equal(result.outcome, 'pattern');
		assert.equal(result.line, 'Press q to quit');
		await manager.cancel(info.id);
	});

	it('resolves with port once a server accepts connections on it, and lists the port on the task', async () => {
		const manager = fixture.manager();
		const port = await freePort();
		const info = manager.start(`sleep 0.5; "${process.execPath}" -e "require('http').createServer((q, r) => r.end()).listen(${port}, '127.0.0.1')"`, {
			origin: 'agent',
		});
		const started = Date.now();
		const result = await manager.waitFor(info.id, { port }, { timeoutMs: 15_000 });
		assert.equal(result.outcome, 'port');
		assert.equal(result.port, port);
		assert.ok(Date.now() - started >= 400, 'not before the server listens');
		assert.deepEqual(result.task.ports, [port]);
		assert.deepEqual(manager.get(info.id)?.ports, [port]);
		const done = await manager.cancel(info.id);
		assert.equal(done?.ports, undefined, 'a finished task lists no ports');
	});

	it('resolves with port for a server on the IPv6 loopback only', async () => {
		const manager = fixture.manager();
		const info = manager.start(nodeServer('::1'), { origin: 'agent' });
		const printed = await manager.waitFor(info.id, { pattern: 'listening on \\d+' }, { timeoutMs: 10_000 });
		const port = Number(/\d+$/.exec(printed.line ?? '')?.[0]);
		const result = await manager.waitFor(info.id, { port }, { timeoutMs: 10_000 });
		assert.equal(result.outcome, 'port');
		assert.equal(result.port, port);
		await manager.cancel(info.id);
	});

	it('with no condition, or with exit, resolves as exited when the task ends', async () => {
		const manager = fixture.manager();
		const info = manager.start('sleep 0.3; exit 4', { origin: 'agent' });
		const [none, exit] = await Promise.all([
			manager.waitFor(info.id, {}, { timeoutMs: 10_000 }),
			manager.waitFor(info.id, { exit: true }, { timeoutMs: 10_000 }),
		]);
		for (const result of [none, exit]) {
			assert.equal(result.outcome, 'exited');
			assert.equal(result.task.status, 'failed');
			assert.equal(result.task.exitCode, 4);
		}
		const after = await manager.waitFor(info.id, {}, { timeoutMs: 10_000 });
		assert.equal(after.outcome, 'exited', 'a finished task resolves at once');
	});

	it('resolves as exited when the task ends before the pattern or the port shows', async () => {
		const manager = fixture.manager();
		const port = await freePort();
		const info = manager.start('echo building; sleep 0.3; echo failed >&2; exit 1', { origin: 'agent' });
		const result = await manager.waitFor(info.id, { pattern: 'ready', port }, { timeoutMs: 10_000 });
		assert.equal(result.outcome, 'exited');
		assert.equal(result.task.status, 'failed');
		assert.equal(result.line, undefined);
	});

	it('resolves as timeout, and the task goes on', async () => {
		const manager = fixture.manager();
		const info = manager.start('sleep 30', { origin: 'agent' });
		const started = Date.now();
		const result = await manager.waitFor(info.id, { pattern: 'never' }, { timeoutMs: 300 });
		assert.equal(result.outcome, 'timeout');
		assert.ok(Date.now() - started >= 290);
		assert.equal(result.task.status, 'running');
		assert.equal(manager.get(info.id)?.status, 'running');
		await manager.cancel(info.id);
	});

	it('resolves as aborted when the signal aborts, at once if it already has', async () => {
		const manager = fixture.manager();
		const info = manager.start('sleep 30', { origin: 'agent' });
		const controller = new AbortController();
		const waiting = manager.waitFor(info.id, { port: 9 }, { timeoutMs: 10_000, signal: controller.signal });
		await delay(100);
		controller.abort();
		assert.equal((await waiting).outcome, 'aborted');
		assert.equal((await manager.waitFor(info.id, { pattern: 'x' }, { timeoutMs: 10_000, signal: controller.signal })).outcome, 'aborted');
		assert.equal(manager.get(info.id)?.status, 'running');
		await manager.cancel(info.id);
	});

	it('rejects an invalid pattern, an invalid port and an unknown task with a clear error', async () => {
		const manager = fixture.manager();
		const info = manager.start('sleep 30', { origin: 'agent' });
		await assert.rejects(manager.waitFor(info.id, { pattern: 'ready(' }, { timeoutMs: 1000 }), /"ready\(" is not a pattern Meanwhile can use: missing closing \)/);
		await assert.rejects(manager.waitFor(info.id, { pattern: '(a)\\1' }, { timeoutMs: 1000 }), /backreferences/);
		await assert.rejects(manager.waitFor(info.id, { port: 70_000 }, { timeoutMs: 1000 }), /not a TCP port/);
		await assert.rejects(manager.waitFor('bg-999', {}, { timeoutMs: 1000 }), /There is no background task bg-999/);
		await manager.cancel(info.id);
	});

	it('twenty waits on a task printing 200 000 lines all find its last line quickly', async () => {
		const manager = fixture.manager();
		const info = manager.start('seq 1 200000; echo the-end; sleep 30', { origin: 'agent' });
		const started = Date.now();
		const results = await Promise.all(Array.from({ length: 20 }, () => manager.waitFor(info.id, { pattern: '^the-end$' }, { timeoutMs: 20_000 })));
		assert.ok(results.every((result) => result.outcome === 'pattern'));
		assert.ok(Date.now() - started < 10_000);
		const timedOut = await manager.waitFor(info.id, { pattern: 'nothing' }, { timeoutMs: 50, includeExistingOutput: false });
		assert.equal(timedOut.outcome, 'timeout');
		await manager.cancel(info.id);
	});
});
