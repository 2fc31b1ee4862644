/**
 * `npm` and its peers (`npx`, `pnpm`, `yarn`, `bun`): every `--name value` on their line is configuration,
 * and some configuration runs other programs or reads another project: `npm test --prefix /elsewhere`
 * runs that project's test script, `--node-options=--require=…` loads code into every node it starts,
 * `--script-shell` is the program that runs scripts, `--userconfig` a configuration file that can set all
 * of these. Such options ask even when the script is allowed.
 *
 * Arguments after `--` go to the script itself and are not npm's.
 */
import type { ProgramKnowledge, ProgramVerdict } from './knowledge';

/** Configuration that changes which project, programs or code run, and how to say it. */
const risky = new Map([
	['prefix', 'runs the scripts of another folder'],
	['C', 'runs the scripts of another folder'],
	['dir', 'runs the scripts of another folder'],
	['cwd', 'runs the scripts of another folder'],
	['node-options', 'loads code into every node process it starts'],
	['script-shell', 'chooses the program that runs scripts'],
	['shell', 'chooses the program that runs commands'],
	['userconfig', 'reads configuration from a file, which can run programs'],
	['globalconfig', 'reads configuration from a file, which can run programs'],
	['call', 'runs a command it is given'],
	['c', 'runs a command it is given'],
	['node-arg', 'passes options to node, which can load code'],
	['require', 'loads code into node'],
	['editor', 'chooses a program it runs'],
	['browser', 'chooses a program it runs'],
	['git', 'chooses the program it runs as git'],
	['init-module', 'runs a file of code'],
	['onload-script', 'runs a file of code'],
]);

export const npm: ProgramKnowledge = {
	programs: ['npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'bun', 'bunx'],
	judge({ program, args }): ProgramVerdict {
		const asks: string[] = [];
		for (const { value, literal, text } of args) {
			if (value === '--') {
				break;
			}
			if (!literal && !/^--?[A-Za-z0-9-]+=/.test(text)) {
				if (text.startsWith('-') || text.startsWith('$') || text.startsWith('"$')) {
					asks.push(`\`${program}\` is given \`${text}\`, known only when the line runs: it could be an option such as --prefix`);
				}
				continue;
			}
			const name = /^--?([A-Za-z0-9-]+)/.exec(literal ? value : text)?.[1];
			const what = name === undefined ? undefined : risky.get(name);
			if (what !== undefined && !(name?.length === 1 && value.startsWith('--'))) {
				asks.push(`${program} option ${value.startsWith('--') ? '--' : '-'}${name} ${what}`);
			}
		}
		return { asks };
	},
};
