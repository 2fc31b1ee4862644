import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanSupervisedFolder, removeSupervisorFiles } from '../../../../src/background/supervised/cleanup';
import { TaskStore } from '../../../../src/background/taskStore';
import { RecordingLogger, waitFor } from '../helpers';

describe('supervised folder clean-up', () => {
	let folder: string;
	let store: TaskStore;
	const logger = new RecordingLogger();

	beforeEach(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'meanwhile-cleanup-'));
		store = new TaskStore(folder, () => [], logger, Date.now);
		store.ensureSupervisedFolder();
	});

	afterEach(() => {
		fs.rmSync(folder, { recursive: true, force: true });
	});

	function write(name: string, ageMilliseconds = 0): void {
		const file = path.join(store.supervisedFolder, name);
		fs.writeFileSync(file, '{}');
		const time = (Date.now() - ageMilliseconds) / 1000;
		fs.utimesSync(file, time, time);
	}

	it('keeps the files of tasks still followed and specs young enough to be starting; deletes the rest', () => {
		write('bg-1.state.json');
		write('bg-1.spec.json', 120_000);
		write('bg-2.state.json');
		write('bg-3.spec.json', 120_000);
		write('bg-4.spec.json');
		write('bg-5.spec.json.123.tmp', 120_000);
		cleanSupervisedFolder(store, (id) => id !== 'bg-1', logger, Date.now);
		assert.deepEqual(fs.readdirSync(store.supervisedFolder).sort(), ['bg-1.spec.json', 'bg-1.state.json', 'bg-4.spec.json']);
	});

	it('does nothing without a folder', () => {
		fs.rmSync(store.supervisedFolder, { recursive: true });
		cleanSupervisedFolder(store, () => true, logger, Date.now);
		assert.equal(fs.existsSync(store.supervisedFolder), false);
	});

	it('removeSupervisorFiles deletes one task state and spec files', async () => {
		write('bg-1.state.json');
		write('bg-1.spec.json');
		write('bg-2.state.json');
		removeSupervisorFiles(store, 'bg-1', logger);
		await waitFor(() => fs.readdirSync(store.supervisedFolder).length === 1, 5000, 'the files deleted');
		assert.deepEqual(fs.readdirSync(store.supervisedFolder), ['bg-2.state.json']);
	});
});
