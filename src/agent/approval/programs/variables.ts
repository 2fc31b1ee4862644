/**
 * Variables that change which program a later command runs or what it loads (`PATH`, `LD_PRELOAD`,
 * `NODE_OPTIONS`, …): a line that sets one for the commands after it asks, since a rule allowing a later
 * command by its name would no longer say what runs.
 */

const hijackingVariables = new RegExp(
	'^(PATH|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PS4|PROMPT_COMMAND|CDPATH|GLOBIGNORE|' +
		'NODE_OPTIONS|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|LD_[A-Z_]+|DYLD_[A-Z_]+|GIT_[A-Z_]+)$',
);

/** Why setting the variable `name` for later commands asks; undefined for a variable that changes nothing they run. */
export function settingAsks(name: string): string | undefined {
	return hijackingVariables.test(name) ? `sets \`${name}\`, which changes what later commands run` : undefined;
}

/**
 * Why an assignment of a statement (`NAME=value`, `a[1]=x`, as written) asks. Only an assignment with no
 * program after it sets the variable for later commands; before a program it is that program's alone.
 */
export function assignmentAsks(assignment: string, runsProgram: boolean): string | undefined {
	const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(assignment)?.[0] ?? '';
	return runsProgram ? undefined : settingAsks(name);
}
