import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConversationStore, writeFileAtomic } from '../../../src/agent/conversationStore';

describe('conversation store', () => {
	let folder: string;

	beforeEach(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-store-'));
	});

	afterEach(() => {
		fs.rmSync(folder, { recursive: true, force: true });
	});

	it('saves and loads a conversation and lists it newest first', async () => {
		const store = new ConversationStore(folder);
		await store.save('c1', 'First', { messages: [1] });
		await new Promise((resolve) => setTimeout(resolve, 5));
		await store.save('c2', 'Second', { messages: [2] });
		assert.deepEqual(await store.load('c1'), { kind: 'loaded', data: { messages: [1] } });
		assert.deepEqual((await store.list()).map((entry) => entry.id), ['c2', 'c1']);
	});

	it('keeps conversations readable by the user alone, also those an earlier version saved', async function () {
		if (process.platform === 'win32') {
			this.skip();
		}
		const saved = path.join(folder, 'conversations');
		fs.mkdirSync(saved, { mode: 0o755 });
		fs.writeFileSync(path.join(saved, 'old.json'), '{}', { mode: 0o644 });
		fs.chmodSync(saved, 0o755);
		const store = new ConversationStore(saved);
		await store.save('c1', 'First', { messages: ['a secret pasted here'] });
		assert.equal(fs.statSync(saved).mode & 0o777, 0o700);
		for (const name of ['old.json', 'c1.json', 'index.json']) {
			assert.equal(fs.statSync(path.join(saved, name)).mode & 0o777, 0o600, name);
		}
	});

	it('writes atomically: no temporary file is left and a reader never sees a partial file', async () => {
		const file = path.join(folder, 'x.json');
		await Promise.all(Array.from({ length: 20 }, (_, index) => writeFileAtomic(file, JSON.stringify({ index, padding: 'x'.repeat(100_000) }))));
		assert.deepEqual(fs.readdirSync(folder), ['x.json']);
		assert.doesNotThrow(() => JSON.parse(fs.readFileSync(file, 'utf8')));
	});

	it('keeps a corrupt conversation file aside instead of dropping it, and says where', async () => {
		const store = new ConversationStore(folder);
		await store.save('c1', 'First', { ok: true });
		fs.writeFileSync(path.join(folder, 'c1.json'), '{"messages": [trunc');
		const result = await store.load('c1');
		assert.equal(result.kind, 'corrupt');
		assert.ok(result.kind === 'corrupt' && fs.readFileSync(result.keptAt, 'utf8').startsWith('{"messages"'));
		assert.equal(fs.existsSync(path.join(folder, 'c1.json')), false);
	});

	it('serialises saves so an older state never overwrites a newer one', async () => {
		const store = new ConversationStore(folder);
		const saves = Array.from({ length: 10 }, (_, index) => store.save('c1', `v${index}`, { version: index }));
		await Promise.all(saves);
		assert.deepEqual(await store.load('c1'), { kind: 'loaded', data: { version: 9 } });
		assert.equal((await store.list())[0].title, 'v9');
	});

	it('refuses ids that could escape the folder', async () => {
		const store = new ConversationStore(folder);
		await assert.rejects(() => store.save('../evil', 'x', {}), /Not a conversation id/);
	});
});
