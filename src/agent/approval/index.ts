/**
 * Command approval: whether a command line the model wrote may run (`allow`), needs the user's Run /
 * Deny (`ask`), or may not run (`deny`), under the settings `approval.mode`, `approval.allow` and
 * `approval.deny`. Plain Node code: the extension host and the unit tests use it alike.
 *
 * The extension creates one parser over the wasm that the build copies next to the bundle:
 * `createCommandParser({ wasmPath: path.join(__dirname, 'sh-syntax.wasm') })`, and passes it to
 * {@link evaluateCommand}; without one, the installed package's wasm is used (tests, development).
 * {@link evaluateCommand} never rejects: a line it cannot read, or a parser that cannot load, asks.
 *
 * Lines are read as bash, the shell that runs them on Linux and macOS (the sh used where there is no
 * bash accepts less, and reads what it accepts alike for what matters here). On Windows commands run in
 * PowerShell, whose syntax this does not know: there, `auto` should be treated as `ask`.
 */
export { analyzeCommand, type CommandAnalysis, type SubCommand } from './analyze';
export { createCommandParser, defaultCommandParser, ShellParseError, type CommandParser, type CommandParserOptions } from './commandParser';
export { evaluateCommand, type ApprovalDecision, type ApprovalMode, type ApprovalPolicy } from './evaluate';
export { allowsAnyLine, matchesRule, validateRules, type RuleProblem } from './rules';
export { suggestRule } from './suggest';
