import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { TaskStore } from '../taskStore';

/** Spec files older than this belong to supervisors that never started; younger ones may be starting now. */
const staleSpecMilliseconds = 60_000;

/** Deletes a task's state and spec files, in the background. */
export function removeSupervisorFiles(store: TaskStore, id: string, logger: Logger): void {
	for (const file of [store.statePath(id), store.specPath(id)]) {
		void fs.promises.rm(file, { force: true }).catch((error: unknown) => logger.warn(`Could not delete ${file}: ${errorMessage(error)}`));
	}
}

/**
 * Deletes state and spec files no task needs: those of tasks this window knows have ended (`mayRemove`:
 * another window may be following the others), and specs no supervisor took.
 */
export function cleanSupervisedFolder(store: TaskStore, mayRemove: (id: string) => boolean, logger: Logger, now: () => number): void {
	const folder = store.supervisedFolder;
	let names: string[];
	try {
		names = fs.readdirSync(folder);
	} catch {
		return;
	}
	for (const name of names) {
		const id = /^(bg-\d+)\./.exec(name)?.[1];
		if (id !== undefined && !mayRemove(id)) {
			continue;
		}
		const file = path.join(folder, name);
		try {
			if (!name.endsWith('.state.json') && now() - fs.statSync(file).mtimeMs < staleSpecMilliseconds) {
				// A spec or temporary file this young may belong to a supervisor that is starting right now.
				continue;
			}
			fs.rmSync(file, { force: true });
		} catch (error) {
			logger.warn(`Could not delete ${file}: ${errorMessage(error)}`);
		}
	}
}
