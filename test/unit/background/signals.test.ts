import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { processStartTime } from '../../../src/background/procfs';
import { groupIsOurs, isIdentified, signalGroupOf, signalIdentified } from '../../../src/background/signals';
import { alive, waitFor } from './helpers';

const describeWithStartTimes = process.platform === 'linux' || process.platform === 'darwin' ? describe : describe.skip;

describeWithStartTimes('signals only with identity (src/background/signals)', function () {
	this.timeout(20_000);

	it('signals a process only while its start time is the one recorded, and never without one', async () => {
		const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
		const pid = child.pid ?? 0;
		try {
			const startTime = processStartTime(pid);
			assert.ok(startTime);
			assert.equal(isIdentified(pid, startTime), true);
			assert.equal(signalIdentified(pid, undefined, 'SIGTERM'), 'EIDENTITY', 'no start time, no signal');
			assert.equal(signalIdentified(pid, `${startTime}0`, 'SIGTERM'), 'EIDENTITY', 'another start time is another process');
			assert.equal(alive(pid), true);
			assert.equal(groupIsOurs(pid, { kind: 'recorded', startTime: 'another' }), false);
			assert.equal(signalGroupOf(pid, { kind: 'recorded', startTime: 'another' }, 'SIGTERM'), 'EIDENTITY');
			assert.equal(groupIsOurs(pid, { kind: 'child', exited: true }), false, 'a pid alive after our child was reaped is someone else');
			assert.equal(signalIdentified(pid, startTime, 'SIGTERM'), undefined);
			await waitFor(() => child.exitCode !== null || child.signalCode !== null, 5000, 'the process to end');
			assert.equal(isIdentified(pid, startTime), false);
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('signals a group whose leader is gone: the members keep its id from being reused', async () => {
		const child = spawn('sh', ['-c', 'sleep 30 & echo $!; exit 0'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
		const pgid = child.pid ?? 0;
		let text = '';
		child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
		await waitFor(() => child.exitCode !== null, 5000, 'the leader to exit');
		const member = Number(text.trim());
		assert.ok(alive(member));
		assert.equal(groupIsOurs(pgid, { kind: 'child', exited: true }), true);
		assert.equal(signalGroupOf(pgid, { kind: 'recorded', startTime: 'whatever it was' }, 'SIGKILL'), undefined);
		await waitFor(() => !alive(member), 5000, 'the member to end');
	});
});
