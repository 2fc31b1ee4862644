import * as assert from 'node:assert/strict';
import { DEFAULT_TOOLS } from '../../../../src/agent/tools/index';

describe('the default tools', () => {
	it('offers bash, the background tools, read_file, write_file and edit_file with object schemas', () => {
		assert.deepEqual(DEFAULT_TOOLS.map((tool) => tool.definition.name), [
			'bash',
			'background_run',
			'background_wait',
			'background_output',
			'check_background',
			'background_cancel',
			'read_file',
			'write_file',
			'edit_file',
		]);
		for (const tool of DEFAULT_TOOLS) {
			assert.equal(tool.definition.input_schema.type, 'object');
			assert.ok(tool.definition.description.length > 20);
		}
	});
});
