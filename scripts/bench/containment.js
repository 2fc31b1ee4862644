// @ts-check
'use strict';
/**
 * The containment section of scripts/bench.js: what tracking every process of a task costs, how fast
 * Cancel stops processes that left their task's group, and whether a model's pattern can stall the
 * event loop. Linux only (tracking by marker is).
 */
const path = require('node:path');
const { ms, ratio } = require('./report');
const { median, progress, runWorker } = require('./util');

const WORKER = path.join(__dirname, 'containmentWorker.js');

/**
 * @param {string} name
 * @param {Record<string, unknown>} [args]
 */
function containment(name, args = {}) {
	return runWorker(WORKER, [name, JSON.stringify(args)], { timeoutMs: 180_000 });
}

/**
 * @param {boolean} quick
 * @returns {Promise<{ rows: import('./report').Row[], notes: string[], missed: string[] }>}
 */
async function containmentSection(quick) {
	if (process.platform !== 'linux') {
		return { rows: [], notes: ['- Containment: not measured; processes are tracked by marker on Linux only.'], missed: [] };
	}
	const rounds = quick ? 1 : 3;
	const tasks = 50;
	const seconds = quick ? 3 : 5;
	/** @type {Record<string, number[]>} */
	const figures = { tracked: [], untracked: [], cancelOurs: [], cancelRaw: [], hostileMax: [], plainMax: [], hostileElapsed: [], plainElapsed: [] };
	for (let round = 0; round < rounds; round++) {
		for (const tracked of round % 2 === 0 ? [true, false] : [false, true]) {
			const result = await containment('tracking-cost', { tracked, tasks, seconds });
			figures[tracked ? 'tracked' : 'untracked'].push(result.cpuMsPerSecond);
			progress(`tracking cost ${round + 1}/${rounds} ${tracked ? 'tracked' : 'untracked'}: ${ms(result.cpuMsPerSecond)} CPU per second (${result.running} running)`);
		}
		const ours = await containment('cancel-detached-ours');
		const raw = await containment('cancel-detached-raw');
		figures.cancelOurs.push(ours.liveMs);
		figures.cancelRaw.push(raw.liveMs);
		progress(`cancel detached ${round + 1}/${rounds}: ours ${ms(ours.liveMs)}, kill -9 ${ms(raw.liveMs)}`);
		for (const hostile of [true, false]) {
			const result = await containment('pattern-delay', { hostile });
			figures[hostile ? 'hostileMax' : 'plainMax'].push(result.maxDelayMs);
			figures[hostile ? 'hostileElapsed' : 'plainElapsed'].push(result.elapsedMs);
			progress(`pattern ${round + 1}/${rounds} ${hostile ? 'hostile' : 'plain'}: ${result.outcome} after ${ms(result.elapsedMs)}, event loop delay max ${ms(result.maxDelayMs)}`);
		}
	}
	const tracked = median(figures.tracked);
	const untracked = median(figures.untracked);
	const cancelOurs = median(figures.cancelOurs);
	const cancelRaw = median(figures.cancelRaw);
	const hostileMax = median(figures.hostileMax);
	const plainMax = median(figures.plainMax);
	const grace = 3000;
	/** @type {import('./report').Row[]} */
	const rows = [
		{
			what: `Tracking cost: CPU of the host per second with ${tasks} running tasks whose processes left their groups (found by marker)`,
			ours: `${ms(tracked)} per s`,
			baseline: `${ms(untracked)} per s (${tasks} tasks whose main process runs: nothing to track)`,
			ratio: ratio(tracked / untracked),
			target: '≤ 20 ms per s (2 % of a core)',
			met: tracked <= 20,
		},
		{
			what: 'Cancel latency, 10 processes that left the task (setsid, output redirected): cancel() until none is alive',
			ours: ms(cancelOurs),
			baseline: `${ms(cancelRaw)} (kill -9 of the same processes, pids known)`,
			ratio: ratio(cancelOurs / cancelRaw),
			target: `≤ grace 3 s + 1.5× baseline (= ${ms(grace + 1.5 * cancelRaw)})`,
			met: cancelOurs <= grace + 1.5 * cancelRaw,
		},
		{
			what: 'Event-loop delay (max) while a wait\'s pattern `^(\\w+\\s?)+:\\s*ready` meets 2000 hostile lines',
			ours: ms(hostileMax),
			baseline: `${ms(plainMax)} (the pattern \`ready\` on the same lines)`,
			ratio: ratio(hostileMax / plainMax),
			target: '≤ 100 ms',
			met: hostileMax <= 100,
		},
	];
	const notes = [
		`- Containment (Linux): tracking cost over ${seconds} s after ${tasks} tasks settled, ${rounds} rounds each (medians; per run tracked ${figures.tracked.map(ms).join(', ')}, untracked ${figures.untracked.map(ms).join(', ')}); a task whose main process exited is watched by a check of its known processes each second and a pass over /proc every 5 s, shared by all tasks. Cancel: a task \`for i in 1..10; do setsid sleep 300 > /dev/null 2>&1 & done\` (main exited, ten processes in sessions of their own), SIGTERM to each process found by marker, SIGKILL after the grace for those left. Pattern: with JavaScript's RegExp the hostile pattern on one 41-character line alone takes seconds; through re2js the wait took ${ms(median(figures.hostileElapsed))} (plain ${ms(median(figures.plainElapsed))}).`,
	];
	const missed = rows.filter((row) => row.met === false).map((row) => `**${row.what.split(':')[0]}**: ${row.ours} against ${row.target}.`);
	return { rows, notes, missed };
}

module.exports = { containmentSection };
