import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSupervisorSpec, readSupervisorState, writeJsonAtomically } from '../../../../src/background/supervised/protocol';

describe('supervisor protocol', () => {
	it('reads a state file field by field and rejects what is not one', () => {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-state-'));
		try {
			const file = path.join(folder, 'bg-1.state.json');
			writeJsonAtomically(file, { version: 1, status: 'exited', supervisorPid: 5, pid: 6, pgid: 6, exitCode: 7, signal: null, stopped: true, stderrTail: 'ZXJy', extra: 'x' });
			assert.deepEqual(readSupervisorState(file), {
				version: 1,
				status: 'exited',
				supervisorPid: 5,
				supervisorStartTime: undefined,
				pid: 6,
				pgid: 6,
				startTime: undefined,
				startedAt: undefined,
				exitCode: 7,
				signal: null,
				exitUnknown: undefined,
				error: undefined,
				stopped: true,
				stderrTail: 'ZXJy',
				endedAt: undefined,
			});
			assert.deepEqual(fs.readdirSync(folder), ['bg-1.state.json'], 'no temporary file is left');
			fs.writeFileSync(file, '{"status": "sleeping", "supervisorPid": 5}');
			assert.equal(readSupervisorState(file), undefined);
			assert.equal(readSupervisorState(path.join(folder, 'missing.json')), undefined);
		} finally {
			fs.rmSync(folder, { recursive: true, force: true });
		}
	});

	it('accepts spawn and pipes specs with what each needs, and nothing else', () => {
		const base = { version: 1, id: 'bg-1', logPath: 'l', statePath: 's', logMaxBytes: 10, killGraceMilliseconds: 100 };
		assert.equal(parseSupervisorSpec(JSON.stringify({ ...base, mode: 'spawn', invocation: { file: 'sh', args: ['-c', 'x'] }, cwd: '/', env: {} })).mode, 'spawn');
		assert.equal(parseSupervisorSpec(JSON.stringify({ ...base, mode: 'pipes', pid: 12 })).pid, 12);
		assert.throws(() => parseSupervisorSpec(JSON.stringify({ ...base, mode: 'spawn' })), /invocation/);
		assert.throws(() => parseSupervisorSpec(JSON.stringify({ ...base, mode: 'pipes' })), /pid/);
		assert.throws(() => parseSupervisorSpec('[]'), /not a supervisor spec/);
	});
});
