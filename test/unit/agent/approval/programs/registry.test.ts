import * as assert from 'node:assert/strict';
import type { ProgramKnowledge } from '../../../../../src/agent/approval/programs/knowledge';
import { knownPrograms, programModules, ProgramRegistry } from '../../../../../src/agent/approval/programs/registry';
import { invocation } from '../helpers';

describe('programs: the registry', () => {
	const echoes = (name: string, programs: readonly string[]): ProgramKnowledge => ({ programs, judge: ({ program }) => ({ asks: [`${name} judged ${program}`] }) });

	it('leads each program to the module that knows it', () => {
		const registry = new ProgramRegistry([echoes('first', ['a', 'b']), echoes('second', ['c'])]);
		assert.deepEqual(registry.judge(invocation('b')), { asks: ['first judged b'] });
		assert.deepEqual(registry.judge(invocation('c', 'x')), { asks: ['second judged c'] });
	});

	it('finds a plain command in a program no module knows', () => {
		assert.deepEqual(new ProgramRegistry([echoes('first', ['a'])]).judge(invocation('npm', 'test')), {});
		assert.deepEqual(new ProgramRegistry([]).judge(invocation('a')), {});
	});

	it('refuses two modules knowing one program', () => {
		assert.throws(() => new ProgramRegistry([echoes('first', ['a', 'b']), echoes('second', ['b'])]), /two program modules know `b`/);
	});

	it('holds every module, each program known once, and is built once', () => {
		const programs = programModules.flatMap((knowledge) => knowledge.programs);
		assert.equal(new Set(programs).size, programs.length);
		for (const program of ['sh', 'bash', 'eval', 'sudo', 'timeout', 'env', 'find', 'xargs', 'export', 'alias']) {
			assert.ok(programs.includes(program), program);
		}
		assert.equal(knownPrograms(), knownPrograms());
		assert.deepEqual(knownPrograms().judge(invocation('timeout', '5', 'ls')), { wraps: { start: 1 } });
	});
});
