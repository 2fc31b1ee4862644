/**
 * What the approval tests share: analysing a line that must parse, the table of constructs that always
 * ask, invocations for program modules, and a walk of a line under a registry of the test's choosing.
 */
import * as assert from 'node:assert/strict';
import {
	analyzeCommand,
	defaultCommandParser,
	evaluateCommand,
	type ApprovalDecision,
	type ApprovalPolicy,
	type CommandAnalysis,
	type SubCommand,
} from '../../../../src/agent/approval';
import { Findings } from '../../../../src/agent/approval/findings';
import type { Argument, Invocation } from '../../../../src/agent/approval/programs/knowledge';
import type { ProgramRegistry } from '../../../../src/agent/approval/programs/registry';
import { namedChildren } from '../../../../src/agent/approval/syntax';
import { Walker } from '../../../../src/agent/approval/walker';

export async function analyzed(line: string): Promise<Extract<CommandAnalysis, { ok: true }>> {
	const analysis = await analyzeCommand(line);
	assert.ok(analysis.ok, `expected \`${line}\` to parse, got: ${analysis.ok ? '' : analysis.reason}`);
	return analysis;
}

export async function texts(line: string): Promise<string[]> {
	return (await analyzed(line)).subCommands.map((subCommand) => subCommand.text);
}

/** What the construct is, a line holding it, the reason expected and, where it matters, the sub-commands. */
export type AskCase = readonly [what: string, line: string, reason: RegExp, subCommands?: readonly string[]];

/** One test per case: the line parses, some reason matches, and the sub-commands are those given. */
export function itAsks(cases: readonly AskCase[]): void {
	for (const [what, line, reason, subCommands] of cases) {
		it(`asks for ${what}: ${line.replace(/\n/g, '⏎')}`, async () => {
			const analysis = await analyzed(line);
			assert.ok(
				analysis.alwaysAsk.some((text) => reason.test(text)),
				`no reason matching ${String(reason)} in ${JSON.stringify(analysis.alwaysAsk)}`,
			);
			if (subCommands) {
				assert.deepEqual(analysis.subCommands.map((subCommand) => subCommand.text), subCommands);
			}
		});
	}
}

/**
 * The rules a real user sets, as in the issue that asked for approvals to hold against an attacker: the
 * classes of attacks are tried against them.
 */
export const userPolicy: ApprovalPolicy = {
	mode: 'auto',
	allow: ['git status', 'git diff', 'git log', 'ls', 'cat', 'echo', 'grep', 'find', 'npm test', 'npm run lint', 'node --version', '/^pwd$/'],
	deny: ['rm', 'git push'],
	workspaceFolders: ['/work/project'],
};

/** A line, the decision expected under {@link userPolicy}, and (for asks and denies) a reason expected among the reasons. */
export type DecisionCase = readonly [line: string, decision: ApprovalDecision['decision'], reason?: RegExp];

/** One test per case, under {@link userPolicy} (or `policy`). */
export function itDecides(cases: readonly DecisionCase[], policy: ApprovalPolicy = userPolicy): void {
	for (const [line, decision, reason] of cases) {
		it(`${decision}s ${line.replace(/\n/g, '⏎')}`, async () => {
			const result = await evaluateCommand(line, policy);
			assert.equal(result.decision, decision, `${line}: ${JSON.stringify(result.reasons)}`);
			if (reason) {
				assert.ok(
					result.reasons.some((text) => reason.test(text)),
					`no reason matching ${String(reason)} in ${JSON.stringify(result.reasons)}`,
				);
			}
		});
	}
}

/** An argument written as plain text: its value is its text. */
export function literal(text: string): Argument {
	return { text, value: text, literal: true };
}

/** `program` called with plain arguments. */
export function invocation(program: string, ...args: readonly string[]): Invocation {
	return { program, args: args.map(literal) };
}

/** What the walk of `line`'s statements finds under `programs` (no confirmation by mvdan/sh). */
export async function walked(line: string, programs: ProgramRegistry): Promise<{ readonly subCommands: readonly SubCommand[]; readonly alwaysAsk: readonly string[] }> {
	return defaultCommandParser().tree(line, (root, parseMore) => {
		const findings = new Findings();
		const walker = new Walker(findings, parseMore, new Map(), programs);
		namedChildren(root).forEach((statement) => walker.statement(statement));
		return { subCommands: [...findings.subCommands], alwaysAsk: [...findings.alwaysAsk] };
	});
}
