// @ts-check
'use strict';
/**
 * The benchmark's outputs: the table printed to the terminal and BENCHMARKS.md.
 */

/**
 * @typedef {{ what: string, ours: string, baseline: string, ratio: string, target: string, met: boolean | undefined }} Row
 * @typedef {{ title: string, lines: string[] }} NoteSection
 */

/** @param {number} bytes */
function mib(bytes) {
	return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

/** @param {number} bytesPerSecond */
function mbPerSecond(bytesPerSecond) {
	return `${(bytesPerSecond / 1e6).toFixed(0)} MB/s`;
}

/** @param {number} milliseconds */
function ms(milliseconds) {
	if (!Number.isFinite(milliseconds)) {
		return 'n/a';
	}
	if (milliseconds >= 100) {
		return `${milliseconds.toFixed(0)} ms`;
	}
	return `${milliseconds.toFixed(milliseconds >= 10 ? 1 : 2)} ms`;
}

/** @param {number} value */
function ratio(value) {
	return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
}

/** @param {boolean | undefined} met */
function metWord(met) {
	return met === undefined ? 'n/a' : met ? 'yes' : '**NO**';
}

/**
 * A plain-text table for the terminal.
 * @param {Row[]} rows
 */
function terminalTable(rows) {
	const header = ['what', 'ours', 'baseline', 'ratio', 'target', 'met?'];
	const cells = rows.map((row) => [row.what, row.ours, row.baseline, row.ratio, row.target, metWord(row.met).replace(/\*/g, '')]);
	const widths = header.map((title, column) => Math.min(60, Math.max(title.length, ...cells.map((line) => line[column].length))));
	const cut = (/** @type {string} */ text, /** @type {number} */ width) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
	const line = (/** @type {string[]} */ values) => values.map((value, column) => cut(value, widths[column])).join(' | ');
	return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...cells.map(line)].join('\n');
}

/** @param {string} text */
function cell(text) {
	return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * @param {{ date: string, durationSeconds: number, machine: string[], rows: Row[], notes: NoteSection[], command: string }} report
 */
function markdown(report) {
	const lines = [
		'# Benchmarks',
		'',
		`Produced by \`${report.command}\` (scripts/bench.js); this file is rewritten by every run. No benchmark is a pass/fail test: a missed target is reported here, with its bottleneck, and the run still succeeds.`,
		'',
		`- Date: ${report.date}`,
		`- Whole run: ${report.durationSeconds.toFixed(0)} s`,
		...report.machine.map((fact) => `- ${fact}`),
		'',
		'| what | ours | baseline | ratio | target | met? |',
		'| --- | --- | --- | --- | --- | --- |',
		...report.rows.map((row) => `| ${cell(row.what)} | ${cell(row.ours)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${cell(row.target)} | ${metWord(row.met)} |`),
		'',
		'Figures are medians over several runs, each run in a fresh process, ours and its baseline alternating in the same run of the benchmark. Ratio is ours ÷ baseline. MB = 10⁶ bytes, MiB = 2²⁰ bytes, KB = 10³ bytes.',
		'',
	];
	for (const section of report.notes) {
		lines.push(`## ${section.title}`, '', ...section.lines, '');
	}
	return `${lines.join('\n').trimEnd()}\n`;
}

module.exports = { mib, mbPerSecond, ms, ratio, metWord, terminalTable, markdown };
