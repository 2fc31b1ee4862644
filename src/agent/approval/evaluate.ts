/**
 * The decision for one command line under the `approval.*` settings. In order:
 * 1. `never`: deny (no command runs).
 * 2. A deny rule matching any sub-command (its text, the whole command around a wrapper, the program and
 *    arguments with quotes removed and the program's folder dropped, the command once global options are
 *    set aside), every value a word known only when the line runs could take, or a file a redirection
 *    writes: deny. A line that could not be parsed is denied when a deny rule could match any reading of it.
 * 3. `ask`: ask.
 * 4. `auto`: allow when every sub-command matches an allow rule, every write is allowed by a rule that
 *    names it, every file read is in the workspace, and the line holds no always-ask construct;
 *    otherwise ask, naming in plain words what was not allowed.
 *
 * Always-ask constructs, reads outside the workspace and unparseable lines: in `auto` they ask, except
 * under an allow rule that allows any line, i.e. a regular expression matching the whole line and anything
 * else (`/.*\/`, `/[\s\S]*\/`; see {@link allowsAnyLine}). Such a rule is how "`auto` with `["/.*\/"]` runs
 * every command unasked" holds (for automation and tests). A regular expression written for some lines
 * only, such as `/^npm .*\/`, never covers them: it still has to match each sub-command, and an
 * unparseable line asks.
 */
import { analyzeCommand, type SubCommand } from './analyze';
import { defaultCommandParser, type CommandParser } from './commandParser';
import type { FileWrite } from './fileAccess';
import { allowsAnyLine, couldMatchRule, couldMatchUnreadLine, matchesRule } from './rules';
import type { ApprovalMode } from '../../shared/protocol';
import { suggestRule } from './suggest';
import { unknownPart } from './words';
import { readAsks } from './workspacePaths';

export type { ApprovalMode };

export interface ApprovalPolicy {
	readonly mode: ApprovalMode;
	/** Rules (prefixes or `/regex/flags`) for sub-commands `auto` runs unasked. Non-strings are ignored. */
	readonly allow?: readonly unknown[];
	/** Rules for sub-commands that never run, whatever the mode or the allow rules. */
	readonly deny?: readonly unknown[];
	/** The workspace folders (absolute paths): reads outside them ask. Commands run in the first. */
	readonly workspaceFolders?: readonly string[];
}

export interface ApprovalDecision {
	readonly decision: 'allow' | 'ask' | 'deny';
	/** Why, in plain words, for the approval card and logs. */
	readonly reasons: readonly string[];
	/** The texts of the sub-commands the line runs (empty when it could not be parsed, or under `never`). */
	readonly subCommands: readonly string[];
	/**
	 * What "Always Allow" adds to `approval.allow`: one prefix rule per sub-command (and write) not yet
	 * allowed, such that with them added `auto` runs this line unasked. Empty when no such set exists: the
	 * line could not be parsed, holds an always-ask construct or a read outside the workspace, or has a
	 * sub-command no prefix would fit (`node -e …`).
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
	const bare = subCommand.bare !== undefined ? [subCommand.bare] : [];
	return [subCommand.text, ...wrapper, ...bare, [subCommand.name, ...subCommand.args].join(' '), [program, ...subCommand.args].join(' ')];
}

function denies(subCommand: SubCommand, rule: string): boolean {
	return deniableTexts(subCommand).some((text) => matchesRule(text, rule)) || (subCommand.pattern !== undefined && couldMatchRule(subCommand.pattern, rule, unknownPart));
}

/** Whether a rule allows the write: it matches the write itself, or the command only with the redirection written. */
function writeAllowed(write: FileWrite, allow: readonly string[]): boolean {
	return allow.some(
		(rule) => matchesRule(write.text, rule) || (write.within !== undefined && matchesRule(write.within, rule) && !matchesRule(write.bare ?? '', rule)),
	);
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
		const denyRule = deny.find((rule) => couldMatchUnreadLine(line, rule));
		if (denyRule !== undefined) {
			const reason = `denied by approval.deny rule \`${denyRule}\`: it could match a part of this line, which could not be read for sure (the whole line was checked; ${analysis.reason})`;
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
		const rule = deny.find((candidate) => denies(subCommand, candidate));
		if (rule !== undefined) {
			const how = subCommand.pattern !== undefined && !deniableTexts(subCommand).some((text) => matchesRule(text, rule)) ? ' (a part known only when it runs could make it match)' : '';
			denials.push(`denied by approval.deny rule \`${rule}\`: \`${subCommand.text}\`${how}`);
		}
	}
	for (const write of analysis.writes) {
		const rule = deny.find((candidate) => matchesRule(write.text, candidate));
		if (rule !== undefined) {
			denials.push(`denied by approval.deny rule \`${rule}\`: writes ${write.target} through a redirection`);
		}
	}
	if (denials.length > 0) {
		return { decision: 'deny', reasons: denials, subCommands, allowRules: [] };
	}

	const allowedBy = (subCommand: SubCommand) =>
		allow.find((rule) => matchesRule(subCommand.text, rule) || (subCommand.bare !== undefined && matchesRule(subCommand.bare, rule)));
	const notAllowed = analysis.subCommands.filter((subCommand) => allowedBy(subCommand) === undefined);
	const writesNotAllowed = analysis.writes.filter((write) => !writeAllowed(write, allow));
	const outsideReads = analysis.reads.map((read) => readAsks(read, policy.workspaceFolders)).filter((reason): reason is string => reason !== undefined);
	// What no rule but one allowing any line covers.
	const alwaysAsk = [...analysis.alwaysAsk, ...outsideReads];
	const allowRules = suggestions(notAllowed, writesNotAllowed, alwaysAsk.length > 0);
	const constructs = [...new Set(alwaysAsk)].map((reason) => `always asks: ${reason}`);
	const writeReasons = writesNotAllowed.map((write) => `writes ${write.target} through a redirection`);

	if (!auto) {
		return { decision: 'ask', reasons: [...constructs, ...writeReasons, ...subCommands.map((text) => `runs \`${text}\``)], subCommands, allowRules };
	}
	const anyLine = alwaysAsk.length > 0 || writesNotAllowed.length > 0 ? allow.find((rule) => allowsAnyLine(line, rule)) : undefined;
	if ((alwaysAsk.length > 0 && anyLine === undefined) || notAllowed.length > 0 || (writesNotAllowed.length > 0 && anyLine === undefined)) {
		const reasons = [
			...(anyLine === undefined ? [...constructs, ...writeReasons] : []),
			...notAllowed.map((subCommand) => `not allowed by approval.allow: \`${subCommand.text}\``),
		];
		return { decision: 'ask', reasons, subCommands, allowRules };
	}
	const reasons = analysis.subCommands.map((subCommand) => `allowed by approval.allow rule \`${allowedBy(subCommand) ?? ''}\`: \`${subCommand.text}\``);
	if (anyLine !== undefined && (constructs.length > 0 || writeReasons.length > 0)) {
		reasons.unshift(`approval.allow rule \`${anyLine}\` allows any line, so these run unasked: ${[...constructs, ...writeReasons].join('; ')}`);
	}
	return { decision: 'allow', reasons, subCommands, allowRules: [] };
}

/** One rule per sub-command and write not yet allowed, deduplicated; none unless all of them get one. */
function suggestions(notAllowed: readonly SubCommand[], writes: readonly FileWrite[], alwaysAsk: boolean): string[] {
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
	for (const write of writes) {
		// The write exactly as it is written: a rule for one file, not for writes in general.
		if (/['"\\$`]/.test(write.text)) {
			return [];
		}
		if (!rules.includes(write.text)) {
			rules.push(write.text);
		}
	}
	return rules;
}
