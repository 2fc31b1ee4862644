import * as assert from 'node:assert/strict';
import { arrayElement, subscriptReason } from '../../../../src/agent/approval/arithmetic';
import { analyzed, itAsks, texts } from './helpers';

describe('arithmetic', function () {
	// The first parse compiles the wasm.
	this.timeout(30_000);

	describe('constructs that always ask', () => {
		itAsks([
			['arithmetic on a variable', "x='a[$(id)]'; echo $((x))", /arithmetic on variables/],
			['an arithmetic command on a variable', '((x++))', /arithmetic on variables \(their values are evaluated as code\): `\(\(x\+\+\)\)`/],
			['an assignment to an array element with a subscript that is not a number', 'a[$i]=1', /array subscript evaluated as arithmetic: `a\[\$i\]=1`/],
		]);
	});

	it('does not ask for arithmetic on numbers, in any base', async () => {
		for (const line of ['((1 + 2))', 'echo $((0x1F + 2#101 + 16#ff))', 'a[1]=x']) {
			assert.deepEqual((await analyzed(line)).alwaysAsk, [], line);
		}
	});

	it('walks the substitutions inside arithmetic', async () => {
		assert.deepEqual(await texts('echo $(( $(id -u) + 1 ))'), ['id -u', 'echo $(( $(id -u) + 1 ))']);
	});

	it('tells an array element whose subscript is code from one whose subscript is a number, @ or *', () => {
		assert.equal(arrayElement.test('a[$i]'), true);
		assert.equal(arrayElement.test('x=a[b]'), true);
		for (const text of ['a[0]', 'a[ 12 ]', 'a[@]', 'a[*]', 'plain']) {
			assert.equal(arrayElement.test(text), false, text);
		}
		assert.equal(subscriptReason('a[$i]=1'), 'can run code through an array subscript evaluated as arithmetic: `a[$i]=1`');
	});
});
