import * as assert from 'node:assert/strict';
import { checkBackgroundTool } from '../../../../src/agent/tools/checkBackground';
import { useToolBench } from './context';

describe('check_background', function () {
	this.timeout(10_000);
	const bench = useToolBench();

	it('check_background lists every task on one line, or shows one task, or names the known ids for an unknown one', async () => {
		const { tasks, delivered } = bench();
		const one = tasks.start('echo first', { origin: 'user' });
		await tasks.whenFinished(one.id);
		tasks.start('sleep 2', { origin: 'agent' });
		const list = await checkBackgroundTool.run({}, bench().context());
		assert.deepEqual(list.content.split('\n').map((line) => line.replace(/ \d+s /, ' Ns ')), [
			'bg-2  running Ns  [agent]  sleep 2',
			'bg-1  succeeded (exit 0) Ns  [user]  echo first',
		]);
		const single = await checkBackgroundTool.run({ task_id: 'bg-1' }, bench().context());
		assert.match(single.content, /^task_id: bg-1\nstatus: succeeded\nexit_code: 0\n/);
		assert.match(single.content, /last lines of output:\nfirst\n/);
		assert.deepEqual(delivered, ['bg-1']);
		const unknown = await checkBackgroundTool.run({ task_id: 'bg-9' }, bench().context());
		assert.equal(unknown.isError, true);
		assert.match(unknown.content, /There is no task bg-9. Known tasks: bg-2, bg-1./);
	});
});
