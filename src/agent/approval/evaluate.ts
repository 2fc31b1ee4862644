/**
 * The decision for one command line under the `approval.*` settings. In order:
 * 1. `never`: deny (no command runs).
 * 2. A deny rule matching any sub-command (its text, the whole command around a wrapper, or the program
 *    and arguments with quotes removed and the program's folder dropped): deny. A line that could not be
 *    parsed is checked as a whole instead.
 * 3. `ask`: ask.
 * 4. `auto`: allow when every sub-command matches an allow rule and the line holds no always-ask
 *    construct; otherwise ask, naming what was not allowed.
 *
 * Always-ask constructs and unparseable lines: in `auto` they ask, except under an allow rule that
 * allows any line, i.e. a regular expression matching the whole line and anything else (`/.*\/`,
 * `/[\s\S]*\/`; see {@link allowsAnyLine}). Such a rule is how "`auto` with `["/.*\/"]` runs every
 * command unasked" holds (for automation and tests). A regular expression written for some lines only,
 * such as `/^npm .*\/`, never covers them: it still has to match each sub-command, and an unparseable
 * line asks.
 */
import { analyzeCommand, type SubCommand } from './analyze';
import { defaultCommandParser, type CommandParser } from './commandParser';
import { allowsAnyLine, matchesRule } from './rules';
import type { ApprovalMode } from '../../shared/protocol';
import { suggestRule } from './suggest';

export type { ApprovalMode };

export interface ApprovalPolicy {
	readonly mode: ApprovalMode;
	/** Rules (prefixes or `/regex/flags`) for sub-commands `auto` runs unasked. Non-strings are ignored. */
	readonly allow?: readonly unknown[];
	/** Rules for sub-commands that never run, whatever the mode or the allow rules. */
	readonly deny?: readonly unknown[];
}

export interface ApprovalDecision {
	readonly decision: 'allow' | 'ask' | 'deny';
	/** Why, for the approval card and logs. */
	readonly reasons: readonly string[];
	/** The texts of the sub-commands the line runs (empty when it could not be parsed, or under `never`). */
	readonly subCommands: readonly string[];
	/**
	 * What "Always Allow" adds to `approval.allow`: one prefix rule per sub-command not yet allowed, such
	 * that with them added `auto` runs this line unasked. Empty when no such set exists: the line could not
	 * be parsed, holds an always-ask construct, or has a sub-command no prefix would fit (`node -e …`).
	 */
	readonly allowRules: readonly string[];
}

function rulesOf(rules: readonly unknown[] | undefined): string[] {
	return (rules ?? []).filter((rule): rule is string => typeof rule === 'string');
}

/** The texts deny rules are checked against for one sub-command. */
function deniableTexts(subCommand: SubCommand): string[] {
	const program = subCommand.name.slice(subCommand.name.lastIndexOf('/') + 1);
	const wrapper = subCommand.wrapper !== undefined ? [subCommand.wrapper] : [];
	return [subCommand.text, ...wrapper, [subCommand.name, ...subCommand.args].join(' '), [program, ...subCommand.args].join(' ')];
}

export async function evaluateCommand(line: string, policy: ApprovalPolicy, parser: CommandParser = defaultCommandParser()): Promise<ApprovalDecision> {
	if (policy.mode === 'never') {
		return { decision: 'deny', reasons: ['approval.mode is never: the agent may not run commands'], subCommands: [], allowRules: [] };
	}
	// An unknown mode (a hand-edited setting) is treated as the safe one.
	const auto = policy.mode === 'auto';
	const allow = rulesOf(policy.allow);
	const deny = rulesOf(policy.deny);
	const analysis = await analyzeCommand(line, parser);

	if (!analysis.ok) {
		const denyRule = deny.find((rule) => matchesRule(line, rule));
		if (denyRule !== undefined) {
			const reason = `denied by approval.deny rule \`${denyRule}\` (checked against the whole line: ${analysis.reason})`;
			return { decision: 'deny', reasons: [reason], subCommands: [], allowRules: [] };
		}
		const anyLine = auto ? allow.find((rule) => allowsAnyLine(line, rule)) : undefined;
		if (anyLine !== undefined) {
			return { decision: 'allow', reasons: [`allowed by approval.allow rule \`${anyLine}\`, which allows any line (${analysis.reason})`], subCommands: [], allowRules: [] };
		}
		return { decision: 'ask', reasons: [analysis.reason], subCommands: [], allowRules: [] };
	}

	const subCommands = analysis.subCommands.map((subCommand) => subCommand.text);
	const denials: string[] = [];
	for (const subCommand of analysis.subCommands) {
		const rule = deny.find((candidate) => deniableTexts(subCommand).some((text) => matchesRule(text, candidate)));
		if (rule !== undefined) {
			denials.push(`denied by approval.deny rule \`${rule}\`: \`${subCommand.text}\``);
		}
	}
	if (denials.length > 0) {
		return { decision: 'deny', reasons: denials, subCommands, allowRules: [] };
	}

	const allowedBy = (subCommand: SubCommand) => allow.find((rule) => matchesRule(subCommand.text, rule));
	const notAllowed = analysis.subCommands.filter((subCommand) => allowedBy(subCommand) === undefined);
	const allowRules = suggestions(notAllowed, analysis.alwaysAsk.length > 0);
	const constructs = analysis.alwaysAsk.map((reason) => `always asks: ${reason}`);

	if (!auto) {
		return { decision: 'ask', reasons: [...constructs, ...subCommands.map((text) => `runs \`${text}\``)], subCommands, allowRules };
	}
	const anyLine = analysis.alwaysAsk.length > 0 ? allow.find((rule) => allowsAnyLine(line, rule)) : undefined;
	if ((analysis.alwaysAsk.length > 0 && anyLine === undefined) || notAllowed.length > 0) {
		const reasons = [...(anyLine === undefined ? constructs : []), ...notAllowed.map((subCommand) => `not allowed by approval.allow: \`${subCommand.text}\``)];
		return { decision: 'ask', reasons, subCommands, allowRules };
	}
	const reasons = analysis.subCommands.map((subCommand) => `allowed by approval.allow rule \`${allowedBy(subCommand) ?? ''}\`: \`${subCommand.text}\``);
	if (anyLine !== undefined) {
		reasons.unshift(`approval.allow rule \`${anyLine}\` allows any line, so these run unasked: ${analysis.alwaysAsk.join('; ')}`);
	}
	return { decision: 'allow', reasons, subCommands, allowRules: [] };
}

/** One rule per sub-command not yet allowed, deduplicated; none unless all of them get one. */
function suggestions(notAllowed: readonly SubCommand[], alwaysAsk: boolean): string[] {
	if (alwaysAsk) {
		return [];
	}
	const rules: string[] = [];
	for (const subCommand of notAllowed) {
		const rule = suggestRule(subCommand);
		if (rule === undefined) {
			return [];
		}
		if (!rules.includes(rule)) {
			rules.push(rule);
		}
	}
	return rules;
}
