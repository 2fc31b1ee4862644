import * as fs from 'node:fs';
import * as path from 'node:path';

/** How a command line becomes a process. */
export interface ShellInvocation {
	readonly file: string;
	readonly args: readonly string[];
}

export interface Shell {
	/** `bash`, `sh` or `powershell`. */
	readonly name: string;
	readonly executable: string;
	invocation(command: string): ShellInvocation;
}

const unixFallbackFolders = ['/bin', '/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'];

function findOnPath(name: string, searchPath: string | undefined): string | undefined {
	const folders = [...(searchPath ?? '').split(path.delimiter).filter((folder) => folder.length > 0), ...unixFallbackFolders];
	for (const folder of folders) {
		const candidate = path.join(folder, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// Not in this folder; try the next.
		}
	}
	return undefined;
}

let cachedShell: Shell | undefined;

/**
 * The shell that runs background commands: bash where there is one (the syntax models write best),
 * else the POSIX sh; Windows PowerShell on Windows. Looked up once: it does not change while we run.
 */
export function getShell(platform: NodeJS.Platform = process.platform, searchPath: string | undefined = process.env.PATH): Shell {
	if (platform === process.platform && searchPath === process.env.PATH && cachedShell) {
		return cachedShell;
	}
	const shell = detectShell(platform, searchPath);
	if (platform === process.platform && searchPath === process.env.PATH) {
		cachedShell = shell;
	}
	return shell;
}

function detectShell(platform: NodeJS.Platform, searchPath: string | undefined): Shell {
	if (platform === 'win32') {
		// -NonInteractive makes prompts fail at once instead of waiting on a stdin that is closed.
		return {
			name: 'powershell',
			executable: 'powershell.exe',
			invocation: (command) => ({ file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', command] }),
		};
	}
	const bash = findOnPath('bash', searchPath);
	if (bash) {
		return { name: 'bash', executable: bash, invocation: (command) => ({ file: bash, args: ['-c', command] }) };
	}
	const sh = findOnPath('sh', searchPath) ?? '/bin/sh';
	return { name: 'sh', executable: sh, invocation: (command) => ({ file: sh, args: ['-c', command] }) };
}

/**
 * A short phrase for the model about the shell its commands run in, to complete a sentence such as
 * "commands run in …", so it writes them in the right syntax and does not wait for prompts.
 */
export function describeShell(platform: NodeJS.Platform = process.platform, searchPath: string | undefined = process.env.PATH): string {
	const shell = getShell(platform, searchPath);
	if (shell.name === 'powershell') {
		return 'Windows PowerShell (`powershell.exe -NoProfile -NonInteractive -Command`, stdin closed)';
	}
	return `${shell.name} (\`${shell.name} -c\`, stdin closed)`;
}
