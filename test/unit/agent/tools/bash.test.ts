import * as assert from 'node:assert/strict';
import { bashTool } from '../../../../src/agent/tools/bash';
import { useToolBench } from './context';

describe('bash', function () {
	this.timeout(10_000);
	const bench = useToolBench();

	it('bash runs through the task engine in the workspace, returns exit code and output, and marks the task delivered', async () => {
		const { tasks, workspace, delivered, linked } = bench();
		const result = await bashTool.run({ command: 'pwd; echo err >&2; exit 4' }, bench().context());
		assert.equal(result.isError, undefined);
		assert.match(result.content, /^task_id: bg-1\nstatus: failed\nexit_code: 4\nduration_s: \d+\noutput:\n/);
		assert.ok(result.content.includes(workspace));
		assert.ok(result.content.includes('err'));
		assert.deepEqual(delivered, ['bg-1']);
		assert.deepEqual(linked, ['bg-1']);
		assert.equal(tasks.get('bg-1')?.origin, 'agent');
	});

	it('bash leaves a command that outlives the timeout running and does not mark it delivered', async () => {
		const { tasks, delivered } = bench();
		const result = await bashTool.run({ command: 'sleep 1' }, bench().context({ bashTimeoutSeconds: 0.2 }));
		assert.match(result.content, /still running after 0.2 s/);
		assert.equal(tasks.get('bg-1')?.status, 'running');
		assert.deepEqual(delivered, []);
	});

	for (const [shape, command] of [
		['sends a server to the background with its output redirected', 'SLEEPER > /dev/null 2>&1 & echo started'],
		['leaves a detached child holding its output open', 'setsid SLEEPER & echo started'],
	] as const) {
		it(`bash returns when its shell ends, even when it ${shape}: what is left runs on as its task, and the result says so`, async function () {
			if (process.platform !== 'linux') {
				this.skip();
			}
			const { tasks, delivered } = bench();
			const marker = String(Math.floor(Math.random() * 1e9)).padStart(9, '1');
			const result = await bashTool.run({ command: command.replace('SLEEPER', `sleep 300.${marker}`) }, bench().context({ bashTimeoutSeconds: 60 }));
			try {
				assert.match(result.content, /^The command's shell ended with exit code 0, but 1 process it started keeps running as task bg-1 \(\d+ sleep 300\.\d+\); you will be told when it ends\./);
				assert.match(result.content, /\nstatus: running\n/);
				assert.equal(tasks.get('bg-1')?.status, 'running');
				assert.deepEqual(delivered, [], 'its notice is still to come');
			} finally {
				assert.equal((await tasks.cancel('bg-1'))?.status, 'cancelled');
			}
		});
	}

	it('bash cancels its task when the turn is stopped', async () => {
		const { tasks, controller } = bench();
		const pending = bashTool.run({ command: 'sleep 5' }, bench().context());
		await new Promise((resolve) => setTimeout(resolve, 200));
		controller.abort();
		const result = await pending;
		assert.equal(result.isError, true);
		assert.match(result.content, /Stopped by the user/);
		assert.equal(tasks.get('bg-1')?.status, 'cancelled');
	});
});
