import * as assert from 'node:assert/strict';
import { describeShell, getShell } from '../../../src/background';

describe('shell', () => {
	it('uses PowerShell on Windows and bash or sh elsewhere', () => {
		const windows = getShell('win32', '');
		assert.equal(windows.name, 'powershell');
		assert.deepEqual(windows.invocation('dir').args, ['-NoProfile', '-NonInteractive', '-Command', 'dir']);
		assert.match(describeShell('win32', ''), /PowerShell/);
		if (process.platform !== 'win32') {
			const shell = getShell();
			assert.ok(shell.name === 'bash' || shell.name === 'sh');
			assert.deepEqual(shell.invocation('ls').args, ['-c', 'ls']);
			assert.match(describeShell(), /^(bash|sh) \(`(bash|sh) -c`, stdin closed\)$/);
		}
	});
});
