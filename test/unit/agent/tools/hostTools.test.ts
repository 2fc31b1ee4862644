import * as assert from 'node:assert/strict';
import { HostToolOffers, isMeanwhilesOwnTool, modelNameFor, toObjectSchema, type HostToolInfo, type HostTools } from '../../../../src/agent/tools/hostTools';
import { DEFAULT_TOOLS } from '../../../../src/agent/tools';
import type { ApprovalResult } from '../../../../src/agent/tools/types';
import { lastToolResults, text, toolResultText, toolUse, type RecordedRequest } from '../../../fixtures/fakeAnthropic';
import { checkAndDispose, Harness, waitFor } from '../harness';

const BUILT_IN = new Set(DEFAULT_TOOLS.map((tool) => tool.definition.name));

/** A host whose tools, approvals and results each test sets; records every call. */
class FakeHost implements HostTools {
	tools: HostToolInfo[] = [];
	approval: ApprovalResult = { allowed: true };
	outcome: (name: string, input: Readonly<Record<string, unknown>>, signal: AbortSignal) => Promise<string> = (name) => Promise.resolve(`result of ${name}`);
	readonly approvals: string[] = [];
	readonly invocations: { name: string; input: Readonly<Record<string, unknown>> }[] = [];

	list(): readonly HostToolInfo[] {
		return this.tools;
	}

	approve(name: string, _input: Readonly<Record<string, unknown>>, toolUseId: string): Promise<ApprovalResult> {
		this.approvals.push(`${name} ${toolUseId}`);
		return Promise.resolve(this.approval);
	}

	invoke(name: string, input: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string> {
		this.invocations.push({ name, input });
		return this.outcome(name, input, signal);
	}
}

const usages: HostToolInfo = {
	name: 'vscode_listCodeUsages',
	description: 'Lists the usages of a symbol.',
	inputSchema: { type: 'object', properties: { symbol: { type: 'string' } }, required: ['symbol'] },
};

function toolNames(request: RecordedRequest): string[] {
	return (request.body.tools ?? []).map((tool) => tool.name);
}

describe('hostTools', () => {
	describe('toObjectSchema', () => {
		it('keeps an object schema, gives a missing one an empty object, and fills in a missing type', () => {
			assert.deepEqual(toObjectSchema(usages.inputSchema), { schema: usages.inputSchema });
			assert.deepEqual(toObjectSchema(undefined), { schema: { type: 'object', properties: {} } });
			assert.deepEqual(toObjectSchema({ properties: { a: { type: 'string' } } }), { schema: { type: 'object', properties: { a: { type: 'string' } } } });
		});

		it('refuses what the API refuses, saying why', () => {
			assert.match((toObjectSchema({ type: 'array' }) as { problem: string }).problem, /type "array".*only "object"/);
			assert.match((toObjectSchema({ type: 'object', oneOf: [] }) as { problem: string }).problem, /oneOf at the top/);
			assert.match((toObjectSchema('a string') as { problem: string }).problem, /not a JSON object/);
		});
	});

	describe('modelNameFor', () => {
		it('keeps a valid name, replaces characters the API refuses and cuts to 64', () => {
			assert.equal(modelNameFor('vscode_listCodeUsages', new Set(), BUILT_IN), 'vscode_listCodeUsages');
			assert.equal(modelNameFor('github.create issue', new Set(), BUILT_IN), 'github_create_issue');
			const long = modelNameFor('x'.repeat(80), new Set(), BUILT_IN);
			assert.equal(long.length, 64);
		});

		it('avoids the built-in tools and names already given', () => {
			assert.equal(modelNameFor('bash', new Set(), BUILT_IN), 'vscode_bash');
			assert.equal(modelNameFor('a.b', new Set(['a_b', 'vscode_a_b']), BUILT_IN), 'a_b_2');
			assert.equal(modelNameFor('x'.repeat(80), new Set(['x'.repeat(64), `vscode_${'x'.repeat(57)}`]), BUILT_IN), `${'x'.repeat(62)}_2`);
		});
	});

	it('knows Meanwhile\'s own tools, also behind an MCP server\'s prefix', () => {
		assert.equal(isMeanwhilesOwnTool('meanwhile_background_run'), true);
		assert.equal(isMeanwhilesOwnTool('mcp_meanwhile_meanwhile_background_wait'), true);
		assert.equal(isMeanwhilesOwnTool('vscode_listCodeUsages'), false);
	});

	describe('HostToolOffers', () => {
		it('offers the tools sorted, without Meanwhile\'s own, skipping (and logging once) a schema the API refuses', () => {
			const host = new FakeHost();
			const lines: string[] = [];
			const offers = new HostToolOffers(host, (line) => lines.push(line));
			host.tools = [
				{ name: 'zeta.tool', description: '', inputSchema: undefined },
				usages,
				{ name: 'meanwhile_background_run', description: 'ours', inputSchema: { type: 'object' } },
				{ name: 'listy', description: 'takes a list', inputSchema: { type: 'array' } },
			];
			for (let round = 0; round < 2; round++) {
				const offered = offers.offers(host.tools, BUILT_IN);
				assert.deepEqual(offered.map((offer) => offer.modelName), ['vscode_listCodeUsages', 'zeta_tool']);
				assert.match(offered[1].definition.description, /The editor's tool zeta\.tool/);
				assert.match(offered[1].definition.description, /calls this tool zeta\.tool/);
			}
			assert.equal(lines.length, 1);
			assert.match(lines[0], /listy is not offered to the model: its input schema is of type "array"/);
		});
	});

	describe('in a conversation', function () {
		this.timeout(20_000);
		let harness: Harness;
		let host: FakeHost;

		beforeEach(async () => {
			harness = await Harness.create({ settings: { autoContinue: false } });
			host = new FakeHost();
			harness.session.dispose();
			harness.session = harness.newSession({ hostTools: host });
		});

		afterEach(async function () {
			await checkAndDispose(this, harness);
		});

		it('offers the chosen tools, runs a call once approved, and sends its result', async () => {
			host.tools = [usages];
			harness.fake.enqueue(toolUse('vscode_listCodeUsages', { symbol: 'Foo' }, { id: 'toolu_host_1' }), text('Found them.'));
			await harness.session.send('where is Foo used?');
			assert.ok(toolNames(harness.requests[0]).includes('vscode_listCodeUsages'));
			assert.deepEqual(host.approvals, ['vscode_listCodeUsages toolu_host_1']);
			assert.deepEqual(host.invocations, [{ name: 'vscode_listCodeUsages', input: { symbol: 'Foo' } }]);
			const result = lastToolResults(harness.requests[1])[0];
			assert.equal(result.is_error, undefined);
			assert.equal(toolResultText(result), 'result of vscode_listCodeUsages');
			const card = harness.toolCards()[0];
			assert.equal(card.name, 'vscode_listCodeUsages');
			assert.equal(card.summary, 'Foo');
			assert.equal(card.state, 'done');
		});

		it('calls a renamed tool by its own name', async () => {
			host.tools = [{ name: 'github.search', description: 'Search.', inputSchema: undefined }];
			harness.fake.enqueue(toolUse('github_search', {}), text('ok'));
			await harness.session.send('search');
			assert.deepEqual(host.invocations.map((call) => call.name), ['github.search']);
		});

		it('a denied call is an error result with the reason, and the tool does not run', async () => {
			host.tools = [usages];
			host.approval = { allowed: false, reason: 'The user denied it: not now' };
			harness.fake.enqueue(toolUse('vscode_listCodeUsages', { symbol: 'Foo' }), text('Understood.'));
			await harness.session.send('go');
			const result = lastToolResults(harness.requests[1])[0];
			assert.equal(result.is_error, true);
			assert.match(toolResultText(result), /did not allow this tool call: The user denied it: not now/);
			assert.equal(host.invocations.length, 0);
			assert.equal(harness.toolCards()[0].state, 'denied');
		});

		it('a tool that fails, or whose input lacks what it requires, gives an error result and the loop goes on', async () => {
			host.tools = [usages];
			host.outcome = () => Promise.reject(new Error('the symbol index is not ready'));
			harness.fake.enqueue(toolUse('vscode_listCodeUsages', { symbol: 'Foo' }), toolUse('vscode_listCodeUsages', {}), text('Giving up.'));
			await harness.session.send('go');
			const failed = lastToolResults(harness.requests[1])[0];
			assert.equal(failed.is_error, true);
			assert.equal(toolResultText(failed), 'The tool vscode_listCodeUsages failed: the symbol index is not ready');
			const invalid = lastToolResults(harness.requests[2])[0];
			assert.equal(invalid.is_error, true);
			assert.match(toolResultText(invalid), /"symbol" is required/);
			assert.equal(host.invocations.length, 1, 'the call without its required input did not run');
			assert.equal(host.approvals.length, 1, 'nor asked');
		});

		it('reads the list for every request: a tool that went away is no longer offered, and a call to it is an error', async () => {
			host.tools = [usages];
			harness.fake.enqueue(
				(request) => {
					assert.ok(toolNames(request).includes('vscode_listCodeUsages'));
					host.tools = [];
					return toolUse('vscode_listCodeUsages', { symbol: 'Foo' });
				},
				(request) => {
					assert.equal(toolNames(request).includes('vscode_listCodeUsages'), false);
					return toolUse('vscode_listCodeUsages', { symbol: 'Foo' });
				},
				text('ok'),
			);
			host.outcome = () => Promise.reject(new Error('it is no longer among VS Code\'s tools'));
			await harness.session.send('go');
			// The first call was offered: the host says it is gone. The second was not: no such tool.
			assert.match(toolResultText(lastToolResults(harness.requests[1])[0]), /failed: it is no longer among VS Code's tools/);
			const unknown = lastToolResults(harness.requests[2])[0];
			assert.equal(unknown.is_error, true);
			assert.match(toolResultText(unknown), /There is no tool named vscode_listCodeUsages/);
		});

		it('Stop aborts the call in flight and answers it as stopped', async () => {
			host.tools = [usages];
			let seen: AbortSignal | undefined;
			host.outcome = (_name, _input, signal) => {
				seen = signal;
				return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true }));
			};
			harness.fake.enqueue(toolUse('vscode_listCodeUsages', { symbol: 'Foo' }));
			const sent = harness.session.send('go');
			await waitFor(() => seen !== undefined, 10_000, 'the call to start');
			harness.session.stop();
			await sent;
			assert.equal(seen?.aborted, true);
			const card = harness.toolCards()[0];
			assert.equal(card.state, 'error');
			assert.match(card.result ?? '', /Stopped by the user/);
		});
	});
});
