import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFileTool } from '../../../../src/agent/tools/readFile';
import { useToolBench } from './context';

describe('read_file', function () {
	this.timeout(10_000);
	const bench = useToolBench();

	it('read_file refuses a limit below 1 and says when it shows only part of the file', async () => {
		fs.writeFileSync(path.join(bench().workspace, 'a.txt'), 'a\nb\nc\n');
		assert.equal((await readFileTool.run({ path: 'a.txt', limit: 0 }, bench().context())).isError, true);
		const part = await readFileTool.run({ path: 'a.txt', limit: 2 }, bench().context());
		assert.equal(part.content, 'a\nb\n[showing lines 1-2 of 3]');
		const missing = await readFileTool.run({ path: 'nope.txt' }, bench().context());
		assert.equal(missing.isError, true);
		assert.match(missing.content, /does not exist/);
	});
});
