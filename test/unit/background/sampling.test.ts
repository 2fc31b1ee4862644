import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { GroupSample } from '../../../src/background/resourceSampler';
import { Sampling, type SampledTask } from '../../../src/background/sampling';
import { RecordingLogger, delay, waitFor } from './helpers';

class FakeTask implements SampledTask {
	readonly samples: GroupSample[] = [];

	constructor(
		readonly processGroup: number | undefined,
		readonly isFinal = false,
	) {}

	recordSample(sample: GroupSample): void {
		this.samples.push(sample);
	}
}

const describeSampled = process.platform === 'linux' || process.platform === 'darwin' ? describe : describe.skip;

describeSampled('Sampling', () => {
	let child: ChildProcess;
	let sampling: Sampling | undefined;

	beforeEach(() => {
		child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
	});

	afterEach(() => {
		sampling?.dispose();
		child.kill('SIGKILL');
	});

	it('samples running tasks on its timer while on, and nothing once off', async () => {
		const running = new FakeTask(child.pid);
		const ended = new FakeTask(child.pid, true);
		const queued = new FakeTask(undefined);
		sampling = new Sampling(() => [running, ended, queued], new RecordingLogger(), 50);
		sampling.setEnabled(true);
		await waitFor(() => running.samples.length >= 2, 10_000, 'two samples');
		assert.ok(running.samples[0].resources.processCount >= 1);
		assert.equal(ended.samples.length, 0);
		assert.equal(queued.samples.length, 0);
		sampling.setEnabled(false);
		// A pass under way when it was turned off may still finish.
		await delay(500);
		const count = running.samples.length;
		await delay(300);
		assert.equal(running.samples.length, count);
	});

	it('does not start again once disposed', async () => {
		const running = new FakeTask(child.pid);
		sampling = new Sampling(() => [running], new RecordingLogger(), 50);
		sampling.dispose();
		sampling.setEnabled(true);
		await delay(200);
		assert.equal(running.samples.length, 0);
	});
});
