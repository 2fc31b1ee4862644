import * as assert from 'node:assert/strict';
import { evaluateToolCall, matchesToolRule, toolRule } from '../../../../src/agent/approval/toolRules';

describe('approval of calls to the editor\'s tools', () => {
	it('names a tool by tool:<name> or tool:/regex/ on its name, and nothing else', () => {
		assert.equal(matchesToolRule('vscode_listCodeUsages', 'tool:vscode_listCodeUsages'), true);
		assert.equal(matchesToolRule('vscode_listCodeUsages', ' tool:vscode_listCodeUsages '), true);
		assert.equal(matchesToolRule('vscode_listCodeUsagesMore', 'tool:vscode_listCodeUsages'), false);
		assert.equal(matchesToolRule('mcp_github_create_issue', 'tool:/^mcp_github_/'), true);
		assert.equal(matchesToolRule('mcp_gitlab_create_issue', 'tool:/^mcp_github_/'), false);
		assert.equal(matchesToolRule('Search', 'tool:/^search$/i'), true);
		// Command rules never name a tool, also a catch-all one.
		assert.equal(matchesToolRule('anything', '/.*/'), false);
		assert.equal(matchesToolRule('anything', 'anything'), false);
		assert.equal(matchesToolRule('anything', 'tool:'), false);
		assert.equal(matchesToolRule('anything', 42), false);
		assert.equal(toolRule('x'), 'tool:x');
	});

	it('asks in "ask" mode whatever the rules, offering tool:<name> for Always Allow', () => {
		const decision = evaluateToolCall('get_weather', { mode: 'ask', allow: ['tool:get_weather'] });
		assert.equal(decision.decision, 'ask');
		assert.deepEqual(decision.allowRules, ['tool:get_weather']);
		assert.match(decision.reasons.join(' '), /get_weather is a tool of VS Code/);
	});

	it('runs unasked in "auto" mode only when a tool rule allows it', () => {
		assert.equal(evaluateToolCall('get_weather', { mode: 'auto', allow: ['tool:/^get_/'] }).decision, 'allow');
		const asked = evaluateToolCall('get_weather', { mode: 'auto', allow: ['/.*/'] });
		assert.equal(asked.decision, 'ask');
		assert.match(asked.reasons.join(' '), /tool:get_weather would/);
	});

	it('refuses under a deny rule in every mode, and every tool under "never"', () => {
		const denied = evaluateToolCall('get_weather', { mode: 'auto', allow: ['tool:get_weather'], deny: ['tool:/weather/'] });
		assert.equal(denied.decision, 'deny');
		assert.match(denied.reasons[0], /"tool:\/weather\/" in meanwhile.approval.deny/);
		assert.equal(evaluateToolCall('get_weather', { mode: 'ask', deny: ['tool:get_weather'] }).decision, 'deny');
		const never = evaluateToolCall('get_weather', { mode: 'never', allow: ['tool:get_weather'] });
		assert.equal(never.decision, 'deny');
		assert.match(never.reasons[0], /"never"/);
	});
});
