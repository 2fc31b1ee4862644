/**
 * What the approval tests share: analysing a line that must parse, the table of constructs that always
 * ask, invocations for program modules, and a walk of a line under a registry of the test's choosing.
 */
import * as assert from 'node:assert/strict';
import { analyzeCommand, defaultCommandParser, type CommandAnalysis, type SubCommand } from '../../../../src/agent/approval';
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
