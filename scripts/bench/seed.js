// @ts-check
'use strict';
/**
 * The seed's design of a background task, re-implemented only to be measured beside ours: the whole
 * output is gathered in one string, cut to 50 000 characters when the process ends, and the notice
 * for the conversation is the first 500 characters of it.
 */
const { spawn } = require('node:child_process');

const SEED_OUTPUT_CHARS = 50_000;
const SEED_NOTICE_CHARS = 500;

/**
 * Runs a command the seed's way.
 * @param {string} command
 * @param {string} cwd
 * @returns {Promise<{ exitCode: number | null, output: string, notice: string }>}
 */
function runSeedTask(command, cwd) {
	return new Promise((resolve) => {
		const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (/** @type {Buffer} */ chunk) => (output += chunk.toString()));
		child.stderr.on('data', (/** @type {Buffer} */ chunk) => (output += chunk.toString()));
		child.on('close', (exitCode) => {
			if (output.length > SEED_OUTPUT_CHARS) {
				output = `${output.slice(0, SEED_OUTPUT_CHARS)}\n[output truncated]`;
			}
			const notice = `Background task finished with exit code ${exitCode}. Output:\n${output.slice(0, SEED_NOTICE_CHARS)}`;
			resolve({ exitCode, output, notice });
		});
	});
}

module.exports = { runSeedTask, SEED_OUTPUT_CHARS, SEED_NOTICE_CHARS };
