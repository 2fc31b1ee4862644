// @ts-check
'use strict';
/**
 * The benchmark sections measured in the real extension host (code-server, see extensionHost.js):
 * output floods with the Background Tasks view open, and the latencies of a turn.
 */
const path = require('node:path');
const { buildWorkbenchDriver } = require('./build');
const { mib, ms, ratio } = require('./report');
const { progress, projectRoot, runWorker } = require('./util');
const { SOURCE_DESCRIPTIONS } = require('./output');

/** @typedef {import('./report').Row} Row */

const DRIVER = path.join(__dirname, 'extensionHost.js');
const MiB = 1_048_576;

/**
 * Runs a case of extensionHost.js in a process of its own.
 * @param {string} name
 * @param {Record<string, unknown>} args
 */
function hostCase(name, args) {
	// The bundled driver sits in the build folder: its packages (playwright-core) are this project's.
	return runWorker(DRIVER, [name, JSON.stringify(args)], { timeoutMs: 1_800_000, env: { NODE_PATH: path.join(projectRoot, 'node_modules') } });
}

/** The driver, or why it cannot run. */
function prepareDriver() {
	try {
		buildWorkbenchDriver();
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/**
 * @param {string} what
 * @param {string} why
 * @returns {{ rows: Row[], notes: string[], missed: string[] }}
 */
function notMeasured(what, why) {
	return { rows: [{ what, ours: 'not measured', baseline: '—', ratio: '—', target: '—', met: undefined }], notes: [`- ${what}: not measured (${why.split('\n')[0].slice(0, 300)}).`], missed: [] };
}

/**
 * Floods in the extension host: 1 GiB of lines and 256 MiB on one line, each beside the same pipeline
 * into /dev/null, started the same way in the same window.
 * @param {{ quick: boolean }} options
 */
async function hostFloodSection(options) {
	const why = prepareDriver();
	if (why) {
		return notMeasured('Extension host flood', why);
	}
	const runs = options.quick ? 1 : 3;
	/** @type {Row[]} */
	const rows = [];
	const notes = [];
	const missed = [];
	const cases = [
		{ source: /** @type {const} */ ('lines'), bytes: 1024 * MiB, probe: true, label: '1 GiB of lines' },
		{ source: /** @type {const} */ ('zero'), bytes: 256 * MiB, probe: false, label: '256 MiB on one line' },
	];
	for (const flood of cases) {
		progress(`extension host: ${flood.label}, ${runs} run(s) each side (code-server, Background Tasks view open)`);
		let result;
		try {
			result = await hostCase('flood', { source: flood.source, bytes: flood.bytes, runs, probe: flood.probe });
		} catch (error) {
			const failed = notMeasured(`Extension host: ${flood.label}`, error instanceof Error ? error.message : String(error));
			rows.push(...failed.rows);
			notes.push(...failed.notes);
			continue;
		}
		const value = result.oursSeconds / result.nullSeconds;
		const memoryLimit = 32 * MiB;
		rows.push(
			{
				what: `Extension host (code-server, tree visible): a task from the palette printing ${flood.label}, timed by the task's own exit`,
				ours: `${result.oursSeconds.toFixed(2)} s`,
				baseline: `${result.nullSeconds.toFixed(2)} s (the same pipeline into /dev/null)`,
				ratio: ratio(value),
				target: '≤ 3× baseline',
				met: value <= 3,
			},
			{
				what: `Extension host: peak RSS growth while it captures ${flood.label}`,
				ours: `+${mib(result.growthBytes)}`,
				baseline: '+0 MiB (nothing kept)',
				ratio: '—',
				target: flood.source === 'lines' ? '≤ 32 MiB' : '≤ 32 MiB (flat)',
				met: result.growthBytes <= memoryLimit,
			},
			{
				what: `Extension host: the row says \`succeeded\` after the task's end (${flood.label}${flood.probe ? '; and a one-line task started during it' : ''}), worst run`,
				ours: `${ms(result.maxRowLagMs)}${flood.probe ? `; ${ms(result.maxProbeLagMs)}` : ''}`,
				baseline: '—',
				ratio: '—',
				target: '≤ 1 s',
				met: result.maxRowLagMs <= 1000 && (!flood.probe || result.maxProbeLagMs <= 1000),
			},
		);
		notes.push(
			`- Extension host, ${flood.label} (${SOURCE_DESCRIPTIONS[flood.source]}): VS Code ${'1.139'} through code-server with headless Chromium (the UI tests' driver, test/ui/workbench.ts), Meanwhile loaded from dist/, the Background Tasks view open. Each task is started from the palette (Meanwhile: Run in Background…); the command notes \`date +%s%N\` before and after its pipeline, so it is timed by its own exit: the pipe's backpressure lets the pipeline end only once Meanwhile has read all but the pipe's last buffer. Baseline: the same command with the pipeline into /dev/null, in the same window, order alternating; ${runs} run(s) each. Per run: ${result.runs.map((/** @type {any} */ run) => `${run.side === 'ours' ? 'ours' : '/dev/null'} ${run.seconds.toFixed(2)} s${run.side === 'ours' ? ` (+${mib(run.growthBytes)}, row after ${ms(run.rowLagMs)}${run.probeLagMs !== undefined ? `, one-line task after ${ms(run.probeLagMs)}` : ''})` : ''}`).join('; ')}. Memory: the extension host's ${result.exactPeak ? 'peak RSS (VmHWM, reset through /proc/PID/clear_refs just before the task starts)' : 'RSS sampled every 20 ms'} minus its RSS then. "Row says succeeded": from the end the task noted to Playwright seeing the row's description change (it polls, so this is an upper bound).`,
		);
		if (value > 3 || result.growthBytes > memoryLimit) {
			missed.push(`**Extension host, ${flood.label}** (${ratio(value)} of the pipeline into /dev/null, +${mib(result.growthBytes)}): see the notes on where the time goes in the extension host.`);
		}
	}
	return { rows, notes, missed };
}

/**
 * Latencies of a turn with the fake Messages API (test/fixtures/fakeAnthropic.ts).
 * @param {{ quick: boolean }} options
 */
async function turnLatencySection(options) {
	const why = prepareDriver();
	if (why) {
		return notMeasured('Turn latency', why);
	}
	const runs = options.quick ? 5 : 20;
	progress(`extension host: turn latencies, ${runs} runs each`);
	let result;
	try {
		result = await hostCase('latency', { runs });
	} catch (error) {
		return notMeasured('Turn latency', error instanceof Error ? error.message : String(error));
	}
	const enterOver = result.enterP95 - result.directP95;
	const noticeOver = result.noticeP95 - result.directP95;
	/** @type {Row[]} */
	const rows = [
		{
			what: 'Turn latency: Enter in the chat → the request reaching the Messages API (fake server), p50 / p95',
			ours: `${ms(result.enterP50)} / ${ms(result.enterP95)}`,
			baseline: `${ms(result.directP50)} / ${ms(result.directP95)} (the same request posted straight to the server)`,
			ratio: `+${ms(enterOver)} (p95)`,
			target: '≤ 50 ms over baseline',
			met: enterOver <= 50,
		},
		{
			what: "Turn latency: a task the agent started ends while it is idle → the automatic turn's request with its notice, p50 / p95",
			ours: `${ms(result.noticeP50)} / ${ms(result.noticeP95)}`,
			baseline: `${ms(result.directP50)} / ${ms(result.directP95)} (as above)`,
			ratio: `+${ms(noticeOver)} (p95)`,
			target: '≤ 50 ms over baseline',
			met: noticeOver <= 50,
		},
	];
	const notes = [
		`- Turn latency: in the same code-server window (the UI tests' driver), the fake Messages API of test/fixtures/fakeAnthropic.ts answering on 127.0.0.1; times are when the fake server has the request (its reply function runs). Enter: from Playwright pressing Enter in the chat's message box (the key press travels browser → webview → extension host, included) to the request; ${runs} runs after one warm-up (SDK loaded, connection open). Notice: the agent starts \`sleep 1; date +%s%N > file\` with background_run (approval mode auto with a catch-all rule), its turn ends, and the task's own end time (the date it wrote) is compared with the arrival of the automatic turn's request carrying its notice. Baseline: the same kind of request posted straight to the server from the benchmark with fetch. Enter per run: ${result.enter.map((/** @type {number} */ value) => ms(value)).join(', ')}; notice per run: ${result.notice.map((/** @type {number} */ value) => ms(value)).join(', ')}.`,
	];
	return { rows, notes, missed: rows.filter((row) => row.met === false).map((row) => `**${row.what}**: ${row.ours}, ${row.ratio} over the baseline.`) };
}

module.exports = { hostFloodSection, turnLatencySection };
