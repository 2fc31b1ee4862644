/**
 * Command approval: whether a command line the model wrote may run (`allow`), needs the user's Run /
 * Deny (`ask`), or may not run (`deny`), under the settings `approval.mode`, `approval.allow` and
 * `approval.deny`. Plain Node code: the extension host and the unit tests use it alike.
 *
 * Lines are split by a real shell parser: tree-sitter-bash's syntax tree (through `web-tree-sitter`), with
 * mvdan/sh (`sh-syntax`) as a second, independent judge that must accept the line and read every list
 * and word the split found alike (analyze.ts, confirm.ts). What programs do with their arguments (wrappers,
 * shells, `find -exec`, …) is known in programs/, one module per program or family (programs/knowledge.ts).
 *
 * The extension creates one parser over the wasm files the build copies next to the bundle,
 * `createCommandParser({ wasmDir: __dirname })`, and passes it to {@link evaluateCommand}; without one,
 * the installed packages' wasm files are used (tests, development). {@link evaluateCommand} never
 * rejects: a line it cannot read, or a parser that cannot load, asks. While idle after activation it
 * runs {@link warmUp} on that parser, so that the first decisions do not wait for the WebAssembly to warm.
 *
 * Lines are read as bash, the shell that runs them on Linux and macOS (the sh used where there is no
 * bash accepts less, and reads what it accepts alike for what matters here). On Windows commands run in
 * PowerShell, whose syntax this does not know: there, `auto` should be treated as `ask`.
 */
export { analyzeCommand, type CommandAnalysis, type SubCommand } from './analyze';
export { createCommandParser, defaultCommandParser, ShellParseError, type CommandParser, type CommandParserOptions, type ShellStatement, type SyntaxNode } from './commandParser';
export { evaluateCommand, type ApprovalDecision, type ApprovalMode, type ApprovalPolicy } from './evaluate';
export type { FileRead, FileWrite } from './fileAccess';
export { allowsAnyLine, matchesRule, validateRules, type RuleProblem } from './rules';
export { suggestRule } from './suggest';
export { evaluateToolCall, matchesToolRule, toolRule, TOOL_RULE_PREFIX, type ToolCallDecision, type ToolPolicy } from './toolRules';
export { warmUp } from './warm';
