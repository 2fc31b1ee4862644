// @ts-check
'use strict';
/**
 * Drain across crashes: windows (separate Node processes) take turns on one task store, each running a
 * TaskManager and one conversation's NoticeInbox (the product's own code, bundled), and each is ended at a
 * random moment: SIGKILL (a crash, mid-anything) or SIGTERM (a clean close). The conversation is a file
 * saved atomically after each request, holding what the model was told and which tasks it heard of; its
 * notices are acknowledged only after that save, as the chat does. At the end a last window drains what is
 * left. Lost: a started task the saved conversation never got; twice: one it got twice.
 *
 * Parent: `drainCrashRun(options)`. Child: `node drainCrashes.js window <json>`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { mulberry32 } = require('./output');

const CONVERSATION = 'bench-conversation';

/** @param {string} file @returns {{ told: string[], heard: string[] }} */
function readConversation(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return { told: [], heard: [] };
	}
}

/** @param {string} file @param {{ told: string[], heard: string[] }} data */
function saveConversation(file, data) {
	const temporary = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(temporary, JSON.stringify(data));
	fs.renameSync(temporary, file);
}

/**
 * One window: starts tasks and "sends requests" (take notices, save, acknowledge) until it is killed, or,
 * with `last`, until nothing is left to tell.
 * @param {{ bundle: string, store: string, conversation: string, started: string, seed: number, last: boolean }} options
 */
async function runWindow(options) {
	const engine = require(options.bundle);
	const random = mulberry32(options.seed);
	const settings = { ...engine.DEFAULT_BACKGROUND_SETTINGS, maxConcurrent: 8, killGraceSeconds: 1 };
	const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
	const manager = new engine.TaskManager({ storageDir: options.store, defaultCwd: os.tmpdir(), getSettings: () => settings, logger: quiet, takeOverIntervalMilliseconds: 200 });
	const saved = readConversation(options.conversation);
	const inbox = new engine.NoticeInbox(manager, CONVERSATION);
	inbox.load(saved.heard);
	const told = [...saved.told];
	process.on('SIGTERM', () => {
		manager.dispose();
		process.exit(0);
	});
	const commands = ['true', 'exit 1', 'echo out; exit 2', 'sleep 0.05', 'sleep 0.3'];
	for (let request = 0; ; request++) {
		if (!options.last) {
			for (let count = Math.floor(random() * 3); count > 0; count--) {
				const task = manager.start(commands[Math.floor(random() * commands.length)], { origin: 'agent', conversationId: CONVERSATION });
				fs.appendFileSync(options.started, `${task.id}\n`);
			}
		}
		// A request: what it tells the model is saved with the conversation before the journal forgets it.
		for (const notice of inbox.take()) {
			told.push(notice.task.id);
		}
		const covered = inbox.coveredBySave();
		saveConversation(options.conversation, { told, heard: [...inbox.heard] });
		inbox.acknowledge(covered);
		if (options.last && !inbox.hasWaiting() && manager.list().every((/** @type {{ status: string }} */ task) => task.status !== 'running' && task.status !== 'queued') && request > 20) {
			manager.dispose();
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, random() * 20));
	}
}

/**
 * @param {{ windows: number, seed: number, bundle: string }} options
 * @returns {Promise<{ started: number, told: number, lost: number, twice: number, kills: number, closes: number, seconds: number }>}
 */
async function drainCrashRun(options) {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-drain-crashes-'));
	const store = path.join(folder, 'store');
	const files = { conversation: path.join(folder, 'conversation.json'), started: path.join(folder, 'started.txt') };
	const random = mulberry32(options.seed);
	const startedAt = performance.now();
	let kills = 0;
	let closes = 0;
	try {
		for (let window = 0; window <= options.windows; window++) {
			const last = window === options.windows;
			const args = { bundle: options.bundle, store, ...files, seed: options.seed * 100 + window, last };
			const child = spawn(process.execPath, [__filename, 'window', JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'inherit'] });
			const exited = new Promise((resolve) => child.on('exit', resolve));
			if (last) {
				await exited;
				break;
			}
			await new Promise((resolve) => setTimeout(resolve, 1000 + random() * 2000));
			if (random() < 0.7) {
				kills++;
				child.kill('SIGKILL');
			} else {
				closes++;
				child.kill('SIGTERM');
			}
			await exited;
		}
		const started = fs.readFileSync(files.started, 'utf8').split('\n').filter(Boolean);
		const { told } = readConversation(files.conversation);
		const counts = new Map();
		for (const id of told) {
			counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		return {
			started: started.length,
			told: counts.size,
			lost: started.filter((id) => !counts.has(id)).length,
			twice: [...counts.values()].filter((count) => count > 1).length,
			kills,
			closes,
			seconds: (performance.now() - startedAt) / 1000,
		};
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

if (require.main === module && process.argv[2] === 'window') {
	runWindow(JSON.parse(process.argv[3])).then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = { drainCrashRun };
