// @ts-check
'use strict';
const fs = require('node:fs');

/**
 * Kills every process whose environment holds NAME=VALUE (Linux /proc). Test harnesses mark the VS Code
 * they start this way; tasks inherit the mark, so none can outlive a test run even in its own group.
 * With `argument`, only those whose command line has that argument (e.g. `--type=extensionHost`).
 * @param {string} name
 * @param {string} value
 * @param {string} [argument]
 * @returns {number} how many were signalled
 */
function killMarkedProcesses(name, value, argument) {
	if (process.platform !== 'linux') {
		return 0;
	}
	const needle = Buffer.from(`${name}=${value}\0`);
	let count = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
			continue;
		}
		try {
			const environ = fs.readFileSync(`/proc/${entry}/environ`);
			const chosen = argument === undefined || fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(argument);
			if (environ.includes(needle) && chosen) {
				process.kill(Number(entry), 'SIGKILL');
				count++;
			}
		} catch {
			// Gone already, or not ours to read.
		}
	}
	return count;
}

module.exports = { killMarkedProcesses };
