import * as assert from 'node:assert/strict';
import { taskEnvironment } from '../../../src/background/environment';

describe('environment', () => {
	it('removes ANTHROPIC_ variables of any case from both sources', () => {
		const environment = taskEnvironment({ ANTHROPIC_API_KEY: 'k', PATH: '/bin', anthropic_x: 'y' }, { Anthropic_Model: 'm', EXTRA: 'e' });
		assert.deepEqual(environment, { PATH: '/bin', EXTRA: 'e' });
	});

	it('removes ELECTRON_RUN_AS_NODE, which would turn Electron apps the command starts into Node.js', () => {
		assert.deepEqual(taskEnvironment({ ELECTRON_RUN_AS_NODE: '1', VSCODE_IPC_HOOK_CLI: 'kept' }, undefined), { VSCODE_IPC_HOOK_CLI: 'kept' });
	});
});
