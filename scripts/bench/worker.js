// @ts-check
'use strict';
/**
 * One benchmark case of the task engine, run in a process of its own so that its memory and event
 * loop are measured clean: `node scripts/bench/worker.js <case> '<json args>'`. Prints its result as
 * one JSON line (see util.reportResult). The engine is the esbuild bundle of src/background that
 * scripts/bench.js builds into engine.js of its build folder (util.buildDir).
 *
 * "ours" cases drive TaskManager; "raw" cases do the same work with plain child_process, as the
 * baseline beside it.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { delay, groupMembers, memoryNow, buildDir, procStat, runCases, resetPeakMemory, tempFolder } = require('./util');
const { runSeedTask } = require('./seed');
const { mulberry32, outputCommand } = require('./output');

/** @typedef {typeof import('../../src/background')} Engine */
/** @typedef {import('../../src/background').TaskManager} TaskManager */
/** @typedef {import('../../src/background').BackgroundSettings} BackgroundSettings */

const ENGINE_FILE = path.join(buildDir, 'engine.js');
/** The error line the seed comparison looks for in the notice. */
const ERROR_LINE = 'ERROR: the last line';

/** @returns {Engine} */
function loadEngine() {
	const file = ENGINE_FILE;
	return require(file);
}

/** Warnings the engine logged, counted (and shown) so a broken run does not pass unnoticed. */
const warnings = /** @type {string[]} */ ([]);
const logger = {
	trace: () => undefined,
	debug: () => undefined,
	info: () => undefined,
	/** @param {string} message */
	warn: (message) => {
		warnings.push(message);
		if (warnings.length <= 3) {
			process.stderr.write(`engine warning: ${message}\n`);
		}
	},
	/** @param {string | Error} message */
	error: (message) => {
		warnings.push(String(message));
		process.stderr.write(`engine error: ${String(message)}\n`);
	},
};

/**
 * A TaskManager with its own storage folder, the default settings but for `overrides`.
 * @param {Partial<BackgroundSettings>} [overrides]
 */
function createManager(overrides = {}) {
	const engine = loadEngine();
	const storage = tempFolder('meanwhile-bench-');
	/** @type {BackgroundSettings} */
	const settings = { ...engine.DEFAULT_BACKGROUND_SETTINGS, ...overrides };
	const manager = new engine.TaskManager({ storageDir: storage.folder, defaultCwd: os.tmpdir(), getSettings: () => settings, logger });
	return {
		manager,
		settings,
		close() {
			manager.dispose();
			storage.remove();
		},
	};
}

function collectGarbage() {
	const gc = /** @type {(() => void) | undefined} */ (/** @type {any} */ (globalThis).gc);
	gc?.();
}

/**
 * Spawns a command as the baseline does: bash -c, its own process group (as the engine does), stdout
 * and stderr piped, every chunk read and dropped.
 * @param {string} command
 */
function spawnRaw(command) {
	const child = spawn('bash', ['-c', command], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let bytes = 0;
	child.stdout.on('data', (/** @type {Buffer} */ chunk) => (bytes += chunk.length));
	child.stderr.on('data', (/** @type {Buffer} */ chunk) => (bytes += chunk.length));
	const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
	return { child, closed, bytes: () => bytes };
}

/** Measures event-loop delay (ms) from now until `stop()`. */
function eventLoopMonitor() {
	const histogram = monitorEventLoopDelay({ resolution: 5 });
	histogram.enable();
	return {
		stop() {
			histogram.disable();
			return {
				p50Ms: histogram.percentile(50) / 1e6,
				p99Ms: histogram.percentile(99) / 1e6,
				maxMs: histogram.max / 1e6,
				meanMs: histogram.mean / 1e6,
			};
		},
	};
}

/** Memory measured from a reset of the kernel's peak counter (so the peak is this run's). */
function memoryMeter() {
	collectGarbage();
	const exactPeak = resetPeakMemory();
	const before = memoryNow().rss;
	let sampledPeak = before;
	// Backup for systems without clear_refs: a sampled peak (may miss short spikes).
	const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, memoryNow().rss)), 10);
	return {
		stop() {
			clearInterval(sampler);
			const now = memoryNow();
			const peak = exactPeak ? now.peak : Math.max(sampledPeak, now.rss);
			return { beforeBytes: before, peakBytes: peak, growthBytes: peak - before, exactPeak };
		},
	};
}

// ---------------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------------

/** @type {Record<string, (args: any) => Promise<unknown>>} */
const cases = {
	/** One task printing `bytes` bytes as fast as it can, captured by TaskManager. */
	async 'throughput-ours'(/** @type {{ bytes: number, logMaxBytes?: number, source?: 'zero' | 'lines' }} */ args) {
		const { manager, settings, close } = createManager(args.logMaxBytes ? { logMaxBytes: args.logMaxBytes } : {});
		try {
			const command = outputCommand(args.source ?? 'zero', args.bytes, buildDir);
			const memory = memoryMeter();
			const started = performance.now();
			const info = manager.start(command, { origin: 'agent' });
			const done = await manager.whenFinished(info.id);
			const seconds = (performance.now() - started) / 1000;
			const { growthBytes } = memory.stop();
			const logBytes = fs.statSync(done.logPath).size;
			return {
				seconds,
				growthBytes,
				bytes: done.outputBytes,
				bytesPerSecond: done.outputBytes / seconds,
				status: done.status,
				tailChars: manager.readOutput(info.id, { keepAnsi: true }).length,
				logBytes,
				logMaxBytes: settings.logMaxBytes,
				warnings: warnings.length,
			};
		} finally {
			close();
		}
	},

	/** The same command spawned with plain Node, every chunk read and dropped. */
	async 'throughput-raw'(/** @type {{ bytes: number, source?: 'zero' | 'lines' }} */ args) {
		const command = outputCommand(args.source ?? 'zero', args.bytes, buildDir);
		const memory = memoryMeter();
		const started = performance.now();
		const raw = spawnRaw(command);
		await raw.closed;
		const seconds = (performance.now() - started) / 1000;
		const { growthBytes } = memory.stop();
		return { seconds, growthBytes, bytes: raw.bytes(), bytesPerSecond: raw.bytes() / seconds };
	},

	/** The same, every chunk also written to a file through a WriteStream, pausing the pipe while the stream is full. */
	async 'throughput-raw-file'(/** @type {{ bytes: number }} */ args) {
		const folder = tempFolder('meanwhile-bench-');
		try {
			const file = fs.createWriteStream(path.join(folder.folder, 'output.log'));
			const started = performance.now();
			const child = spawn('bash', ['-c', `head -c ${args.bytes} /dev/zero`], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
			let bytes = 0;
			child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
				bytes += chunk.length;
				if (!file.write(chunk)) {
					child.stdout.pause();
					file.once('drain', () => child.stdout.resume());
				}
			});
			await new Promise((resolve) => child.on('close', resolve));
			await new Promise((resolve) => file.end(resolve));
			const seconds = (performance.now() - started) / 1000;
			return { seconds, bytes, bytesPerSecond: bytes / seconds, fileBytes: fs.statSync(path.join(folder.folder, 'output.log')).size };
		} finally {
			folder.remove();
		}
	},

	/** `tasks` tasks each printing `bytes` bytes at once: memory growth and event-loop delay. */
	async 'flood-ours'(/** @type {{ tasks: number, bytes: number }} */ args) {
		const { manager, close } = createManager();
		try {
			// Load the code paths first, so the measurement is of the flood, not of compiling.
			await manager.whenFinished(manager.start('echo warm', { origin: 'agent' }).id);
			const memory = memoryMeter();
			const loop = eventLoopMonitor();
			const started = performance.now();
			const infos = Array.from({ length: args.tasks }, () => manager.start(`head -c ${args.bytes} /dev/zero`, { origin: 'agent' }));
			const done = await Promise.all(infos.map((info) => manager.whenFinished(info.id)));
			const seconds = (performance.now() - started) / 1000;
			const delayStats = loop.stop();
			const mem = memory.stop();
			return {
				seconds,
				bytes: done.reduce((sum, task) => sum + task.outputBytes, 0),
				statuses: done.map((task) => task.status),
				...mem,
				...delayStats,
				warnings: warnings.length,
			};
		} finally {
			close();
		}
	},

	async 'flood-raw'(/** @type {{ tasks: number, bytes: number }} */ args) {
		await spawnRaw('echo warm').closed;
		const memory = memoryMeter();
		const loop = eventLoopMonitor();
		const started = performance.now();
		const raws = Array.from({ length: args.tasks }, () => spawnRaw(`head -c ${args.bytes} /dev/zero`));
		await Promise.all(raws.map((raw) => raw.closed));
		const seconds = (performance.now() - started) / 1000;
		const delayStats = loop.stop();
		const mem = memory.stop();
		return { seconds, bytes: raws.reduce((sum, raw) => sum + raw.bytes(), 0), ...mem, ...delayStats };
	},

	/** A process doing nothing for `ms` milliseconds: the event-loop delay of an idle loop. */
	async idle(/** @type {{ ms: number }} */ args) {
		const loop = eventLoopMonitor();
		await delay(args.ms);
		return { ms: args.ms, ...loop.stop() };
	},

	/** `count` tasks of `true` started at once; time until all have a final status. */
	async 'spawn-ours'(/** @type {{ count: number, maxConcurrent: number }} */ args) {
		const { manager, close } = createManager({ maxConcurrent: args.maxConcurrent });
		try {
			const warm = Array.from({ length: 4 }, () => manager.start('true', { origin: 'agent' }));
			await Promise.all(warm.map((info) => manager.whenFinished(info.id)));
			manager.drain();
			const started = performance.now();
			const infos = Array.from({ length: args.count }, () => manager.start('true', { origin: 'agent' }));
			const startCallsMs = performance.now() - started;
			const done = await Promise.all(infos.map((info) => manager.whenFinished(info.id)));
			const ms = performance.now() - started;
			return { ms, startCallsMs, succeeded: done.filter((task) => task.status === 'succeeded').length, warnings: warnings.length };
		} finally {
			close();
		}
	},

	async 'spawn-raw'(/** @type {{ count: number }} */ args) {
		/** @type {string[]} */
		const errors = [];
		/** @param {number} count */
		const launch = (count) =>
			Array.from({ length: count }, () => {
				const child = spawn('bash', ['-c', 'true']);
				// A spawn that fails (EAGAIN on a machine out of processes) emits 'error' and never 'exit': counted, not waited for forever.
				const failed = new Promise((resolve) => child.on('error', (error) => resolve(errors.push(/** @type {NodeJS.ErrnoException} */ (error).code ?? error.message))));
				return {
					exited: Promise.race([failed, new Promise((resolve) => child.on('exit', resolve))]),
					closed: Promise.race([failed, new Promise((resolve) => child.on('close', resolve))]),
				};
			});
		await Promise.all(launch(4).map((child) => child.closed));
		const started = performance.now();
		const children = launch(args.count);
		let closedMs = NaN;
		const allClosed = Promise.all(children.map((child) => child.closed)).then(() => (closedMs = performance.now() - started));
		await Promise.all(children.map((child) => child.exited));
		const ms = performance.now() - started;
		await allClosed;
		return { ms, closedMs, ...(errors.length > 0 ? { spawnErrors: errors } : {}) };
	},

	/**
	 * 1000 scripted requests: before each, drain(); meanwhile tasks start and finish at random moments
	 * (some are cancelled). Every finished task must reach the very next request, once.
	 */
	async drain(/** @type {{ requests: number, seed: number }} */ args) {
		const { manager, close } = createManager();
		const random = mulberry32(args.seed);
		try {
			let request = 0;
			/** @type {Map<string, number>} id → the request during which the task finished */
			const finishedDuring = new Map();
			/** @type {Map<string, number[]>} id → the requests whose drain delivered it */
			const deliveredAt = new Map();
			/** @type {Promise<unknown>[]} */
			const all = [];
			/** @type {{ id: string, at: number }[]} */
			const toCancel = [];
			manager.onDidFinish((task) => finishedDuring.set(task.id, request));
			const take = () => {
				for (const notice of manager.drain()) {
					const list = deliveredAt.get(notice.task.id) ?? [];
					list.push(request);
					deliveredAt.set(notice.task.id, list);
				}
			};
			const started = performance.now();
			for (request = 0; request < args.requests; request++) {
				take();
				// Between this request and the next: start tasks, cancel some, let time pass.
				const starts = random() < 0.5 ? 1 + Math.floor(random() * 2) : 0;
				for (let index = 0; index < starts; index++) {
					const pick = random();
					const command =
						pick < 0.3 ? 'true' : pick < 0.5 ? 'exit 1' : pick < 0.65 ? 'echo out; exit 2' : pick < 0.97 ? `sleep ${(random() * 0.08).toFixed(3)}` : 'sleep 30';
					const info = manager.start(command, { origin: 'agent' });
					all.push(manager.whenFinished(info.id));
					if (command === 'sleep 30') {
						toCancel.push({ id: info.id, at: request + 1 + Math.floor(random() * 20) });
					}
				}
				for (const item of toCancel.filter((entry) => entry.at === request)) {
					void manager.cancel(item.id, 'cancelled by the benchmark');
				}
				await delay(random() * 5);
			}
			for (const item of toCancel.filter((entry) => entry.at >= request)) {
				void manager.cancel(item.id, 'cancelled by the benchmark');
			}
			await Promise.all(all);
			// The request after the last one.
			take();
			const seconds = (performance.now() - started) / 1000;
			let lost = 0;
			let twice = 0;
			let late = 0;
			for (const [id, during] of finishedDuring) {
				const list = deliveredAt.get(id) ?? [];
				if (list.length === 0) {
					lost++;
				}
				if (list.length > 1) {
					twice++;
				}
				if (list.length > 0 && list[0] > during + 1) {
					late++;
				}
			}
			const unknown = [...deliveredAt.keys()].filter((id) => !finishedDuring.has(id)).length;
			return { requests: args.requests, tasks: all.length, finished: finishedDuring.size, cancelled: toCancel.length, lost, twice, late, unknown, seconds };
		} finally {
			close();
		}
	},

	/** cancel() of a task whose group holds 10 sleeping children: until nothing of the group is left. */
	async 'cancel-ours'(/** @type {{ ignoreTerm: boolean, killGraceSeconds?: number }} */ args) {
		const { manager, settings, close } = createManager(args.killGraceSeconds !== undefined ? { killGraceSeconds: args.killGraceSeconds } : {});
		try {
			const info = manager.start(groupCommand(args.ignoreTerm), { origin: 'agent' });
			const pgid = /** @type {number} */ (info.pid);
			const pids = await waitForGroup(pgid, 11);
			const started = performance.now();
			let resolvedMs = NaN;
			const cancelled = manager.cancel(info.id).then((task) => {
				resolvedMs = performance.now() - started;
				return task;
			});
			const times = await watchGroupEnd(pgid, pids, started);
			const task = await cancelled;
			return { ...times, resolvedMs, status: task?.status, killGraceSeconds: settings.killGraceSeconds };
		} finally {
			close();
		}
	},

	/** The baseline: `kill -9` of the group of an identical raw spawn. */
	async 'cancel-raw'(/** @type {{ ignoreTerm: boolean }} */ args) {
		const raw = spawnRaw(groupCommand(args.ignoreTerm));
		const pgid = /** @type {number} */ (raw.child.pid);
		const pids = await waitForGroup(pgid, 11);
		const started = performance.now();
		process.kill(-pgid, 'SIGKILL');
		const times = await watchGroupEnd(pgid, pids, started);
		await raw.closed;
		return times;
	},

	/** Ours on the seed comparison: peak memory and whether the notice carries the last error line. */
	async 'seed-ours'(/** @type {{ bytes: number }} */ args) {
		const { manager, close } = createManager();
		try {
			await manager.whenFinished(manager.start('echo warm', { origin: 'agent' }).id);
			manager.drain();
			const memory = memoryMeter();
			const info = manager.start(seedCommand(args.bytes), { origin: 'agent' });
			const done = await manager.whenFinished(info.id);
			const notice = manager.drain().find((candidate) => candidate.task.id === info.id);
			const mem = memory.stop();
			// Where the error line sits in the captured output: stdout and stderr are two pipes, read in
			// whatever order their data arrives, so stdout printed before the error can land after it.
			const tail = manager.readOutput(info.id);
			const errorAt = tail.lastIndexOf(ERROR_LINE);
			const after = errorAt >= 0 ? tail.slice(errorAt + ERROR_LINE.length) : '';
			return {
				...mem,
				status: done.status,
				exitCode: done.exitCode,
				outputBytes: done.outputBytes,
				noticeChars: notice?.outputTail.length ?? 0,
				noticeHasError: notice?.outputTail.includes(ERROR_LINE) ?? false,
				charsAfterError: errorAt >= 0 ? after.length : -1,
				linesAfterError: errorAt >= 0 ? after.split('\n').length - 2 : -1,
			};
		} finally {
			close();
		}
	},

	/**
	 * What each step of capturing costs per gigabyte, on 64 KiB chunks of zeros (what `head -c N
	 * /dev/zero` gives): the streaming TextDecoder, re-encoding into UTF-8, copying into a ring, and
	 * Buffer's isUtf8 check (the validation a byte-level fast path would need instead of decoding).
	 */
	async 'decode-cost'(/** @type {{ bytes: number }} */ args) {
		const { isUtf8 } = require('node:buffer');
		const chunk = Buffer.alloc(65_536);
		const count = Math.max(1, Math.round(args.bytes / chunk.length));
		const perGigabyte = (/** @type {() => void} */ step) => {
			const started = performance.now();
			for (let index = 0; index < count; index++) {
				step();
			}
			return ((performance.now() - started) / 1000) * (1e9 / (count * chunk.length));
		};
		const decoder = new TextDecoder('utf-8');
		const encoder = new TextEncoder();
		const text = decoder.decode(chunk);
		const scratch = new Uint8Array(chunk.length * 3);
		const ring = new Uint8Array(1_048_576);
		let offset = 0;
		return {
			decodeSecondsPerGB: perGigabyte(() => decoder.decode(chunk, { stream: true })),
			encodeIntoSecondsPerGB: perGigabyte(() => encoder.encodeInto(text, scratch)),
			ringCopySecondsPerGB: perGigabyte(() => {
				ring.set(chunk, offset);
				offset = (offset + chunk.length) % ring.length;
			}),
			isUtf8SecondsPerGB: perGigabyte(() => isUtf8(chunk)),
		};
	},

	/**
	 * `tasks` tasks in a row, each printing `bytes` of stdout and then the error line to stderr: in how
	 * many does the notice carry the error line? (Where it does not: what came after it.)
	 */
	async 'notice-order'(/** @type {{ tasks: number, bytes: number }} */ args) {
		const { manager, close } = createManager();
		try {
			let delivered = 0;
			/** @type {{ linesAfterError: number, charsAfterError: number }[]} */
			const misses = [];
			for (let index = 0; index < args.tasks; index++) {
				const info = manager.start(seedCommand(args.bytes), { origin: 'agent' });
				await manager.whenFinished(info.id);
				const notice = manager.drain().find((candidate) => candidate.task.id === info.id);
				if (notice?.outputTail.includes(ERROR_LINE)) {
					delivered++;
					continue;
				}
				const tail = manager.readOutput(info.id);
				const errorAt = tail.lastIndexOf(ERROR_LINE);
				const after = errorAt >= 0 ? tail.slice(errorAt + ERROR_LINE.length) : '';
				misses.push({ linesAfterError: errorAt >= 0 ? after.split('\n').length - 2 : -1, charsAfterError: errorAt >= 0 ? after.length : -1 });
			}
			return { tasks: args.tasks, bytes: args.bytes, delivered, misses };
		} finally {
			close();
		}
	},

	/** The seed's design on the same command. */
	async 'seed-seed'(/** @type {{ bytes: number }} */ args) {
		await runSeedTask('echo warm', os.tmpdir());
		const memory = memoryMeter();
		const result = await runSeedTask(seedCommand(args.bytes), os.tmpdir());
		const mem = memory.stop();
		return { ...mem, exitCode: result.exitCode, noticeChars: result.notice.length, noticeHasError: result.notice.includes(ERROR_LINE) };
	},
};

/** @param {boolean} ignoreTerm */
function groupCommand(ignoreTerm) {
	const children = 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 300 & done; wait';
	// SIG_IGN is inherited across exec: with the trap, the sleeps ignore SIGTERM too.
	return ignoreTerm ? `trap '' TERM; ${children}` : children;
}

/** @param {number} bytes */
function seedCommand(bytes) {
	return `yes 'building: compiled module 0042 of 9999 (src/components/widget.ts) in 12 ms' | head -c ${bytes}; echo '${ERROR_LINE}' >&2; exit 1`;
}

/**
 * Waits until the group has `count` processes; returns their pids.
 * @param {number} pgid
 * @param {number} count
 */
async function waitForGroup(pgid, count) {
	const deadline = performance.now() + 10_000;
	for (;;) {
		const members = groupMembers(pgid).filter((member) => member.state !== 'Z');
		if (members.length >= count) {
			return members.map((member) => member.pid);
		}
		if (performance.now() > deadline) {
			throw new Error(`the group ${pgid} has ${members.length} processes, not ${count}`);
		}
		await delay(10);
	}
}

/**
 * Polls every millisecond from `started` on: `liveMs` when none of `pids` is alive any more (gone or
 * a zombie), `goneMs` when kill(-pgid, 0) says the group no longer exists (zombies reaped too).
 * @param {number} pgid
 * @param {number[]} pids
 * @param {number} started
 */
async function watchGroupEnd(pgid, pids, started) {
	let liveMs = NaN;
	let goneMs = NaN;
	const deadline = started + 30_000;
	while (Number.isNaN(goneMs) || Number.isNaN(liveMs)) {
		const now = performance.now();
		if (Number.isNaN(liveMs) && pids.every((pid) => (procStat(pid)?.state ?? 'Z') === 'Z')) {
			liveMs = now - started;
		}
		if (Number.isNaN(goneMs)) {
			try {
				process.kill(-pgid, 0);
			} catch (error) {
				if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ESRCH') {
					goneMs = now - started;
				}
			}
		}
		if (now > deadline) {
			// Leave nothing behind, then report what was seen.
			try {
				process.kill(-pgid, 'SIGKILL');
			} catch {
				// Gone.
			}
			break;
		}
		await delay(1);
	}
	return { liveMs, goneMs };
}

runCases(cases);
