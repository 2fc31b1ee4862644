/**
 * What a tool is to the loop: a definition for the model, a one-line summary for its card, and `run`,
 * which validates the input against the tool's own schema before executing.
 */
import type { Logger } from '../../common/logger';
import type { TaskService } from '../../background/types';
import type { JsonSchema, ToolDefinition } from '../messages';
import type { WorkspaceFiles } from '../workspace';
import { errorMessage } from '../../common/errors';
import { ellipsize } from '../../common/text';

export type ApprovalResult = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Asked before a command runs (bash, background_run); `toolUseId` ties the question to the call's card. The default allows everything. */
export type ApproveCommand = (toolName: string, command: string, toolUseId?: string, signal?: AbortSignal) => Promise<ApprovalResult>;

export const allowAll: ApproveCommand = () => Promise.resolve({ allowed: true });

/** Asks for approval, but gives up (not allowed) if the turn is stopped while the question is open. */
export function askApproval(context: ToolContext, toolName: string, command: string): Promise<ApprovalResult> {
	return approvalUnlessStopped(context.signal, () => context.approve(toolName, command, context.toolUseId, context.signal));
}

/** The answer of `ask`, or not allowed once `signal` aborts (also when the answer came first but after the stop) or `ask` fails. */
export function approvalUnlessStopped(signal: AbortSignal, ask: () => Promise<ApprovalResult>): Promise<ApprovalResult> {
	if (signal.aborted) {
		return Promise.resolve({ allowed: false, reason: 'the user stopped the turn' });
	}
	return new Promise<ApprovalResult>((resolve) => {
		const onAbort = () => resolve({ allowed: false, reason: 'the user stopped the turn' });
		signal.addEventListener('abort', onAbort, { once: true });
		ask().then(
			(result) => {
				signal.removeEventListener('abort', onAbort);
				// A stop that came while the user was answering wins: nothing starts after Stop.
				resolve(signal.aborted ? { allowed: false, reason: 'the user stopped the turn' } : result);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				resolve({ allowed: false, reason: `approval failed: ${errorMessage(error)}` });
			},
		);
	});
}

/**
 * The approval step of a command tool: the card waits for the user (or the rules decide). Returns the
 * tool's result when the command may not run, undefined when it may (the card then shows it running).
 */
export async function approveCommand(context: ToolContext, toolName: string, command: string): Promise<ToolResult | undefined> {
	context.reportState('awaitingApproval');
	const approval = await askApproval(context, toolName, command);
	if (!approval.allowed && context.signal.aborted) {
		return { content: 'Stopped by the user before the command started.', isError: true, summary: 'stopped' };
	}
	if (!approval.allowed) {
		return { content: `The user did not allow this command: ${approval.reason}`, isError: true, denied: true, summary: 'not allowed' };
	}
	context.reportState('running');
	return undefined;
}

export interface ToolContext {
	/** The id of the tool call being run (its card in the chat). */
	readonly toolUseId: string;
	readonly tasks: TaskService;
	readonly files: WorkspaceFiles;
	/** Aborted when the user stops the turn. */
	readonly signal: AbortSignal;
	/** How long `bash` waits before leaving the command running in the background. */
	readonly bashTimeoutSeconds: number;
	/** Where commands run; the task engine's default when absent. */
	readonly cwd?: string;
	/** The conversation whose agent calls the tool: tasks it starts belong to it, and their notices reach it only. */
	readonly conversationId: string;
	/**
	 * Set when another agent in VS Code calls (a Language Model Tool): who, as the tree shows it. Tasks
	 * it starts are of origin `tool`, belong to no conversation and send no notice, so results tell it
	 * to wait with the wait tool instead.
	 */
	readonly outsideCaller?: string;
	readonly logger: Logger;
	approve: ApproveCommand;
	/** The tool returns this finished task's result itself: its notice must not reach the model again. */
	markDelivered(taskId: string): void;
	/** The call started or concerns this task: its card shows the task's live status. */
	linkTask(taskId: string): void;
	/** The call waits for the user's approval, or runs. */
	reportState(state: 'awaitingApproval' | 'running'): void;
	/** Where `background_output` last stopped reading this task in this conversation (bytes of output; undefined: never read). */
	outputCursor(taskId: string): number | undefined;
	setOutputCursor(taskId: string, cursor: number): void;
}

export interface ToolResult {
	/** The text the model receives (already capped). */
	readonly content: string;
	readonly isError?: boolean;
	/** The user refused the command. */
	readonly denied?: boolean;
	/** One line for the card. */
	readonly summary?: string;
}

export interface AgentTool {
	readonly definition: ToolDefinition;
	/** One line for the card: the command, the path, the task id. */
	summarize(input: Readonly<Record<string, unknown>>): string;
	/** Validates, then executes. Never rejects: a failure is an error result. */
	run(input: Readonly<Record<string, unknown>>, context: ToolContext): Promise<ToolResult>;
}

export interface ToolSpec<Input> {
	readonly name: string;
	readonly description: string;
	readonly inputSchema: JsonSchema & { readonly type: 'object' };
	summarize(input: Input): string;
	execute(input: Input, context: ToolContext): Promise<ToolResult>;
}

/** Builds a tool whose `execute` only ever sees input that passed its schema. */
export function defineTool<Input>(spec: ToolSpec<Input>): AgentTool {
	return {
		definition: { name: spec.name, description: spec.description, input_schema: spec.inputSchema },
		summarize(input) {
			// The summary is shown before validation too (a card appears as the call streams in).
			return validateInput(spec.inputSchema, input) === undefined ? spec.summarize(input as Input) : '';
		},
		async run(input, context) {
			const problem = validateInput(spec.inputSchema, input);
			if (problem !== undefined) {
				return { content: `Invalid input for ${spec.name}: ${problem}`, isError: true, summary: 'invalid input' };
			}
			try {
				// null counts as absent (validation allows it for optional fields), so `execute` never sees it.
				return await spec.execute(withoutNulls(input) as Input, context);
			} catch (error) {
				const message = errorMessage(error);
				context.logger.warn(`Tool ${spec.name} failed: ${message}`);
				return { content: message, isError: true, summary: firstLine(message) };
			}
		},
	};
}

/**
 * Checks the input against the tool's schema: required properties, the types of the known ones, enums,
 * bounds, nested objects, and unknown properties where the schema refuses them. Returns what is wrong, or undefined.
 */
export function validateInput(schema: JsonSchema, input: unknown): string | undefined {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return 'the input must be a JSON object.';
	}
	const problems: string[] = [];
	checkObject(schema, input as Record<string, unknown>, '', problems);
	return problems.length === 0 ? undefined : `${problems.join('; ')}.`;
}

function checkObject(schema: JsonSchema, record: Record<string, unknown>, prefix: string, problems: string[]): void {
	for (const name of schema.required ?? []) {
		if (record[name] === undefined || record[name] === null) {
			problems.push(`"${prefix}${name}" is required`);
		}
	}
	const properties = schema.properties ?? {};
	for (const [name, property] of Object.entries(properties)) {
		const value = record[name];
		if (value !== undefined && value !== null) {
			checkValue(`${prefix}${name}`, property, value, problems);
		}
	}
	if (schema.additionalProperties === false) {
		const known = Object.keys(properties);
		for (const name of Object.keys(record)) {
			if (!Object.prototype.hasOwnProperty.call(properties, name)) {
				problems.push(`"${prefix}${name}" is not an option here (the options are ${known.map((key) => `"${prefix}${key}"`).join(', ')})`);
			}
		}
	}
}

function checkValue(name: string, schema: JsonSchema, value: unknown, problems: string[]): void {
	if (!hasType(value, schema.type)) {
		problems.push(`"${name}" must be ${article(schema.type)} ${schema.type}, not ${describeType(value)}`);
		return;
	}
	if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
		problems.push(`"${name}" must be ${schema.enum.map((allowed) => JSON.stringify(allowed)).join(' or ')}, not ${JSON.stringify(value)}`);
	}
	if (typeof value === 'number') {
		if (schema.minimum !== undefined && value < schema.minimum) {
			problems.push(`"${name}" must be at least ${schema.minimum}, not ${value}`);
		}
		if (schema.maximum !== undefined && value > schema.maximum) {
			problems.push(`"${name}" must be at most ${schema.maximum}, not ${value}`);
		}
	}
	if (schema.type === 'object') {
		checkObject(schema, value as Record<string, unknown>, `${name}.`, problems);
	}
}

/** The object without its null properties, nested objects too. */
function withoutNulls(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(record)) {
		if (value === null) {
			continue;
		}
		result[key] = typeof value === 'object' && !Array.isArray(value) ? withoutNulls(value as Record<string, unknown>) : value;
	}
	return result;
}

function hasType(value: unknown, type: JsonSchema['type']): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'boolean':
			return typeof value === 'boolean';
		case 'object':
			return typeof value === 'object' && value !== null && !Array.isArray(value);
	}
}

function article(type: string): string {
	return /^[aeiou]/.test(type) ? 'an' : 'a';
}

function describeType(value: unknown): string {
	if (Array.isArray(value)) {
		return 'an array';
	}
	if (typeof value === 'number' && !Number.isInteger(value)) {
		return 'a fractional number';
	}
	return article(typeof value) + ' ' + typeof value;
}

export function firstLine(text: string, max = 120): string {
	const line = text.split('\n', 1)[0].trim();
	return ellipsize(line, max);
}
