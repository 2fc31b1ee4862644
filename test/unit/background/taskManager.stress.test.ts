import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { TaskInfo } from '../../../src/background';
import { Fixture, delay } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('TaskManager under load', () => {
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	it('maxConcurrent queues further starts and runs them in FIFO order', async () => {
		const manager = fixture.manager({ maxConcurrent: 3 });
		let running = 0;
		let mostRunning = 0;
		const startOrder: string[] = [];
		manager.onDidChange(({ task, kind }) => {
			if (kind !== 'status') {
				return;
			}
			if (task.status === 'running') {
				running++;
				startOrder.push(task.id);
			} else if (task.startedAt !== undefined) {
				running--;
			}
			mostRunning = Math.max(mostRunning, running);
		});
		const infos = Array.from({ length: 10 }, () => manager.start('sleep 0.2', { origin: 'agent' }));
		assert.deepEqual(
			infos.map((info) => info.status),
			['running', 'running', 'running', ...Array<string>(7).fill('queued')],
		);
		const done = await Promise.all(infos.map((info) => manager.whenFinished(info.id)));
		assert.ok(done.every((task) => task.status === 'succeeded'));
		assert.equal(mostRunning, 3);
		assert.deepEqual(
			startOrder,
			infos.map((info) => info.id),
		);
	});

	it('200 starts at once all complete', async () => {
		const manager = fixture.manager({ maxConcurrent: 16 });
		const infos = Array.from({ length: 200 }, () => manager.start('true', { origin: 'agent' }));
		const done = await Promise.all(infos.map((info) => manager.whenFinished(info.id)));
		assert.equal(done.filter((task) => task.status === 'succeeded').length, 200);
		assert.equal(manager.drain().length, 200);
	});

	it('drain under thousands of completions delivers every task exactly once', async function () {
		this.timeout(240_000);
		const manager = fixture.manager({ maxConcurrent: 16 });
		const commands = ['true', 'exit 1', 'sleep 0.01', 'echo out; exit 2'];
		const expected = new Map<string, string>();
		const total = 2000;
		const delivered = new Map<string, number>();
		let finishedEvents = 0;
		manager.onDidFinish(() => finishedEvents++);
		const take = () => {
			for (const notice of manager.drain()) {
				delivered.set(notice.task.id, (delivered.get(notice.task.id) ?? 0) + 1);
				assert.equal(notice.task.status, expected.get(notice.task.id));
			}
		};
		let stop = false;
		const drainer = (async () => {
			while (!stop) {
				await delay(Math.random() * 15);
				take();
			}
		})();
		const finished: Promise<TaskInfo>[] = [];
		for (let index = 0; index < total; index++) {
			const command = commands[index % commands.length];
			const info = manager.start(command, { origin: 'agent' });
			expected.set(info.id, command === 'true' || command === 'sleep 0.01' ? 'succeeded' : 'failed');
			finished.push(manager.whenFinished(info.id));
			if (index % 100 === 0) {
				// Some starts arrive while others complete.
				await delay(1);
			}
		}
		await Promise.all(finished);
		stop = true;
		await drainer;
		take();
		assert.equal(manager.hasPendingNotices(), false);
		const duplicated = [...delivered.values()].filter((count) => count > 1).length;
		const lost = [...expected.keys()].filter((id) => !delivered.has(id)).length;
		assert.equal(lost, 0, 'lost notices');
		assert.equal(duplicated, 0, 'duplicated notices');
		assert.equal(delivered.size, total);
		assert.equal(finishedEvents, total);
	});

	it('1 GB of output stays within the memory bound: the tail in memory, the log capped with a note', async function () {
		this.timeout(60_000);
		const capacity = 1_048_576;
		const logMaxBytes = 2_000_000;
		const manager = fixture.manager({ memoryBufferBytes: capacity, logMaxBytes });
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		// Memory only: speed and event-loop delay are measured by npm run bench, beside a baseline.
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 20);
		const info = manager.start(String.raw`head -c 1000000000 /dev/zero | tr '\0' 'x'`, { origin: 'agent' });
		let during = '';
		const peek = setTimeout(() => (during = manager.readOutput(info.id, { keepAnsi: true })), 1000);
		const done = await manager.whenFinished(info.id);
		clearInterval(sampler);
		clearTimeout(peek);
		assert.equal(done.status, 'succeeded');
		assert.equal(done.outputBytes, 1_000_000_000);
		assert.ok(during.length <= capacity, `tail while running: ${during.length}`);
		const tail = manager.readOutput(info.id, { keepAnsi: true });
		assert.equal(tail.length, capacity);
		assert.ok(/^x+$/.test(tail));
		const logSize = fs.statSync(info.logPath).size;
		assert.ok(logSize >= logMaxBytes && logSize <= logMaxBytes + 200, `log size ${logSize}`);
		assert.match(fs.readFileSync(info.logPath, 'utf8').slice(logMaxBytes), /998000000 more bytes/);
		const growth = (peak - baseline) / 1_048_576;
		// Process RSS also holds chunk garbage the collector has not returned yet (and, with parallel test
		// workers, other suites' garbage), so the bound is loose; it still fails by an order of magnitude a
		// design that keeps the output. The precise figure is npm run bench's (peak after a forced GC).
		assert.ok(growth < 128, `rss grew by ${growth.toFixed(1)} MiB while 1000 MiB went through`);
	});

	it('output events are coalesced to a few per second however fast output arrives', async () => {
		const manager = fixture.manager();
		let outputEvents = 0;
		manager.onDidChange((change) => change.kind === 'output' && outputEvents++);
		const started = performance.now();
		const info = manager.start("end=$((SECONDS + 2)); while [ $SECONDS -lt $end ]; do head -c 65536 /dev/zero | tr '\\0' f; echo; done", { origin: 'agent' });
		const done = await manager.whenFinished(info.id);
		const seconds = (performance.now() - started) / 1000;
		assert.ok(done.outputBytes > 100_000, `only ${done.outputBytes} bytes: not a flood`);
		assert.ok(outputEvents >= 1);
		assert.ok(outputEvents <= Math.ceil(seconds * 4) + 1, `${outputEvents} output events in ${seconds.toFixed(1)} s`);
	});

	it('a log big enough for all the output gets all of it, written with backpressure instead of memory', async () => {
		const manager = fixture.manager({ logMaxBytes: 300_000_000 });
		const info = manager.start(String.raw`head -c 200000000 /dev/zero | tr '\0' 'w'`, { origin: 'agent' });
		const before = process.memoryUsage().rss;
		const done = await manager.whenFinished(info.id);
		assert.equal(done.outputBytes, 200_000_000);
		assert.equal(fs.statSync(info.logPath).size, 200_000_000);
		assert.ok(process.memoryUsage().rss - before < 32 * 1_048_576);
	});
});
