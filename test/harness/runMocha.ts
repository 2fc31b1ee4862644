import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { closeSharedWorkbench } from '../ui/workbench';

/**
 * Runs one plain-Node test layer (unit or ui) with mocha and closes with `<layer>: N passed, N failed`.
 * Usage: node out/test/harness/runMocha.js <layer> <folder> [timeoutMs]
 */
function findTests(folder: string): string[] {
	const found: string[] = [];
	for (const name of readdirSync(folder).sort()) {
		const full = path.join(folder, name);
		if (statSync(full).isDirectory()) {
			found.push(...findTests(full));
		} else if (name.endsWith('.test.js')) {
			found.push(full);
		}
	}
	return found;
}

async function main(): Promise<number> {
	const [layer = 'unit', folder = path.join(__dirname, '..', layer), timeout = '60000'] = process.argv.slice(2);
	// Unit files run in two workers (much of their time is waiting on child processes); UI files share one VS Code.
	const parallel = layer === 'unit' && process.env.MEANWHILE_SERIAL !== '1';
	const mocha = new Mocha({ ui: 'bdd', timeout: Number(timeout), color: process.stdout.isTTY, reporter: 'spec', parallel, jobs: 2 });
	if (layer === 'ui') {
		mocha.rootHooks({ afterAll: closeSharedWorkbench });
	}
	const grep = process.env.MEANWHILE_GREP;
	if (grep) {
		mocha.grep(grep);
	}
	for (const file of findTests(path.resolve(folder))) {
		mocha.addFile(file);
	}
	const stats = await new Promise<{ passes: number; failures: number }>((resolve) => {
		const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
	});
	console.log(`${layer}: ${stats.passes} passed, ${stats.failures} failed`);
	return stats.failures > 0 || stats.passes === 0 ? 1 : 0;
}

main().then(
	(code) => {
		// Tests may leave handles (servers, timers) open by mistake; the result is what counts.
		process.exit(code);
	},
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
