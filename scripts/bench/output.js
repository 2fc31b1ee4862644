// @ts-check
'use strict';
/**
 * The output the throughput and flood cases print, shared by the engine worker and the extension-host
 * driver so both measure the same bytes: zeros on one line, or lines as builds and test runners print
 * them.
 */
const fs = require('node:fs');
const path = require('node:path');

/** A small seeded generator, so every run prints the same bytes. @param {number} seed */
function mulberry32(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Lines of 20 to 200 characters, one in five with ANSI colours, a few with non-ASCII characters:
 * about 60 KiB of them (`yes` repeats its argument, which may be at most 128 KiB).
 */
function lineBlock() {
	const random = mulberry32(42);
	const words = ['compiled', 'module', 'src/components/widget.ts', 'PASS', 'test/unit/parser.test.ts', 'in', '12 ms', 'warning:', 'unused', 'variable', '✓', 'ok', 'bundle', 'chunk', 'größe', '→'];
	const colours = ['\u001b[32m', '\u001b[31m', '\u001b[1;33m', '\u001b[36m'];
	/** @type {string[]} */
	const lines = [];
	let size = 0;
	while (size < 60_000) {
		const length = 20 + Math.floor(random() * 181);
		let line = '';
		while (line.length < length) {
			line += `${words[Math.floor(random() * words.length)]} `;
		}
		line = line.slice(0, length);
		if (random() < 0.2) {
			const colour = colours[Math.floor(random() * colours.length)];
			line = `${colour}${line.slice(0, 8)}\u001b[0m${line.slice(8)}`;
		}
		lines.push(line);
		size += Buffer.byteLength(line) + 1;
	}
	return lines.join('\n');
}

/** What each source prints, for the notes. */
const SOURCE_DESCRIPTIONS = {
	zero: '`head -c N /dev/zero` (no newline at all)',
	lines: '`yes "$(cat lines.txt)" | head -c N`: lines of 20–200 characters, one in five with ANSI colours, some non-ASCII (scripts/bench/output.js)',
};

/**
 * The shell command printing `bytes` bytes of the given kind; for lines, the block they repeat is
 * written to `folder` (once).
 * @param {'zero' | 'lines'} source
 * @param {number} bytes
 * @param {string} folder
 */
function outputCommand(source, bytes, folder) {
	if (source === 'zero') {
		return `head -c ${bytes} /dev/zero`;
	}
	const block = path.join(folder, 'lines.txt');
	if (!fs.existsSync(block)) {
		fs.mkdirSync(folder, { recursive: true });
		fs.writeFileSync(block, lineBlock());
	}
	return `yes "$(cat '${block}')" | head -c ${bytes}`;
}

module.exports = { mulberry32, lineBlock, outputCommand, SOURCE_DESCRIPTIONS };
