import * as assert from 'node:assert/strict';
import { find } from '../../../../../src/agent/approval/programs/find';
import { invocation, itAsks, itDecides, texts } from '../helpers';

describe('programs: find', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['find -exec', "find . -name '*.tmp' -exec rm {} \\;", /`find -exec`/, ["find . -name '*.tmp' -exec rm {} \\;", 'rm {}']],
			['find -execdir', 'find . -execdir touch x +', /`find -execdir`/],
			['find -ok', 'find . -ok rm {} \\;', /`find -ok`/],
		]);
	});

	it('runs the command of each -exec, -execdir, -ok and -okdir up to `;` or `+`', () => {
		assert.deepEqual(find.judge(invocation('find', '.', '-exec', 'rm', '{}', ';', '-okdir', 'ls', '+')), {
			asks: [],
			runs: [
				{ start: 2, end: 4, reason: '`find -exec` runs a command for each file' },
				{ start: 6, end: 7, reason: '`find -okdir` runs a command for each file' },
			],
		});
	});

	it('asks for an -exec with no command, and runs nothing for it', async () => {
		assert.deepEqual(find.judge(invocation('find', '.', '-exec')), { asks: [], runs: [{ start: 2, end: 2, reason: '`find -exec` runs a command for each file' }] });
		assert.deepEqual(await texts('find . -exec \\;'), ['find . -exec \\;']);
	});

	it('runs nothing without an executor, and reads a test’s value as a value', () => {
		assert.deepEqual(find.judge(invocation('find', '.', '-name', '-exec', '-type', 'f')), { asks: [], runs: [] });
	});

	describe('actions that ask even when find is allowed', () => {
		itDecides([
			['find . -delete', 'ask', /`find -delete` deletes the files it finds/],
			['find . -name "*.tmp" -delete', 'ask', /deletes/],
			['find . -fprint /tmp/x', 'ask', /`find -fprint` writes the file \/tmp\/x/],
			['find . -fprint0 out', 'ask', /-fprint0/],
			["find . -fprintf out '%p'", 'ask', /-fprintf/],
			['find . -fls ~/.bashrc', 'ask', /-fls/],
			['find . -exec id \\;', 'ask', /`find -exec` runs a command/],
			['find . -execdir id +', 'ask', /-execdir/],
			['find . -ok id \\;', 'ask', /-ok/],
			['find . -okdir id \\;', 'ask', /-okdir/],
		]);
	});

	describe('words that are not fixed strings could be actions', () => {
		itDecides([
			["find . -exe$9c sh -c 'id' \\;", 'ask', /`find` is given `-exe\$9c`, known only when the line runs/],
			["find . $'-\\x65xec' id \\;", 'ask', /`find -exec` runs a command/],
			['x=-exec; find . $x id \\;', 'ask', /`find` is given `\$x`/],
			['find . {-exec,id} \\;', 'ask', /`find` is given `\{-exec,id\}`/],
			['find . -exe? id \\;', 'ask', /`find` is given `-exe\?`/],
			['find . -exe[c] id \\;', 'ask', /`find` is given/],
			['find "$dir" -name x', 'ask', /`find` is given `"\$dir"`/],
			['find . $x rm -rf build \\;', 'deny', /approval\.deny rule `rm`/],
			["find . -exe$9c rm {} \\;", 'deny', /rm/],
		]);
	});

	describe('what stays unasked', () => {
		itDecides([
			["find . -name '*.ts' -type f", 'allow'],
			['find src -maxdepth 2 -newer package.json -print', 'allow'],
			["find . -path ./node_modules -prune -o -name '*.js' -print", 'allow'],
			['find . -name "$PATTERN"', 'allow'],
		]);
	});
});
