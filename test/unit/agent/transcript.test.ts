import * as assert from 'node:assert/strict';
import { Emitter } from '../../../src/common/event';
import { Transcript, type ToolCardDecorator } from '../../../src/agent/transcript';
import type { ChatItem, HostToWebview, ToolCallView } from '../../../src/shared/protocol';
import { delay, TestLogger } from './harness';

/** Decorates the cards named in `approvals` with an approval request; fires when told to. */
class FakeDecorator implements ToolCardDecorator {
	readonly approvals = new Set<string>();
	readonly changed = new Emitter<string>();
	readonly onDidChange = this.changed.event;

	decorate(card: ToolCallView): ToolCallView {
		return this.approvals.has(card.toolUseId) ? { ...card, approval: { command: 'npm test', reasons: ['asks'] } } : card;
	}
}

function cardsOf(item: ChatItem | undefined): ToolCallView[] {
	return item?.kind === 'assistant' ? item.blocks.filter((block): block is ToolCallView => block.kind === 'tool') : [];
}

describe('Transcript', () => {
	let decorator: FakeDecorator;
	let transcript: Transcript;
	let emitted: HostToWebview[];

	function create(textFlushMs: number): void {
		decorator = new FakeDecorator();
		transcript = new Transcript({ textFlushMs, summarize: (name) => `summary of ${name}`, logger: new TestLogger(), decorator });
		emitted = [];
		transcript.onDidEmit((message) => emitted.push(message));
	}

	afterEach(() => transcript.dispose());

	it('batches streamed text into one delta per block, and sends it before any other message', () => {
		create(10_000);
		const id = transcript.startAssistant();
		transcript.blockStarted(id, { type: 'text' }, 0);
		emitted.length = 0;
		for (const word of ['one ', 'two ', 'three']) {
			transcript.textArrived(id, word, 0);
		}
		assert.equal(emitted.length, 0, 'held for the batch');
		assert.equal(cardsOf(transcript.snapshot()[0]).length, 0);
		assert.deepEqual(emitted, [{ type: 'textDelta', itemId: id, blockIndex: 0, delta: 'one two three' }], 'a snapshot flushes first');
		transcript.textArrived(id, '!', 0);
		transcript.emit({ type: 'busy', busy: false });
		assert.deepEqual(emitted.slice(1).map((message) => message.type), ['textDelta', 'busy']);
	});

	it('sends held text on its own after textFlushMs', async () => {
		create(5);
		const id = transcript.startAssistant();
		transcript.textArrived(id, 'hello', 0);
		await delay(50);
		assert.deepEqual(emitted.at(-1), { type: 'textDelta', itemId: id, blockIndex: 0, delta: 'hello' });
	});

	it('decorates the cards it sends and snapshots, never the items it saves, and re-sends a card when its decoration changes', () => {
		create(30);
		const id = transcript.startAssistant();
		transcript.blockStarted(id, { type: 'tool_use', id: 'toolu_1', name: 'bash' }, 0);
		transcript.finishAssistant(id, [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'npm test' } }]);
		decorator.approvals.add('toolu_1');
		transcript.updateToolCard('toolu_1', { state: 'awaitingApproval' });
		const update = emitted.at(-1);
		assert.ok(update?.type === 'itemUpdated');
		assert.deepEqual(cardsOf(update.item)[0].approval, { command: 'npm test', reasons: ['asks'] });
		assert.equal(cardsOf(update.item)[0].summary, 'summary of bash');
		assert.ok(cardsOf(transcript.snapshot()[0])[0].approval);
		assert.equal(cardsOf(transcript.toJSON()[0])[0].approval, undefined, 'saved undecorated');
		decorator.approvals.delete('toolu_1');
		const before = emitted.length;
		decorator.changed.fire('toolu_1');
		assert.equal(emitted.length, before + 1);
		const refreshed = emitted.at(-1);
		assert.ok(refreshed?.type === 'itemUpdated');
		assert.equal(cardsOf(refreshed.item)[0].approval, undefined);
		decorator.changed.fire('toolu_unknown');
		assert.equal(emitted.length, before + 1, 'nothing for a card it does not hold');
	});

	it('knows the tasks its notices and cards show, also after a restore', () => {
		create(30);
		transcript.addNotice({ id: 'bg-2', command: 'make', status: 'succeeded' });
		const id = transcript.startAssistant();
		transcript.blockStarted(id, { type: 'tool_use', id: 'toolu_1', name: 'background_run' }, 0);
		transcript.updateToolCard('toolu_1', { taskId: 'bg-5' });
		assert.deepEqual(transcript.mentionedTaskIds(), ['bg-2', 'bg-5']);
		assert.equal(transcript.mentions('bg-3'), false);
		const restored = new Transcript({ textFlushMs: 30, summarize: () => '', logger: new TestLogger() });
		restored.load(transcript.toJSON());
		assert.deepEqual(restored.mentionedTaskIds(), ['bg-2', 'bg-5']);
		restored.dispose();
	});

	it('marks every unfinished card stopped, and drops the Retry of the last error once it is moot', () => {
		create(30);
		const id = transcript.startAssistant();
		transcript.blockStarted(id, { type: 'tool_use', id: 'toolu_1', name: 'bash' }, 0);
		transcript.blockStarted(id, { type: 'tool_use', id: 'toolu_2', name: 'bash' }, 1);
		transcript.updateToolCard('toolu_2', { state: 'done' });
		transcript.settleUnfinishedCards();
		assert.deepEqual(cardsOf(transcript.snapshot()[0]).map((card) => [card.state, card.resultSummary]), [['error', 'stopped'], ['done', undefined]]);
		transcript.addError('The API failed', ['setApiKey', 'retry']);
		transcript.clearRetry();
		const error = transcript.snapshot().at(-1);
		assert.ok(error?.kind === 'error');
		assert.deepEqual(error.actions, ['setApiKey']);
	});
});
