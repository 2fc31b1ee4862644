import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { readPipe } from '../../../src/background/pipeReading';
import { delay } from './helpers';

/** A child printing `script`'s output on stdout, its pipes as the engine spawns them. */
function child(script: string): ChildProcess {
	return spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Everything the listener was lent, copied as it came, and whether the child's streams closed. */
function collect(process: ChildProcess, stream: 'stdout' | 'stderr' = 'stdout') {
	const chunks: Buffer[] = [];
	const lent: Buffer[] = [];
	const reading = readPipe(process[stream]!, (chunk) => {
		lent.push(chunk);
		chunks.push(Buffer.from(chunk));
	});
	const closed = new Promise<number | null>((resolve) => process.on('close', (code) => resolve(code)));
	return { chunks, lent, reading, closed };
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('readPipe', () => {
	let folder: string;
	before(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-pipe-'))));
	after(() => fs.rmSync(folder, { recursive: true, force: true }));

	it('reads a child process pipe into one reused buffer on this Node (the fast path is not silently lost)', async () => {
		const run = collect(child('printf hello'));
		assert.equal(run.reading, 'reused buffer');
		assert.equal(await run.closed, 0);
		assert.equal(Buffer.concat(run.chunks).toString(), 'hello');
	});

	it('delivers every byte in order, whatever the shape of the writes', async () => {
		const data = randomBytes(3 * 1024 * 1024 + 17);
		const file = path.join(folder, 'random.bin');
		fs.writeFileSync(file, data);
		const shapes = [
			`cat '${file}'`,
			// Small writes of odd sizes, so reads end anywhere.
			`dd if='${file}' bs=1000 status=none`,
			`dd if='${file}' bs=333333 status=none`,
			// Through another pipe, the way `yes | head` reaches us.
			`cat '${file}' | cat`,
		];
		for (const script of shapes) {
			const run = collect(child(script));
			assert.equal(await run.closed, 0, script);
			assert.equal(sha(Buffer.concat(run.chunks)), sha(data), script);
		}
	});

	it('lends one buffer: the chunks it passes are views of the same memory', async () => {
		const run = collect(child(`head -c 2000000 /dev/zero | tr '\\0' x`));
		await run.closed;
		assert.ok(run.lent.length > 1, 'more than one read');
		assert.ok(run.lent.every((chunk) => chunk.buffer === run.lent[0].buffer), 'one buffer for every read');
		assert.equal(Buffer.concat(run.chunks).length, 2_000_000);
	});

	it('reads stderr the same way, interleaving nothing of stdout into it', async () => {
		const process = child(`printf out; printf err >&2; printf out; printf err >&2`);
		const out = collect(process, 'stdout');
		const err = collect(process, 'stderr');
		assert.equal(err.reading, 'reused buffer');
		await out.closed;
		assert.equal(Buffer.concat(out.chunks).toString(), 'outout');
		assert.equal(Buffer.concat(err.chunks).toString(), 'errerr');
	});

	it('holds the producer back while the stream is paused, and reads on after resume', async () => {
		// 8 MiB cannot fit in a pipe: the producer must wait for us.
		const process = child(`head -c 8388608 /dev/zero; echo done >&2`);
		const run = collect(process);
		let stderr = '';
		process.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		while (run.chunks.length === 0) {
			await delay(5);
		}
		process.stdout!.pause();
		await delay(50);
		const held = Buffer.concat(run.chunks).length;
		await delay(300);
		assert.equal(Buffer.concat(run.chunks).length, held, 'nothing is read while paused');
		assert.equal(stderr, '', 'the producer is blocked on its full pipe');
		process.stdout!.resume();
		assert.equal(await run.closed, 0);
		assert.equal(Buffer.concat(run.chunks).length, 8388608);
		assert.equal(stderr, 'done\n');
	});

	it('falls back to data events for a stream that is not a child process pipe', async () => {
		const plain = new PassThrough();
		const chunks: Buffer[] = [];
		assert.equal(
			readPipe(plain, (chunk) => chunks.push(Buffer.from(chunk))),
			'data events',
		);
		plain.end('not a pipe');
		await new Promise((resolve) => plain.on('end', resolve));
		assert.equal(Buffer.concat(chunks).toString(), 'not a pipe');

	});
});
