// @ts-check
'use strict';
/**
 * Helpers shared by the benchmark driver (scripts/bench.js) and its workers: statistics, child
 * processes that answer with one JSON line, process groups read from /proc, and CPU profiles.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const projectRoot = path.resolve(__dirname, '..', '..');
/**
 * Where the benchmark builds what it runs (the engine bundle, the empty extension, a copy of dist/):
 * a temporary folder of this run, which scripts/bench.js names in MEANWHILE_BENCH_BUILD for its
 * workers (others rebuild out/ and dist/ while it runs); out/bench when a worker runs on its own.
 */
const buildDir = process.env.MEANWHILE_BENCH_BUILD || path.join(projectRoot, 'out', 'bench');
/** Where CPU profiles of missed targets are kept for a closer look (git-ignored). */
const profileDir = path.join(projectRoot, 'out', 'bench', 'profiles');
/** The line prefix a worker writes its result after, on stdout. */
const RESULT_PREFIX = 'BENCH_RESULT ';

/** @param {string} message */
function progress(message) {
	process.stderr.write(`[bench] ${message}\n`);
}

/** @param {number[]} values */
function median(values) {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) {
		return NaN;
	}
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** @param {number[]} values */
function min(values) {
	return Math.min(...values.filter((value) => Number.isFinite(value)));
}

/** @param {number[]} values */
function max(values) {
	return Math.max(...values.filter((value) => Number.isFinite(value)));
}

/** @param {number} milliseconds */
function delay(milliseconds) {
	return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Runs `node [nodeArgs] file ...args` and resolves with the JSON object the child printed after
 * {@link RESULT_PREFIX}. The child's stderr is passed through, indented.
 * @param {string} file
 * @param {string[]} args
 * @param {{ nodeArgs?: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<Record<string, any>>}
 */
function runWorker(file, args, options = {}) {
	const timeoutMs = options.timeoutMs ?? 120_000;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file, ...args], {
			cwd: projectRoot,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, ...options.env },
		});
		let stdout = '';
		let stderrTail = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (/** @type {string} */ chunk) => {
			stderrTail = (stderrTail + chunk).slice(-4000);
			process.stderr.write(chunk.replace(/^(?=.)/gm, '    '));
		});
		// A label for messages: the worker and its case, never its JSON arguments (they hold paths).
		const label = `${path.basename(file)}${args[0] && !args[0].startsWith('{') ? ` ${path.basename(args[0])}` : ''}`;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${label} took longer than ${timeoutMs} ms`));
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
			if (!line) {
				reject(new Error(`${label} ended (${signal ?? code}) without a result: ${stderrTail.trim().slice(-600)}`));
				return;
			}
			try {
				resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
			} catch (error) {
				reject(error);
			}
		});
	});
}

/**
 * Prints a worker's result for {@link runWorker}.
 * @param {unknown} result
 */
function reportResult(result) {
	process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * A worker's entry: runs the case named by argv[2] with the JSON arguments of argv[3], prints its result
 * for {@link runWorker} and exits (1, with the error on stderr, when it fails).
 * @param {Record<string, (args: any) => Promise<unknown>>} cases
 */
function runCases(cases) {
	const main = async () => {
		const name = process.argv[2] ?? '';
		const run = cases[name];
		if (!run) {
			throw new Error(`unknown case "${name}"; cases: ${Object.keys(cases).join(', ')}`);
		}
		reportResult(await run(JSON.parse(process.argv[3] ?? '{}')));
	};
	main().then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
			process.exit(1);
		},
	);
}

/**
 * The processes of a process group, from /proc (Linux): pid and state (`Z` for a zombie).
 * @param {number} pgid
 * @returns {{ pid: number, state: string }[]}
 */
function groupMembers(pgid) {
	/** @type {{ pid: number, state: string }[]} */
	const members = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		const stat = procStat(Number(entry));
		if (stat && stat.pgrp === pgid) {
			members.push({ pid: Number(entry), state: stat.state });
		}
	}
	return members;
}

/**
 * State and process group of one process from /proc/PID/stat, or undefined when it is gone.
 * @param {number} pid
 * @returns {{ state: string, pgrp: number } | undefined}
 */
function procStat(pid) {
	let text;
	try {
		text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	// The command name is in parentheses and may hold spaces: the fields start after the last ')'.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	return { state: fields[0], pgrp: Number(fields[2]) };
}

/**
 * Resident memory now and its peak, from /proc/self/status (kB → bytes).
 * @returns {{ rss: number, peak: number }}
 */
function memoryNow() {
	const status = fs.readFileSync('/proc/self/status', 'utf8');
	const field = (/** @type {string} */ name) => {
		const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
		return match ? Number(match[1]) * 1024 : NaN;
	};
	return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/**
 * Resets the kernel's record of this process's peak resident memory (VmHWM), so a later
 * {@link memoryNow} gives the peak since now. Returns false where that is not possible.
 */
function resetPeakMemory() {
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples?: number[], timeDeltas?: number[], startTime: number, endTime: number }} CpuProfile
 */

/**
 * The functions that took the most time themselves in a V8 CPU profile (Node's --cpu-prof or the
 * DevTools profiler), as `{ name, ms, percent }`; idle time is left out of the percentages.
 * Locations are file names only (never a folder of this machine).
 * @param {CpuProfile} profile
 * @param {number} [count]
 */
function summarizeProfile(profile, count = 8) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	/** @type {Map<string, number>} */
	const self = new Map();
	const samples = profile.samples ?? [];
	const deltas = profile.timeDeltas ?? [];
	let busy = 0;
	let idle = 0;
	for (let index = 0; index < samples.length; index++) {
		const node = byId.get(samples[index]);
		// A sample's time is the delta to the next sample.
		const microseconds = deltas[index + 1] ?? 0;
		if (!node) {
			continue;
		}
		const frame = node.callFrame;
		if (frame.functionName === '(idle)') {
			idle += microseconds;
			continue;
		}
		busy += microseconds;
		const file = frame.url ? path.basename(frame.url.replace(/^file:\/\//, '')) : '';
		const name = `${frame.functionName || '(anonymous)'}${file ? ` (${file}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ''})` : ''}`;
		self.set(name, (self.get(name) ?? 0) + microseconds);
	}
	const top = [...self.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([name, microseconds]) => ({ name, ms: microseconds / 1000, percent: busy > 0 ? (100 * microseconds) / busy : 0 }));
	return { busyMs: busy / 1000, idleMs: idle / 1000, wallMs: (profile.endTime - profile.startTime) / 1000, top };
}

/**
 * A free-standing temporary folder that is removed with its content by the returned function.
 * @param {string} prefix
 */
function tempFolder(prefix) {
	const folder = fs.mkdtempSync(path.join(require('node:os').tmpdir(), prefix));
	return { folder, remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

module.exports = {
	projectRoot,
	buildDir,
	profileDir,
	progress,
	median,
	min,
	max,
	delay,
	runWorker,
	reportResult,
	runCases,
	groupMembers,
	procStat,
	memoryNow,
	resetPeakMemory,
	summarizeProfile,
	tempFolder,
};
