/**
 * Text outside the Basic Multilingual Plane (emoji, rare CJK) is two UTF-16 units: every cut Meanwhile
 * makes (notice tails, tool output caps, context shortening) must fall between characters, or the API
 * refuses the request ("no low surrogate in string") and every retry after it. The fake API refuses such
 * requests as the real one does; these tasks print long runs of them at both parities.
 */
import * as assert from 'node:assert/strict';
import { blocksOf, lastMessage, text, toolUse } from '../../fixtures/fakeAnthropic';
import { checkAndDispose, deliveredIds, Harness } from './harness';

/** Shell that prints `count` copies of `glyph` after `prefix`, on one line or one per line. */
function printRun(prefix: string, glyph: string, count: number, perLine: boolean): string {
	const format = perLine ? `${glyph}\\n` : glyph;
	return `printf '%s' '${prefix}'; i=0; while [ $i -lt ${count} ]; do printf '${format}'; i=$((i+1)); done; echo`;
}

const cases = [
	{ name: 'one line of rockets', prefix: '', glyph: '🚀', perLine: false },
	{ name: 'one line of rockets after one ASCII character', prefix: 'x', glyph: '🚀', perLine: false },
	{ name: 'astral ideographs after three ASCII characters', prefix: 'abc', glyph: '𠀀', perLine: false },
	{ name: 'joined emoji sequences', prefix: 'y', glyph: '👩‍💻', perLine: false },
	{ name: 'a rocket per line', prefix: 'z', glyph: '🚀🚀🚀', perLine: true },
];

describe('text outside the Basic Multilingual Plane never breaks a request', function () {
	this.timeout(30_000);
	let harness: Harness;

	beforeEach(async () => {
		harness = await Harness.create({ settings: { autoContinue: false } });
	});

	afterEach(async function () {
		await checkAndDispose(this, harness);
	});

	for (const sample of cases) {
		it(`delivers the notice of a task printing ${sample.name}`, async () => {
			const task = harness.tasks.start(printRun(sample.prefix, sample.glyph, 20_000, sample.perLine), { origin: 'agent', conversationId: harness.session.id });
			await harness.tasks.whenFinished(task.id);
			harness.fake.enqueue(text('Seen.'), text('Still fine.'));
			await harness.session.send('how did it go?');
			assert.deepEqual(deliveredIds(harness), [task.id]);
			assert.equal(harness.items().filter((item) => item.kind === 'error').length, 0, 'the API accepted the request');
			const notice = blocksOf(lastMessage(harness.requests[0])).find((block) => (block.text ?? '').includes('<task-notice'));
			assert.ok(notice?.text?.includes(sample.glyph.slice(0, 2)), 'the notice quotes the output');
			// The conversation stays sendable: the next request carries the notice in its history.
			await harness.session.send('and again?');
			assert.equal(harness.requests.length, 2);
			assert.equal(harness.items().filter((item) => item.kind === 'error').length, 0);
		});

		it(`caps the bash result of ${sample.name} between characters`, async () => {
			harness.fake.enqueue(toolUse('bash', { command: printRun(sample.prefix, sample.glyph, 20_000, sample.perLine) }), text('Long output.'));
			await harness.session.send('print it');
			assert.equal(harness.requests.length, 2);
			assert.equal(harness.items().filter((item) => item.kind === 'error').length, 0, 'the API accepted the tool result');
		});
	}
});
