/**
 * What approval knows about programs, behind one small interface. The walk of a line knows no program
 * by name: for every simple command (and every command a wrapper runs) it hands the program and its
 * arguments to the registry (registry.ts), and the module that knows the program says what the rules
 * cannot see in the command's words: the command it runs in its place, commands it runs besides, the
 * files whose contents it reads, the form the rules see once its global options are set aside, and why
 * the line must ask (options that write, run programs or change its configuration, and words that are
 * not fixed strings where a fixed string decides). A program no module knows is a plain command: the
 * rules see it as written.
 *
 * A module is one file per program or family (`find.ts`, `wrappers.ts`, …) exporting one
 * {@link ProgramKnowledge}, and one line in registry.ts's list.
 */

/** One argument of a simple command. */
export interface Argument {
	/** As written: `"$HOME"/x`, `'a b'`. */
	readonly text: string;
	/** With quotes removed when it holds no expansion, else as written. */
	readonly value: string;
	/**
	 * Whether `value` is a fixed string, what the program receives for sure: the word holds no expansion
	 * and no pattern bash matches against file names (`-exe?`, `{-exec,id}`). Where a fixed string decides
	 * safety (an option, an action, a verb), a word that is not one must ask.
	 */
	readonly literal: boolean;
}

/** A simple command as a program module sees it: no syntax, only the program and its arguments. */
export interface Invocation {
	/** The program's file name, its folder dropped: `env` for `/usr/bin/env`. */
	readonly program: string;
	readonly args: readonly Argument[];
}

/** A command a program runs from a run of its arguments (`args.slice(start, end)`), and why that asks. */
export interface InnerCommand {
	readonly start: number;
	readonly end: number;
	/** In plain words, shown on the approval card: "`find -exec` runs a command for each file". */
	readonly reason: string;
}

/** What a program does that its words do not show. Every field may be left out: `{}` is a plain command. */
export interface ProgramVerdict {
	/** Why the line must always ask, in plain words; each is shown on the approval card. */
	readonly asks?: readonly string[];
	/**
	 * The program is a wrapper (`timeout 60 npm test`): the command from argument `start` on runs in its
	 * place, given `assignments` (as written, `env A=1 npm test`). That command is what the rules check
	 * and what is judged next; deny rules still see the whole as written. With no argument at `start`,
	 * the wrapper itself is the command.
	 */
	readonly wraps?: { readonly start: number; readonly assignments?: readonly string[] };
	/** Commands it runs besides being one itself (`find . -exec rm {} ;` runs `rm {}`); an empty one only asks. */
	readonly runs?: readonly InnerCommand[];
	/**
	 * Which command it runs cannot be told (`env -S '…'`), or there is none: the command the rules check
	 * is the whole as written, outer wrappers included, under this program's file name.
	 */
	readonly wholeIsTheCommand?: boolean;
	/** The indexes of the arguments that are files whose contents it reads (judged against the workspace). */
	readonly reads?: readonly number[];
	/**
	 * Its arguments, as written, once the options that come before what the rules care about are set aside
	 * (`git --no-pager log -5` → `log -5`, `git -C . push` → `push`): allow and deny rules match this form
	 * too, so the options set aside must be harmless or ask on their own.
	 */
	readonly canonical?: readonly string[];
}

/** The knowledge of one program or family of programs. */
export interface ProgramKnowledge {
	/** The file names of the programs it knows: `['find']`, `['sh', 'bash', …]`. */
	readonly programs: readonly string[];
	/** What `invocation` (of one of {@link programs}) does that its words do not show. */
	judge(invocation: Invocation): ProgramVerdict;
}
