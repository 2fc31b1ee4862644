/**
 * The registry of what approval knows about programs: each program's file name leads to the one module
 * that knows it (see knowledge.ts). Adding knowledge is adding a module and a line to
 * {@link programModules}; the walk of the line does not change.
 */
import { awk } from './awk';
import { cd } from './cd';
import { commandLookup } from './commandLookup';
import { declarations } from './declarations';
import { env } from './env';
import { find } from './find';
import { git } from './git';
import type { Invocation, ProgramKnowledge, ProgramVerdict } from './knowledge';
import { npm } from './npm';
import { readers } from './readers';
import { sed } from './sed';
import { shells } from './shells';
import { tee } from './tee';
import { wrappers } from './wrappers';
import { xargs } from './xargs';

/** Every module, each knowing its own programs: a program is known by one module at most. */
export const programModules: readonly ProgramKnowledge[] = [shells, wrappers, env, find, xargs, declarations, commandLookup, git, npm, sed, awk, tee, readers, cd];

const plainCommand: ProgramVerdict = {};

export class ProgramRegistry {
	private readonly byProgram = new Map<string, ProgramKnowledge>();

	/** Throws when two modules claim one program: which of them judges it would be an accident of order. */
	constructor(modules: readonly ProgramKnowledge[]) {
		for (const knowledge of modules) {
			for (const program of knowledge.programs) {
				if (this.byProgram.has(program)) {
					throw new Error(`two program modules know \`${program}\``);
				}
				this.byProgram.set(program, knowledge);
			}
		}
	}

	/** What the invocation's program does that its words do not show; a plain command when no module knows it. */
	judge(invocation: Invocation): ProgramVerdict {
		return this.byProgram.get(invocation.program)?.judge(invocation) ?? plainCommand;
	}
}

let defaultRegistry: ProgramRegistry | undefined;

/** The registry of {@link programModules}, built on first use and shared. */
export function knownPrograms(): ProgramRegistry {
	defaultRegistry ??= new ProgramRegistry(programModules);
	return defaultRegistry;
}
