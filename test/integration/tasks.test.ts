import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeTask } from '../../src/vscode/taskPresentation';
import { api, eventually, uniqueMarker, workspaceFolder } from './helpers';

function processesWith(marker: string): string[] {
	return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
		.split('\n')
		.filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

/** A duration no other process sleeps for (`sleep` takes fractions): its command line finds the process. */
function uniqueSleep(): string {
	return `300.${Date.now() % 1_000_000_000}${Math.floor(Math.random() * 10_000)}`;
}

/** How many `sleep` processes sleep for `duration` (not the shells whose command lines name it). */
function sleeping(duration: string): number {
	return processesWith(duration).filter((line) => line.trim() === `sleep ${duration}`).length;
}

describe('background tasks in the extension host', () => {
	it('runs a command given to Run in Background, shows it running, and it succeeds once released', async () => {
		const { tasks } = await api();
		const release = path.join(workspaceFolder(), `release-${uniqueMarker()}`);
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', `while [ ! -f '${release}' ]; do sleep 0.05; done; echo released`);
		assert.match(id, /^bg-\d+$/);
		await eventually(() => tasks.get(id)?.status === 'running', `${id} running`);
		// It waits for the file, so it cannot have finished on its own: no race with a fast command.
		assert.equal(tasks.get(id)?.status, 'running');
		fs.writeFileSync(release, '');
		const done = await tasks.whenFinished(id);
		assert.equal(done.status, 'succeeded');
		assert.equal(done.exitCode, 0);
		assert.equal(done.origin, 'user');
		assert.equal(done.cwd, workspaceFolder());
		assert.match(tasks.readOutput(id), /released/);
	});

	it('cancels a running task and its whole process group with Cancel Task', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		const [first, second] = [uniqueSleep(), uniqueSleep()];
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', `sleep ${first} & sleep ${second} & echo ${marker}; wait`);
		await eventually(() => tasks.readOutput(id).includes(marker), 'the task printed its marker');
		assert.equal(sleeping(first) + sleeping(second), 2);
		const cancelled = await vscode.commands.executeCommand<{ status: string }>('meanwhile.cancelTask', id);
		assert.equal(cancelled?.status, 'cancelled');
		assert.equal(tasks.get(id)?.status, 'cancelled');
		await eventually(() => sleeping(first) + sleeping(second) === 0 || undefined, 'no process of the group left');
	});

	it('keeps a task whose main process exited running while what it detached runs, says so on its row, and Cancel Task stops it', async function () {
		if (process.platform !== 'linux') {
			this.skip();
		}
		const { tasks } = await api();
		// Each shape leaves its process group (setsid, nohup with a subshell's own group) with its output redirected: the shell ends at once.
		for (const shape of [(sleep: string) => `setsid sleep ${sleep} > /dev/null 2>&1 & echo started`, (sleep: string) => `(setsid nohup sleep ${sleep} > /dev/null 2>&1 &); echo started`]) {
			const sleep = uniqueSleep();
			const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', shape(sleep));
			const row = new RegExp(`^running · main exited 0 · 1 process left: sleep ${sleep.replace('.', '\\.')}`);
			// A process first seen while it executed `setsid` shows as what it became once a full pass has seen it again.
			const lingering = await eventually(() => {
				const task = tasks.get(id);
				return task && row.test(describeTask(task, Date.now())) && task;
			}, `${id}'s row to show the process left`, 20_000);
			assert.equal(lingering.status, 'running');
			assert.equal(lingering.mainExit?.exitCode, 0);
			assert.equal(sleeping(sleep), 1);
			const cancelled = await vscode.commands.executeCommand<{ status: string }>('meanwhile.cancelTask', id);
			assert.equal(cancelled?.status, 'cancelled');
			await eventually(() => sleeping(sleep) === 0 || undefined, `the process ${id} detached stopped`);
		}
	});

	it('reports a failing command as failed with its exit code, and delivers it once through drain', async () => {
		const { tasks } = await api();
		tasks.drain();
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', 'echo about to fail; exit 3');
		const done = await tasks.whenFinished(id);
		assert.equal(done.status, 'failed');
		assert.equal(done.exitCode, 3);
		const notices = tasks.drain().filter((notice) => notice.task.id === id);
		assert.equal(notices.length, 1);
		assert.match(notices[0].outputTail, /about to fail/);
		assert.equal(tasks.drain().filter((notice) => notice.task.id === id).length, 0);
	});

	it('opens a live output terminal for a task and its full log read-only', async () => {
		const { tasks } = await api();
		const marker = uniqueMarker();
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', `echo ${marker}`);
		await tasks.whenFinished(id);
		await vscode.commands.executeCommand('meanwhile.showTaskOutput', id);
		await eventually(() => vscode.window.terminals.find((terminal) => terminal.name.startsWith(`${id}:`)), 'the output terminal');
		const editor = await vscode.commands.executeCommand<vscode.TextEditor>('meanwhile.openTaskLog', id);
		assert.ok(editor);
		assert.match(editor.document.getText(), new RegExp(marker));
		assert.equal(editor.document.uri.fsPath, tasks.getLogPath(id));
		await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
	});

	it('reruns a finished task as a new task and clears finished tasks from the list', async () => {
		const { tasks } = await api();
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', 'echo once');
		await tasks.whenFinished(id);
		const again = await vscode.commands.executeCommand<string>('meanwhile.rerunTask', id);
		assert.notEqual(again, id);
		assert.equal(tasks.get(again)?.command, 'echo once');
		await tasks.whenFinished(again);
		await vscode.commands.executeCommand('meanwhile.clearFinishedTasks');
		assert.equal(tasks.get(id), undefined);
		assert.equal(tasks.list().filter((task) => task.status !== 'running' && task.status !== 'queued').length, 0);
	});
});

describe('secrets never reach a task', () => {
	it('runs env as a task and finds no ANTHROPIC variable, even while the extension host has a key', async () => {
		const { tasks } = await api();
		const previous = process.env.ANTHROPIC_API_KEY;
		process.env.ANTHROPIC_API_KEY = 'sk-ant-secret-that-must-not-leak';
		process.env.ANTHROPIC_AUTH_TOKEN = 'token-that-must-not-leak';
		try {
			const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', 'env');
			await tasks.whenFinished(id);
			const output = fs.readFileSync(tasks.getLogPath(id) ?? '', 'utf8');
			assert.ok(output.includes('PATH='), 'the environment was printed');
			assert.doesNotMatch(output, /ANTHROPIC_/);
			assert.doesNotMatch(output, /must-not-leak/);
		} finally {
			process.env.ANTHROPIC_API_KEY = previous ?? '';
			delete process.env.ANTHROPIC_AUTH_TOKEN;
		}
	});
});

describe('servers and tasks that outlive the window', () => {
	it('detects the port a task listens on, shows "ready on :PORT", and opens it through asExternalUri', async () => {
		const { tasks } = await api();
		await vscode.commands.executeCommand('meanwhile.tasks.focus');
		const server = `node -e "require('http').createServer((q, s) => s.end('hi')).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port) })"`;
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', server);
		try {
			const wait = await tasks.waitFor(id, { pattern: 'listening \\d+' }, { timeoutMs: 20_000 });
			assert.equal(wait.outcome, 'pattern');
			const port = Number(/listening (\d+)/.exec(wait.line ?? '')?.[1]);
			const withPort = await eventually(() => tasks.get(id)?.ports?.includes(port) && tasks.get(id), 'the port in the task', 15_000);
			assert.deepEqual(withPort.ports, [port]);
			assert.match(describeTask(withPort, Date.now()), new RegExp(`^running · ready on :${port} · `));
			const opened = await vscode.commands.executeCommand<string>('meanwhile.openTaskInBrowser', id);
			assert.ok(opened && opened.includes(String(port)), `the external address names the port: ${opened}`);
		} finally {
			await tasks.cancel(id);
		}
	});

	it('toggles Leave Running on Exit on a running task', async () => {
		const { tasks } = await api();
		const id = await vscode.commands.executeCommand<string>('meanwhile.runInBackground', 'sleep 30');
		try {
			await eventually(() => tasks.get(id)?.status === 'running', 'running');
			assert.equal(await vscode.commands.executeCommand<boolean>('meanwhile.leaveTaskRunning', id), true);
			assert.equal(tasks.get(id)?.leaveRunning, true);
			assert.equal(await vscode.commands.executeCommand<boolean>('meanwhile.leaveTaskRunning', id), false);
			assert.equal(tasks.get(id)?.leaveRunning, false);
		} finally {
			await tasks.cancel(id);
		}
	});
});
