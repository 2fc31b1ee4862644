import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdit, NodeWorkspaceFiles, WorkspaceError } from '../../../src/agent/workspace';
import { makeTempDir } from './harness';

async function refusal(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof WorkspaceError, `expected a WorkspaceError, got ${String(error)}`);
		return error.message;
	}
	assert.fail('expected a refusal');
}

describe('NodeWorkspaceFiles', () => {
	let root: string;
	let outside: string;
	let files: NodeWorkspaceFiles;

	beforeEach(() => {
		root = makeTempDir('meanwhile-ws-');
		outside = makeTempDir('meanwhile-outside-');
		fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
		files = new NodeWorkspaceFiles([root]);
	});

	afterEach(() => {
		fs.rmSync(root, { recursive: true, force: true });
		fs.rmSync(outside, { recursive: true, force: true });
	});

	it('writes, reads and edits a file by a path relative to the root, creating folders', async () => {
		const written = await files.write('deep/er/a.txt', 'one\ntwo\nthree\n');
		assert.deepEqual(written, { path: path.join(root, 'deep/er/a.txt'), created: true, bytes: 14 });
		assert.equal((await files.write('deep/er/a.txt', 'one\ntwo\nthree\n')).created, false);
		const read = await files.read('deep/er/a.txt');
		assert.equal(read.text, 'one\ntwo\nthree\n');
		assert.equal(read.totalLines, 3);
		const edited = await files.edit(path.join(root, 'deep/er/a.txt'), 'two', '2');
		assert.equal(edited.line, 2);
		assert.equal(fs.readFileSync(path.join(root, 'deep/er/a.txt'), 'utf8'), 'one\n2\nthree\n');
	});

	it('reads only the first lines with a limit', async () => {
		fs.writeFileSync(path.join(root, 'a.txt'), 'a\nb\nc\nd\n');
		const read = await files.read('a.txt', { limit: 2 });
		assert.deepEqual({ text: read.text, shown: read.shownLines, total: read.totalLines }, { text: 'a\nb', shown: 2, total: 4 });
	});

	it('refuses a path that climbs out of the workspace, or an absolute path outside it', async () => {
		assert.match(await refusal(files.read('../outside.txt')), /outside the workspace/);
		assert.match(await refusal(files.write(path.join(outside, 'x.txt'), 'x')), /outside the workspace/);
		assert.ok(!fs.existsSync(path.join(outside, 'x.txt')));
	});

	it('refuses to read or write through a symbolic link that leads outside', async () => {
		fs.symlinkSync(outside, path.join(root, 'link'));
		fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
		assert.match(await refusal(files.read('link/secret.txt')), /outside the workspace through a symbolic link/);
		assert.match(await refusal(files.read('secret-link.txt')), /symbolic link/);
		assert.match(await refusal(files.write('link/new/file.txt', 'x')), /symbolic link/);
		assert.match(await refusal(files.edit('secret-link.txt', 'secret', 'changed')), /symbolic link/);
		assert.ok(!fs.existsSync(path.join(outside, 'new')));
		assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');
	});

	it('refuses to write through a dangling symbolic link', async () => {
		fs.symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling.txt'));
		assert.match(await refusal(files.write('dangling.txt', 'x')), /symbolic link/);
		assert.ok(!fs.existsSync(path.join(outside, 'not-yet.txt')));
	});

	it('follows a symbolic link that stays inside the workspace', async () => {
		fs.mkdirSync(path.join(root, 'real'));
		fs.writeFileSync(path.join(root, 'real', 'a.txt'), 'inside');
		fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
		assert.equal((await files.read('alias/a.txt')).text, 'inside');
	});

	it('refuses everything when no folder is open', async () => {
		const none = new NodeWorkspaceFiles([]);
		assert.match(await refusal(none.read('a.txt')), /No folder is open/);
		assert.match(await refusal(none.write('a.txt', 'x')), /No folder is open/);
	});

	it('accepts a path under any of several roots', async () => {
		const two = new NodeWorkspaceFiles([root, outside]);
		assert.equal((await two.read(path.join(outside, 'secret.txt'))).text, 'secret');
	});

	it('says clearly when a file is missing, is a folder, or is binary', async () => {
		assert.match(await refusal(files.read('missing.txt')), /does not exist/);
		fs.mkdirSync(path.join(root, 'dir'));
		assert.match(await refusal(files.read('dir')), /is a folder/);
		fs.writeFileSync(path.join(root, 'bin'), Buffer.from([1, 0, 2]));
		assert.match(await refusal(files.read('bin')), /binary/);
	});
});

describe('applyEdit', () => {
	it('replaces the one occurrence and reports its line', () => {
		assert.deepEqual(applyEdit('a\nb\nc', 'c', 'C', 'f'), { text: 'a\nb\nC', line: 3 });
	});

	it('refuses text that is missing, repeated, or empty, saying why', () => {
		assert.throws(() => applyEdit('a a', 'b', 'c', 'f.txt'), /old_text was not found in f.txt/);
		assert.throws(() => applyEdit('a a', 'a', 'c', 'f.txt'), /occurs 2 times in f.txt; it must occur exactly once/);
		assert.throws(() => applyEdit('a', '', 'c', 'f.txt'), /old_text is empty/);
	});

	it('matches LF text in a CRLF file and keeps its line ends', () => {
		assert.deepEqual(applyEdit('one\r\ntwo\r\nthree', 'one\ntwo', 'uno\ndos', 'f'), { text: 'uno\r\ndos\r\nthree', line: 1 });
	});
});
