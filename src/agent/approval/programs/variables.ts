/**
 * Variables that change which program a command runs or what it loads and reads (`PATH`, `HOME`,
 * `LD_PRELOAD`, `NODE_OPTIONS`, `GIT_*`, …): git reads `core.fsmonitor` from `$HOME/.gitconfig` and runs
 * it, npm reads `$HOME/.npmrc`, bash reads `$BASH_ENV`. A line that assigns one asks, whether the
 * assignment is for one command (`HOME=/tmp/h git status`) or for the commands after it (`HOME=/tmp/h;
 * git status`, `export HOME=…`, `env HOME=… git status`): a rule allowing a command by its name would no
 * longer say what runs. Other variables (`CI=true npm test`) stay unasked.
 */

const hijackingVariables = new RegExp(
	'^(PATH|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PS4|PROMPT_COMMAND|CDPATH|GLOBIGNORE|EXECIGNORE|HOME|ZDOTDIR|XDG_[A-Z_]+|TMPDIR|' +
		'NODE_OPTIONS|NODE_PATH|NPM_CONFIG_[A-Za-z0-9_]+|YARN_[A-Z_]+|PNPM_[A-Z_]+|COREPACK_[A-Z_]+|' +
		'PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PYTHONUSERBASE|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|' +
		'LD_[A-Z_]+|DYLD_[A-Z_]+|GIT_[A-Z_]+|PAGER|MANPAGER|LESSOPEN|LESSCLOSE|EDITOR|VISUAL|BROWSER|SSH_ASKPASS|SUDO_ASKPASS|' +
		'CARGO_[A-Z_]+|RUSTC_WRAPPER|RUSTC|GOFLAGS|CC|CXX|MAKEFLAGS|SHELL)$',
	'i',
);

/** Why assigning the variable `name` asks, in plain words; undefined for a variable that changes nothing a command runs. */
export function environmentAsks(name: string): string | undefined {
	return hijackingVariables.test(name) ? `sets ${name}, which changes what programs read and run` : undefined;
}

/**
 * Why an assignment of a statement (`NAME=value`, `a[1]=x`, as written) asks: it sets a variable that
 * changes what programs do, or is no assignment to bash at all (`1a=1`, which bash runs as a program
 * though both parsers read it as an assignment).
 */
export function assignmentAsks(assignment: string): string | undefined {
	const name = /^[^=[+]*/.exec(assignment)?.[0] ?? '';
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
		return `\`${assignment.split('=')[0]}=…\` is no assignment to bash, which runs it as a program`;
	}
	return environmentAsks(name);
}
