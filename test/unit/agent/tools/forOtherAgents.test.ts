import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandOf, TOOLS_FOR_OTHER_AGENTS } from '../../../../src/agent/tools/forOtherAgents';
import { useToolBench } from './context';

interface ManifestTool {
	readonly name: string;
	readonly toolReferenceName?: string;
	readonly canBeReferencedInPrompt?: boolean;
	readonly modelDescription?: string;
	readonly inputSchema?: unknown;
}

function manifestTools(): readonly ManifestTool[] {
	// Compiled tests run from out/test/unit/…: the manifest is at the repository's root.
	let folder = __dirname;
	while (!fs.existsSync(path.join(folder, 'package.json')) || path.basename(folder) === 'out') {
		folder = path.dirname(folder);
	}
	const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as { contributes: { languageModelTools: ManifestTool[] } };
	return manifest.contributes.languageModelTools;
}

describe('the background tools for other agents', function () {
	this.timeout(20_000);
	const bench = useToolBench();

	it('are declared in the manifest with the inputs of the agent\'s tools, a reference name and a model description', () => {
		const declared = manifestTools();
		assert.deepEqual(
			declared.map((tool) => tool.name),
			TOOLS_FOR_OTHER_AGENTS.map((entry) => entry.name),
		);
		for (const entry of TOOLS_FOR_OTHER_AGENTS) {
			const tool = declared.find((candidate) => candidate.name === entry.name);
			assert.deepEqual(tool?.inputSchema, entry.tool.definition.input_schema, `${entry.name}'s schema is the agent tool's`);
			// The MCP server describes the tools with the same words.
			assert.equal(tool?.modelDescription, entry.description, `${entry.name}'s modelDescription is its description in forOtherAgents.ts`);
			assert.equal(entry.name, `meanwhile_${entry.tool.definition.name}`);
			assert.equal(tool?.canBeReferencedInPrompt, true);
			assert.match(tool?.toolReferenceName ?? '', /^[a-z][A-Za-z]+$/);
			// Written for a model that never saw Meanwhile: it names the prefixed tools, not the chat's.
			assert.doesNotMatch(tool?.modelDescription ?? '', /task-notice|(?<!meanwhile_)background_wait/);
		}
	});

	it('start a task of origin tool, named by its caller, that sends no notice and points to the wait tool', async () => {
		const run = TOOLS_FOR_OTHER_AGENTS.find((entry) => entry.name === 'meanwhile_background_run');
		assert.ok(run);
		const result = await run.tool.run({ command: 'echo from-outside' }, bench().context({ outsideCaller: 'VS Code chat', conversationId: '' }));
		assert.equal(result.isError, undefined, result.content);
		assert.match(result.content, /meanwhile_background_wait/);
		assert.doesNotMatch(result.content, /task notice/);
		const id = /task_id: (bg-\d+)/.exec(result.content)?.[1];
		assert.ok(id);
		const task = await bench().tasks.whenFinished(id);
		assert.equal(task.origin, 'tool');
		assert.equal(task.caller, 'VS Code chat');
		assert.equal(task.conversationId, undefined);
		assert.equal(bench().tasks.hasPendingNotices(), false, 'no conversation hears of it');
		assert.deepEqual(bench().tasks.drain(), []);
	});

	it('cancel a task in the caller\'s name', async () => {
		const task = bench().tasks.start('sleep 300', { origin: 'user' });
		const cancel = TOOLS_FOR_OTHER_AGENTS.find((entry) => entry.name === 'meanwhile_background_cancel');
		assert.ok(cancel);
		const result = await cancel.tool.run({ task_id: task.id }, bench().context({ outsideCaller: 'another extension', conversationId: '' }));
		assert.match(result.content, /cancelled/);
		assert.equal(bench().tasks.get(task.id)?.reason, 'cancelled by another extension');
	});

	it('name the command a call would start only for the run tool', () => {
		assert.equal(commandOf('meanwhile_background_run', { command: 'npm test' }), 'npm test');
		assert.equal(commandOf('meanwhile_background_cancel', { task_id: 'bg-1' }), undefined);
		assert.equal(commandOf('meanwhile_background_run', { command: 3 }), undefined);
	});
});
