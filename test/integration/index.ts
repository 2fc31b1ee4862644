import { appendFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/**
 * Entry point that VS Code calls inside the extension host (extensionTestsPath).
 *
 * The reporter writes to the file the launcher names in MEANWHILE_TEST_OUTPUT (the launcher prints it
 * as it grows): the extension host's console reaches the launcher only mixed with the workbench's logs.
 */
export async function run(): Promise<void> {
	const outputFile = process.env.MEANWHILE_TEST_OUTPUT;
	const write = (...args: unknown[]) => {
		const line = `${format(...args)}\n`;
		if (outputFile) {
			appendFileSync(outputFile, line);
		} else {
			process.stdout.write(line);
		}
	};
	const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
	base.consoleLog = write;
	const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
	const grep = process.env.MEANWHILE_GREP;
	if (grep) {
		mocha.grep(grep);
	}
	for (const name of readdirSync(__dirname).filter((file) => file.endsWith('.test.js')).sort()) {
		mocha.addFile(path.join(__dirname, name));
	}
	const { failures, passes } = await new Promise<{ failures: number; passes: number }>((resolve) => {
		const runner = mocha.run(() => resolve({ failures: runner.stats?.failures ?? 0, passes: runner.stats?.passes ?? 0 }));
	});
	write(`integration: ${passes} passed, ${failures} failed`);
	if (failures > 0) {
		throw new Error(`${failures} integration test(s) failed`);
	}
}
