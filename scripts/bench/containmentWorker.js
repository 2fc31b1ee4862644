// @ts-check
'use strict';
/**
 * Benchmark cases of containment (Linux), each in a process of its own:
 * `node scripts/bench/containmentWorker.js <case> '<json args>'`, printing one result line (util.reportResult).
 * The engine is the bundle of src/background that scripts/bench.js builds (engine.js in util.buildDir).
 */
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { buildDir, delay, procStat, runCases, tempFolder } = require('./util');

/** @typedef {typeof import('../../src/background')} Engine */

/** @returns {Engine} */
function loadEngine() {
	return require(path.join(buildDir, 'engine.js'));
}

const logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function createManager() {
	const engine = loadEngine();
	const storage = tempFolder('meanwhile-bench-containment-');
	const settings = { ...engine.DEFAULT_BACKGROUND_SETTINGS, maxConcurrent: 100 };
	const manager = new engine.TaskManager({ storageDir: storage.folder, defaultCwd: os.tmpdir(), getSettings: () => settings, logger });
	return {
		manager,
		close() {
			manager.dispose();
			storage.remove();
		},
	};
}

/** @param {number} pid */
function alive(pid) {
	const stat = procStat(pid);
	return stat !== undefined && stat.state !== 'Z';
}

/**
 * @param {() => boolean} condition
 * @param {string} what
 */
async function until(condition, what, timeoutMs = 30_000) {
	const deadline = performance.now() + timeoutMs;
	while (!condition()) {
		if (performance.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await delay(5);
	}
}

/** Ten sleeps that leave the task's process group and its pipes, each its own session. */
const DETACHED = 'for i in 1 2 3 4 5 6 7 8 9 10; do setsid sleep 300 > /dev/null 2>&1 & done; echo detached';

/** @type {Record<string, (args: any) => Promise<Record<string, unknown>>>} */
const cases = {
	/**
	 * CPU of this process per second with 50 running tasks. `tracked`: each task's main process exited
	 * and left a detached child, found and watched by its marker; otherwise each task's main process is
	 * the sleep itself, held through its group, with nothing to track.
	 */
	async 'tracking-cost'(/** @type {{ tracked: boolean, tasks: number, seconds: number }} */ args) {
		const { manager, close } = createManager();
		try {
			const command = args.tracked ? 'setsid sleep 300 > /dev/null 2>&1 &' : 'sleep 300';
			const ids = Array.from({ length: args.tasks }, () => manager.start(command, { origin: 'agent' }).id);
			await until(() => ids.every((id) => (args.tracked ? (manager.get(id)?.processesLeft?.length ?? 0) > 0 : manager.get(id)?.status === 'running')), 'every task to run');
			await delay(1000);
			const before = process.cpuUsage();
			const started = performance.now();
			await delay(args.seconds * 1000);
			const used = process.cpuUsage(before);
			const seconds = (performance.now() - started) / 1000;
			const running = ids.filter((id) => manager.get(id)?.status === 'running').length;
			await Promise.all(ids.map((id) => manager.cancel(id)));
			return { cpuMsPerSecond: (used.user + used.system) / 1000 / seconds, running };
		} finally {
			close();
		}
	},

	/** cancel() of a task whose ten processes left its group, until none of them is alive. */
	async 'cancel-detached-ours'() {
		const { manager, close } = createManager();
		try {
			const info = manager.start(DETACHED, { origin: 'agent' });
			await until(() => (manager.get(info.id)?.processesLeft?.length ?? 0) >= 10, 'the ten detached processes to be tracked');
			const pids = (manager.get(info.id)?.processesLeft ?? []).map((each) => each.pid);
			const started = performance.now();
			const cancelled = manager.cancel(info.id);
			await until(() => !pids.some(alive), 'the detached processes to end');
			const liveMs = performance.now() - started;
			const task = await cancelled;
			return { liveMs, status: task?.status };
		} finally {
			close();
		}
	},

	/** The baseline: the same ten processes, their pids known, each sent `kill -9`. */
	async 'cancel-detached-raw'() {
		const child = spawn('bash', ['-c', `${DETACHED.replace('; echo detached', '')}; jobs -p`], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
		let text = '';
		child.stdout.on('data', (/** @type {Buffer} */ chunk) => (text += chunk.toString()));
		await new Promise((resolve) => child.on('close', resolve));
		const pids = text.split('\n').map(Number).filter((pid) => pid > 0);
		await until(() => pids.every(alive), 'the ten processes to run');
		const started = performance.now();
		for (const pid of pids) {
			process.kill(pid, 'SIGKILL');
		}
		await until(() => !pids.some(alive), 'the processes to end');
		return { liveMs: performance.now() - started };
	},

	/**
	 * The event loop's delay while a wait's pattern meets 2000 lines of 40 word characters and a `!`
	 * each: `hostile` is `^(\w+\s?)+:\s*ready` (exponential for a backtracking engine), else `ready`.
	 */
	async 'pattern-delay'(/** @type {{ hostile: boolean }} */ args) {
		const { manager, close } = createManager();
		try {
			const line = `${'a'.repeat(40)}!`;
			const info = manager.start(`for i in $(seq 2000); do echo '${line}'; done; echo 'web server: ready'`, { origin: 'agent' });
			const histogram = monitorEventLoopDelay({ resolution: 5 });
			histogram.enable();
			const started = performance.now();
			const result = await manager.waitFor(info.id, { pattern: args.hostile ? '^(\\w+\\s?)+:\\s*ready' : 'ready' }, { timeoutMs: 120_000 });
			const elapsedMs = performance.now() - started;
			histogram.disable();
			return { outcome: result.outcome, elapsedMs, maxDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6 };
		} finally {
			close();
		}
	},
};

runCases(cases);
