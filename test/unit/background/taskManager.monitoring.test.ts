import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { TaskChange } from '../../../src/background';
import { Fixture, delay, nodeServer, waitFor } from './helpers';

const describePosix = process.platform === 'win32' ? describe.skip : describe;
const describeLinux = process.platform === 'linux' ? describe : describe.skip;

describeLinux('TaskManager sampling (Linux)', () => {
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	async function serverPort(manager: ReturnType<Fixture['manager']>, id: string): Promise<number> {
		const printed = await manager.waitFor(id, { pattern: 'listening on \\d+' }, { timeoutMs: 10_000 });
		assert.equal(printed.outcome, 'pattern');
		return Number(/\d+$/.exec(printed.line ?? '')?.[0]);
	}

	it('finds the ports a task listens on, IPv4 and IPv6, and says so with a status event', async () => {
		const manager = fixture.manager({}, { sampleIntervalMilliseconds: 200 });
		// Run by a shell with a child: the server is a grandchild in the task's group, not the shell itself.
		const ipv4 = manager.start(`${nodeServer('127.0.0.1')}; true`, { origin: 'agent' });
		const ipv6 = manager.start(`${nodeServer('::')}; true`, { origin: 'agent' });
		const [port4, port6] = [await serverPort(manager, ipv4.id), await serverPort(manager, ipv6.id)];
		const statusEvents: TaskChange[] = [];
		manager.onDidChange((change) => change.kind === 'status' && statusEvents.push(change));
		manager.setSampling(true);
		await waitFor(() => manager.get(ipv4.id)?.ports !== undefined && manager.get(ipv6.id)?.ports !== undefined, 5000, 'ports to be detected');
		assert.deepEqual(manager.get(ipv4.id)?.ports, [port4]);
		assert.deepEqual(manager.get(ipv6.id)?.ports, [port6]);
		assert.ok(statusEvents.some((change) => change.task.id === ipv4.id && change.task.ports?.[0] === port4));
		manager.setSampling(false);
		await manager.cancel(ipv4.id);
		await manager.cancel(ipv6.id);
	});

	it('reports CPU and memory of a running task while sampling is on, and samples nothing while it is off', async () => {
		const manager = fixture.manager({}, { sampleIntervalMilliseconds: 200 });
		const busy = manager.start(`"${process.execPath}" -e "const a = Buffer.alloc(64 * 1024 * 1024, 1); console.log('allocated'); while (true) {}"`, { origin: 'agent' });
		await manager.waitFor(busy.id, { pattern: 'allocated' }, { timeoutMs: 10_000 });
		await delay(500);
		assert.equal(manager.get(busy.id)?.resources, undefined, 'nothing is sampled before sampling is turned on');

		manager.setSampling(true);
		await waitFor(() => (manager.get(busy.id)?.resources?.cpuPercent ?? 0) > 20, 5000, 'a second sample with CPU use');
		const resources = manager.get(busy.id)?.resources;
		assert.ok(resources);
		assert.ok(resources.memoryBytes > 64 * 1024 * 1024, `memory ${resources.memoryBytes} includes the 64 MiB buffer`);
		assert.ok(resources.cpuPercent < 200, `a single busy thread, not ${resources.cpuPercent}%`);
		assert.equal(resources.processCount, 1);

		manager.setSampling(false);
		const last = manager.get(busy.id)?.resources?.sampledAt;
		await delay(700);
		assert.equal(manager.get(busy.id)?.resources?.sampledAt, last, 'no samples after sampling was turned off');
		const done = await manager.cancel(busy.id);
		assert.equal(done?.resources, undefined, 'a finished task shows no resources');
	});
});

describePosix('TaskManager duplicates and environment', () => {
	let fixture: Fixture;

	beforeEach(() => {
		fixture = new Fixture();
	});

	afterEach(() => {
		fixture.dispose();
	});

	it('findDuplicate finds a running or queued task with the same command in the same folder, and nothing else', async () => {
		const folder = fixture.folder();
		const other = fixture.folder();
		const manager = fixture.manager({ maxConcurrent: 1 }, { defaultCwd: folder });
		const running = manager.start('sleep 30', { origin: 'agent' });
		const queued = manager.start('sleep 31', { origin: 'agent', cwd: other });
		assert.equal(queued.status, 'queued');
		assert.equal(manager.findDuplicate('sleep 30')?.id, running.id, 'the default folder when none is named');
		assert.equal(manager.findDuplicate('sleep 30', folder)?.id, running.id);
		assert.equal(manager.findDuplicate('sleep 30', '.')?.id, running.id, 'relative folders resolve from the default one');
		assert.equal(manager.findDuplicate('sleep 31', other)?.id, queued.id);
		assert.equal(manager.findDuplicate('sleep 30', other), undefined, 'another folder');
		assert.equal(manager.findDuplicate('sleep  30'), undefined, 'the command must be identical');
		await manager.cancel(running.id);
		await manager.cancel(queued.id);
		assert.equal(manager.findDuplicate('sleep 30'), undefined, 'finished tasks are no duplicates');
	});

	it('no ELECTRON_RUN_AS_NODE reaches the command', async () => {
		const manager = fixture.manager({}, { baseEnv: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MEANWHILE_VISIBLE: 'yes' } });
		const info = manager.start('env', { origin: 'agent', env: { electron_run_as_node: '1' } });
		await manager.whenFinished(info.id);
		const output = manager.readOutput(info.id);
		assert.doesNotMatch(output, /ELECTRON_RUN_AS_NODE/i);
		assert.match(output, /^MEANWHILE_VISIBLE=yes$/m);
		assert.ok(fs.existsSync(info.logPath));
	});
});
