// @ts-check
'use strict';
/**
 * The cases measured in the real extension host: a VS Code (code-server) driven through headless
 * Chromium by the UI tests' own driver (test/ui/workbench.ts, bundled by build.js into workbench.js of
 * the build folder), with Meanwhile loaded from this checkout's dist/ and the Background Tasks view open.
 * `node scripts/bench/extensionHost.js <case> '<json args>'`; prints one JSON line (util.reportResult).
 *
 * - `flood`: tasks started from the palette, each printing a lot (lines or one long line), timed by the
 *   task's own exit: the command notes the time before and after its pipeline, and the pipe's
 *   backpressure lets the pipeline end only once Meanwhile has read all but the pipe's last buffer.
 *   The baseline is the same pipeline into /dev/null, started the same way in the same window. Also:
 *   the extension host's peak RSS growth, and how long after the task's end its row says `succeeded`,
 *   for the flood and for a one-line task started while the flood runs.
 * - `latency`: turn latencies with the fake Messages API: Enter in the chat → the request reaching the
 *   server; a task the agent started ends while the agent is idle → the automatic turn's request.
 */
const fs = require('node:fs');
const path = require('node:path');
const { buildDir, delay, median, runCases } = require('./util');
const { outputCommand } = require('./output');

/** @type {any} */
const driver = require(path.join(buildDir, 'workbench.js'));

/** Nanoseconds since the epoch, as `date +%s%N` prints them, in milliseconds. */
function nowMs() {
	return performance.timeOrigin + performance.now();
}

/** @param {number[]} values @param {number} p */
function percentile(values, p) {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) {
		return NaN;
	}
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The extension host of the window: the process whose command line says so, marked with the test
 * marker the driver gives the server (all it starts inherits it).
 * @param {string} marker
 */
function findExtensionHost(marker) {
	const needle = Buffer.from(`MEANWHILE_TEST_MARKER=${marker}\0`);
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (!cmdline.includes('extensionHost')) {
				continue;
			}
			if (fs.readFileSync(`/proc/${entry}/environ`).includes(needle)) {
				return Number(entry);
			}
		} catch {
			// Gone, or not readable.
		}
	}
	return undefined;
}

/** VmRSS and VmHWM of a process, in bytes. @param {number} pid */
function memoryOf(pid) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (/** @type {string} */ name) => {
		const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
		return match ? Number(match[1]) * 1024 : NaN;
	};
	return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** CPU seconds a process has used (user + system), from /proc/PID/stat. @param {number} pid */
function cpuSecondsOf(pid) {
	const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	// utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** @param {number} pid */
function resetPeak(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * Starts a task from the palette, as a user does.
 * @param {any} workbench
 * @param {string} command
 */
async function runInBackground(workbench, command) {
	await workbench.runCommand('Meanwhile: Run in Background…');
	const input = workbench.page.locator('.quick-input-widget input.input');
	await input.fill(command);
	await input.press('Enter');
}

/**
 * Waits until the task's row says `succeeded`; resolves with the time it was seen (epoch ms).
 * @param {any} workbench
 * @param {string} label text of the row
 */
async function seenSucceeded(workbench, label) {
	const row = workbench.page.locator('.pane-body .monaco-list-row', { hasText: label }).first();
	await row.locator('.label-description', { hasText: /^succeeded/ }).waitFor({ timeout: 600_000, state: 'attached' });
	return nowMs();
}

/**
 * Waits for a file the task writes at its end: `<start ns> <end ns>`.
 * @param {string} file
 */
async function timesFrom(file) {
	for (;;) {
		try {
			const [start, end] = fs.readFileSync(file, 'utf8').trim().split(' ').map((value) => Number(value) / 1e6);
			if (Number.isFinite(start) && Number.isFinite(end)) {
				return { start, end };
			}
		} catch {
			// Not written yet.
		}
		await delay(20);
	}
}

/**
 * Opens a window with the tasks view visible.
 * @param {Record<string, unknown>} options
 */
async function openWindow(options = {}) {
	const workbench = await driver.Workbench.open(options);
	await workbench.openContainer();
	// The Background Tasks pane open, its welcome text shown: the tree is on screen.
	await workbench.page.locator('.pane-header', { hasText: 'Background Tasks' }).first().waitFor({ timeout: 60_000 });
	return workbench;
}

/** @type {Record<string, (args: any) => Promise<unknown>>} */
const cases = {
	/**
	 * `runs` rounds of: the pipeline into /dev/null, then the same printing to Meanwhile (order
	 * alternating), each a task started from the palette.
	 */
	async flood(/** @type {{ source: 'zero' | 'lines', bytes: number, runs: number, probe?: boolean }} */ args) {
		const workbench = await openWindow();
		try {
			const marker = workbench._marker;
			const host = findExtensionHost(marker);
			if (host === undefined) {
				throw new Error('the extension host process was not found');
			}
			const times = path.join(workbench.workspace, '.bench');
			fs.mkdirSync(times, { recursive: true });
			const producer = outputCommand(args.source, args.bytes, times);
			// Warm up: the extension activated, the engine's code paths compiled.
			await runInBackground(workbench, ': warm-up; echo warm');
			await seenSucceeded(workbench, 'warm-up');
			/** @type {{ side: string, seconds: number, cpuSeconds: number, growthBytes?: number, rowLagMs: number, probeLagMs?: number }[]} */
			const results = [];
			for (let round = 0; round < args.runs; round++) {
				const order = round % 2 === 0 ? ['null', 'ours'] : ['ours', 'null'];
				for (const side of order) {
					const label = `bench-${args.source}-${side}-${round}`;
					const file = path.join(times, label);
					const sink = side === 'null' ? ' > /dev/null' : '';
					const command = `: ${label}; s=$(date +%s%N); ${producer}${sink}; e=$(date +%s%N); echo "$s $e" > '${file}'`;
					await delay(500);
					const before = memoryOf(host).rss;
					const cpuBefore = cpuSecondsOf(host);
					const exact = resetPeak(host);
					let sampled = before;
					const sampler = setInterval(() => {
						try {
							sampled = Math.max(sampled, memoryOf(host).rss);
						} catch {
							// The host went away: the run fails below.
						}
					}, 20);
					await runInBackground(workbench, command);
					let probeLagMs;
					if (args.probe && side === 'ours') {
						// A one-line task started while the flood runs: its row must say succeeded soon after it ends too.
						await delay(300);
						const probeLabel = `probe-${round}`;
						const probeFile = path.join(times, probeLabel);
						await runInBackground(workbench, `: ${probeLabel}; s=$(date +%s%N); echo one line; e=$(date +%s%N); echo "$s $e" > '${probeFile}'`);
						const probe = await timesFrom(probeFile);
						probeLagMs = (await seenSucceeded(workbench, probeLabel)) - probe.end;
					}
					const { start, end } = await timesFrom(file);
					const seen = await seenSucceeded(workbench, label);
					clearInterval(sampler);
					const peak = exact ? memoryOf(host).peak : Math.max(sampled, memoryOf(host).rss);
					// Includes what the window does meanwhile on its own (it is the same for the baseline).
					const cpuSeconds = cpuSecondsOf(host) - cpuBefore;
					results.push({ side, seconds: (end - start) / 1000, cpuSeconds, growthBytes: side === 'ours' ? peak - before : undefined, rowLagMs: seen - end, probeLagMs });
					process.stderr.write(`[bench] host flood ${args.source} ${round + 1}/${args.runs} ${side}: ${((end - start) / 1000).toFixed(2)} s, host CPU ${cpuSeconds.toFixed(2)} s${side === 'ours' ? `, +${((peak - before) / 1048576).toFixed(0)} MiB, row ${(seen - end).toFixed(0)} ms after the end${probeLagMs !== undefined ? `, one-line task ${probeLagMs.toFixed(0)} ms` : ''}` : ''}\n`);
				}
			}
			const ours = results.filter((result) => result.side === 'ours');
			const base = results.filter((result) => result.side === 'null');
			return {
				oursSeconds: median(ours.map((result) => result.seconds)),
				oursCpuSeconds: median(ours.map((result) => result.cpuSeconds)),
				nullCpuSeconds: median(base.map((result) => result.cpuSeconds)),
				nullSeconds: median(base.map((result) => result.seconds)),
				growthBytes: median(ours.map((result) => result.growthBytes ?? NaN)),
				maxRowLagMs: Math.max(...ours.map((result) => result.rowLagMs)),
				maxProbeLagMs: args.probe ? Math.max(...ours.map((result) => result.probeLagMs ?? NaN)) : undefined,
				exactPeak: resetPeak(host),
				runs: results,
			};
		} finally {
			await workbench.close();
		}
	},

	/** Turn latencies: Enter → request on the wire, and task exit → the automatic turn's request. */
	async latency(/** @type {{ runs: number, userSettings?: Record<string, unknown> }} */ args) {
		/** @type {number[]} */
		const arrivals = [];
		const fake = await driver.startFakeAnthropic({
			defaultReply: () => {
				arrivals.push(nowMs());
				return driver.text('ok');
			},
		});
		const workbench = await openWindow({
			env: { ANTHROPIC_API_KEY: 'sk-ant-bench-key', ANTHROPIC_BASE_URL: fake.url },
			// The agent's commands run without asking: the bench measures delivery, not a click.
			userSettings: { 'meanwhile.approval.mode': 'auto', 'meanwhile.approval.allow': ['/.*/'], 'meanwhile.autoContinueMaxTurns': 1000, ...(args.userSettings ?? {}) },
		});
		try {
			const chat = workbench.chat();
			const message = chat.getByRole('textbox', { name: 'Message' });
			await message.waitFor({ timeout: 60_000 });
			/** @type {number[]} */
			const enter = [];
			/** @type {number[]} */
			const notice = [];
			// The baseline: the same request posted straight to the server from here (HTTP and JSON, no extension).
			/** @type {number[]} */
			const direct = [];
			const times = path.join(workbench.workspace, '.bench');
			fs.mkdirSync(times, { recursive: true });
			for (let run = 0; run < args.runs + 1; run++) {
				// Enter → request. The first run warms up (SDK loaded, connection made) and is not counted.
				await chat.getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached', timeout: 60_000 });
				const count = arrivals.length;
				await message.fill(`latency probe ${run}`);
				const pressed = nowMs();
				await message.press('Enter');
				while (arrivals.length === count) {
					await delay(1);
				}
				if (run > 0) {
					enter.push(arrivals[count] - pressed);
				}
				const sent = nowMs();
				const before = arrivals.length;
				await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-bench-key', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude-fake-1', max_tokens: 16, messages: [{ role: 'user', content: `direct ${run}` }] }) }).then((response) => response.text());
				if (run > 0) {
					direct.push(arrivals[before] - sent);
				}
			}
			// Task exit → the automatic turn's request: the agent starts a task, goes idle; the task ends.
			for (let run = 0; run < args.runs + 1; run++) {
				await chat.getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached', timeout: 60_000 });
				const file = path.join(times, `notice-${run}`);
				const count = arrivals.length;
				fake.enqueue(
					() => {
						arrivals.push(nowMs());
						return driver.toolUse('background_run', { command: `sleep 1; date +%s%N > '${file}'` });
					},
					() => {
						arrivals.push(nowMs());
						return driver.text('started');
					},
				);
				await message.fill(`start task ${run}`);
				await message.press('Enter');
				// The agent's reply, its tool result turn, then (after the task ends) the automatic turn.
				while (arrivals.length < count + 3) {
					await delay(1);
				}
				const ended = Number(fs.readFileSync(file, 'utf8').trim()) / 1e6;
				if (run > 0) {
					notice.push(arrivals[count + 2] - ended);
				}
			}
			return {
				enterP50: percentile(enter, 50),
				enterP95: percentile(enter, 95),
				noticeP50: percentile(notice, 50),
				noticeP95: percentile(notice, 95),
				directP50: percentile(direct, 50),
				directP95: percentile(direct, 95),
				enter,
				notice,
				direct,
			};
		} finally {
			await workbench.close();
			await fake.close();
		}
	},
};

runCases(cases);
