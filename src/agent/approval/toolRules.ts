/**
 * The approval policy on calls to the editor's tools (`meanwhile.tools.fromVSCode`). Rules name a tool in
 * `approval.allow` / `approval.deny` as `tool:` followed by its name (`tool:vscode_listCodeUsages`) or a
 * `/regex/` on its name (`tool:/^mcp_github_/`). Only such rules apply to tools and they apply to nothing
 * else: a catch-all command rule such as `/.*\/` does not let a tool run unasked, and no command rule can
 * refuse one by accident.
 *
 * - `never`: no tool of the editor runs (Meanwhile cannot tell which ones only read);
 * - a deny rule names it: refused, in every mode;
 * - `auto` and an allow rule names it: runs unasked;
 * - otherwise the call's card asks (Run / Always Allow, which adds `tool:<name>`, / Deny).
 */
import type { ApprovalDecision, ApprovalPolicy } from './evaluate';
import { matchesRule } from './rules';

export const TOOL_RULE_PREFIX = 'tool:';

/** The settings that decide a tool call: the commands' own (only their `tool:` rules apply). */
export type ToolPolicy = Pick<ApprovalPolicy, 'mode' | 'allow' | 'deny'>;

/** As for a command; "Always Allow" adds `tool:<name>`. */
export type ToolCallDecision = Pick<ApprovalDecision, 'decision' | 'reasons' | 'allowRules'>;

/** The rule that names this tool, written as Always Allow adds it. */
export function toolRule(name: string): string {
	return `${TOOL_RULE_PREFIX}${name}`;
}

/** Whether `rule` is a tool rule that names `name`. */
export function matchesToolRule(name: string, rule: unknown): boolean {
	if (typeof rule !== 'string') {
		return false;
	}
	const trimmed = rule.trim();
	// Tool names hold no spaces, so a prefix rule (rules.ts) matches a name only when it is the whole name.
	return trimmed.startsWith(TOOL_RULE_PREFIX) && trimmed.length > TOOL_RULE_PREFIX.length && matchesRule(name, trimmed.slice(TOOL_RULE_PREFIX.length));
}

export function evaluateToolCall(name: string, policy: ToolPolicy): ToolCallDecision {
	const rule = toolRule(name);
	if (policy.mode === 'never') {
		return { decision: 'deny', reasons: ['meanwhile.approval.mode is "never": no tool of the editor runs.'], allowRules: [] };
	}
	const deny = (policy.deny ?? []).find((candidate) => matchesToolRule(name, candidate));
	if (deny !== undefined) {
		return { decision: 'deny', reasons: [`The rule ${JSON.stringify(deny)} in meanwhile.approval.deny names this tool.`], allowRules: [] };
	}
	const allowed = (policy.allow ?? []).some((candidate) => matchesToolRule(name, candidate));
	if (policy.mode === 'auto' && allowed) {
		return { decision: 'allow', reasons: [], allowRules: [] };
	}
	const what = `${name} is a tool of VS Code, another extension or an MCP server: Meanwhile cannot tell what it does.`;
	const why = policy.mode === 'ask' ? 'meanwhile.approval.mode is "ask".' : `No rule in meanwhile.approval.allow names it (${rule} would).`;
	return { decision: 'ask', reasons: [what, why], allowRules: [rule] };
}
