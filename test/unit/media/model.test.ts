import assert from 'node:assert/strict';
import { toApproval, toApprovalMode, toFileChange, toItem, toState, toTask, toTool, toUsage } from '../../../media/model';

describe('media/model', () => {
	it('drops items without an id or with an unknown kind', () => {
		assert.equal(toItem(null), undefined);
		assert.equal(toItem({ kind: 'user' }), undefined);
		assert.equal(toItem({ id: 'a', kind: 'weird' }), undefined);
		assert.equal(toItem({ id: 'a', kind: 'notice', task: { status: 'running' } }), undefined);
	});

	it('fills in what an odd item lacks', () => {
		assert.deepEqual(toItem({ id: 'u1', kind: 'user', text: 5, attachments: 'nope' }), { kind: 'user', id: 'u1', text: '5', attachments: [] });
		assert.deepEqual(toItem({ id: 'a1', kind: 'assistant', blocks: [{ kind: 'text' }, { kind: 'image' }, null, { kind: 'tool', name: 'bash', input: { a: 1 } }] }), {
			kind: 'assistant',
			id: 'a1',
			streaming: false,
			blocks: [
				{ kind: 'text', text: '' },
				{ kind: 'tool', toolUseId: '', name: 'bash', summary: '', input: '{\n  "a": 1\n}', state: 'pending' },
			],
		});
		assert.deepEqual(toItem({ id: 'e1', kind: 'error', message: 'boom', actions: ['retry', 'explode', 'setApiKey'] }), {
			kind: 'error',
			id: 'e1',
			message: 'boom',
			actions: ['retry', 'setApiKey'],
		});
	});

	it('keeps known task fields and defaults an unknown status', () => {
		assert.deepEqual(toTask({ id: 'bg-1', command: 'x', status: 'failed', exitCode: 2, durationSeconds: 4, signal: null }), {
			id: 'bg-1',
			command: 'x',
			status: 'failed',
			exitCode: 2,
			durationSeconds: 4,
		});
		assert.equal(toTask({ id: 'bg-1', status: 'exploded' })?.status, 'queued');
		assert.equal(toTask({ status: 'running' }), undefined);
	});

	it('zeroes bad usage numbers', () => {
		assert.deepEqual(toUsage({ inputTokens: 'x', outputTokens: 3, cacheReadTokens: Infinity }), {
			inputTokens: 0,
			outputTokens: 3,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
		});
	});

	it('narrows a state, dropping duplicate and malformed items', () => {
		const state = toState({
			conversationId: 'c1',
			items: [{ id: 'a', kind: 'info', text: 'hi' }, { id: 'a', kind: 'info', text: 'again' }, 7],
			busy: 'yes',
			hasApiKey: false,
			scrollTop: -4,
			draft: 'half a thought',
		});
		assert.equal(state.items.length, 1);
		assert.equal(state.busy, false);
		assert.equal(state.hasApiKey, false);
		assert.equal(state.scrollTop, undefined);
		assert.equal(state.draft, 'half a thought');
		assert.deepEqual(state.attachments, []);
	});

	it('keeps the text reasons of an approval and drops the rest', () => {
		assert.deepEqual(toApproval({ command: 'npm test && rm -rf x', reasons: ['`rm` is not allowed', 3, null, '', '  ', { a: 1 }, 'needs a person'], allowRule: 'npm test' }), {
			command: 'npm test && rm -rf x',
			reasons: ['`rm` is not allowed', 'needs a person'],
			allowRule: 'npm test',
		});
		assert.deepEqual(toApproval({ command: 7, reasons: 'nope', allowRule: '' }), { command: '7', reasons: [] });
		assert.deepEqual(toApproval({ command: 'get_weather {}', reasons: [], allowRule: 'tool:get_weather', tool: 'get_weather' }), {
			command: 'get_weather {}',
			reasons: [],
			allowRule: 'tool:get_weather',
			tool: 'get_weather',
		});
		assert.deepEqual(toApproval({ command: 'x', reasons: [], tool: 3 }), { command: 'x', reasons: [] });
		assert.deepEqual(toApproval({ reasons: [], allowRule: 42 }), { command: '', reasons: [] });
		assert.equal(toApproval('run it'), undefined);
		assert.equal(toApproval(['npm test']), undefined);
		assert.equal(toApproval(null), undefined);
		assert.equal(toApproval({ command: 'x', reasons: Array.from({ length: 50 }, (_, i) => `r${i}`) })?.reasons.length, 10);
	});

	it('shows an approval only while the call awaits one', () => {
		const approval = { command: 'make', reasons: ['make is not allowed'], allowRule: 'make' };
		const waiting = toTool({ toolUseId: 't1', name: 'bash', state: 'awaitingApproval', approval });
		assert.deepEqual(waiting.approval, approval);
		assert.equal(toTool({ toolUseId: 't1', name: 'bash', state: 'running', approval }).approval, undefined);
		assert.equal(toTool({ toolUseId: 't1', name: 'bash', state: 'awaitingApproval', approval: 'yes' }).approval, undefined);
		assert.equal('approval' in toTool({ toolUseId: 't1', name: 'bash', state: 'awaitingApproval' }), false);
	});

	it('clamps file change counts and never offers to undo twice', () => {
		assert.deepEqual(toFileChange({ path: 'src/a.ts', created: 'yes', added: -4, removed: 2.6, canUndo: true }), {
			path: 'src/a.ts',
			created: false,
			added: 0,
			removed: 3,
			canUndo: true,
		});
		assert.deepEqual(toFileChange({ path: 'new.txt', created: true, added: NaN, removed: Infinity, canUndo: true, undone: true }), {
			path: 'new.txt',
			created: true,
			added: 0,
			removed: 0,
			canUndo: false,
			undone: true,
		});
		assert.equal(toFileChange({ path: 'x', canUndo: 1 })?.canUndo, false);
		assert.equal('undone' in toFileChange({ path: 'x', undone: 'no' })!, false);
		assert.equal(toFileChange({ path: '', added: 1 }), undefined);
		assert.equal(toFileChange({ path: 3 }), undefined);
		assert.equal(toFileChange('src/a.ts'), undefined);
		const tool = toTool({ toolUseId: 't2', name: 'edit_file', state: 'done', fileChange: { path: 'a.ts', added: 1, removed: 1, canUndo: false } });
		assert.deepEqual(tool.fileChange, { path: 'a.ts', created: false, added: 1, removed: 1, canUndo: false });
		assert.equal('fileChange' in toTool({ toolUseId: 't2', name: 'edit_file', state: 'done', fileChange: null }), false);
	});

	it('reads trust and the approval mode, defaulting to trusted and ask', () => {
		assert.equal(toState({}).trusted, true);
		assert.equal(toState({ trusted: 'no' }).trusted, true);
		assert.equal(toState({ trusted: false }).trusted, false);
		assert.equal(toState({}).approvalMode, 'ask');
		assert.equal(toState({ approvalMode: 'auto' }).approvalMode, 'auto');
		assert.equal(toApprovalMode('never'), 'never');
		assert.equal(toApprovalMode('yolo'), 'ask');
		assert.equal(toApprovalMode(undefined), 'ask');
		assert.equal(toApprovalMode({}), 'ask');
	});

	it('never throws on odd approval or file change values inside items', () => {
		const odd: unknown[] = [undefined, null, 0, 'x', [], [1], { reasons: { length: 3 } }, { path: {}, added: '5' }];
		for (const value of odd) {
			const item = toItem({ id: 'a', kind: 'assistant', blocks: [{ kind: 'tool', toolUseId: 't', name: 'bash', state: 'awaitingApproval', approval: value, fileChange: value }] });
			assert.equal(item?.kind, 'assistant');
		}
	});
});
