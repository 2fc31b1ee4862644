/**
 * Tools of the editor the agent runs in (in VS Code, `vscode.lm.tools`: VS Code's own, other extensions',
 * those of the user's MCP servers) offered to the model beside Meanwhile's own. The host says which the
 * user chose and runs them; this side makes them something the Messages API accepts (a name of its
 * alphabet that clashes with no other, an object schema at the top), asks the approval policy before
 * each call, and turns every failure into an error result the model can read.
 */
import { errorMessage } from '../../common/errors';
import { isRecord } from '../../common/guards';
import { ellipsize } from '../../common/text';
import type { ForeignObjectSchema, ToolDefinition } from '../messages';
import { TOOLS_FOR_OTHER_AGENTS } from './forOtherAgents';
import { capOutput } from './output';
import type { AgentTool, ApprovalResult, ToolResult } from './types';
import { approvalUnlessStopped, firstLine } from './types';

/** A tool as the host describes it. */
export interface HostToolInfo {
	/** Its name in the host (`vscode.lm.tools`). */
	readonly name: string;
	readonly description: string;
	/** Its JSON schema as the host has it; undefined when it takes no input. */
	readonly inputSchema: unknown;
}

/** What the host does for its tools (src/vscode implements it over `vscode.lm`). */
export interface HostTools {
	/** The tools the user chose to offer, as they are now: read before every request (tools come and go, settings change). */
	list(): readonly HostToolInfo[];
	/** The approval policy on a call: a rule decides, or the user on the call's card (`toolUseId`). */
	approve(name: string, input: Readonly<Record<string, unknown>>, toolUseId: string, signal: AbortSignal): Promise<ApprovalResult>;
	/** Runs the tool; resolves with its result as text, rejects with why it failed (also when it is gone). */
	invoke(name: string, input: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string>;
}

/** The names the Messages API accepts for a tool. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NAME_LENGTH = 64;

/** Meanwhile's own tools as others see them, also behind an MCP server's prefix (`mcp_meanwhile_meanwhile_background_run`). */
export function isMeanwhilesOwnTool(name: string): boolean {
	return TOOLS_FOR_OTHER_AGENTS.some((tool) => name === tool.name || name.endsWith(`_${tool.name}`));
}

/** A host tool's schema as the API takes it, or why it cannot be sent. */
export function toObjectSchema(schema: unknown): { readonly schema: ForeignObjectSchema } | { readonly problem: string } {
	if (schema === undefined || schema === null) {
		return { schema: { type: 'object', properties: {} } };
	}
	if (!isRecord(schema)) {
		return { problem: 'its input schema is not a JSON object' };
	}
	for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
		if (keyword in schema) {
			return { problem: `its input schema has ${keyword} at the top, which the Messages API does not take` };
		}
	}
	if (schema.type !== undefined && schema.type !== 'object') {
		return { problem: `its input schema is of type ${JSON.stringify(schema.type)}; the Messages API takes only "object" at the top` };
	}
	let copy: unknown;
	try {
		// A plain JSON copy: what is sent is what was checked.
		copy = JSON.parse(JSON.stringify(schema));
	} catch (error) {
		return { problem: `its input schema is not JSON (${errorMessage(error)})` };
	}
	return { schema: { ...(copy as Record<string, unknown>), type: 'object' } };
}

/** A name the API accepts, not in `taken`: invalid characters become `_`; a clash gets `vscode_` in front, then a number. */
export function modelNameFor(name: string, taken: ReadonlySet<string>, reserved: ReadonlySet<string>): string {
	const base = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_NAME_LENGTH) || 'tool';
	const candidates = [base, `vscode_${base}`.slice(0, MAX_NAME_LENGTH)];
	for (const candidate of candidates) {
		if (!taken.has(candidate) && !reserved.has(candidate)) {
			return candidate;
		}
	}
	for (let number = 2; ; number++) {
		const suffix = `_${number}`;
		const candidate = `${base.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
		if (!taken.has(candidate) && !reserved.has(candidate)) {
			return candidate;
		}
	}
}

/** One host tool as offered in a request. */
export interface HostToolOffer {
	/** The name the model calls it by. */
	readonly modelName: string;
	readonly info: HostToolInfo;
	readonly definition: ToolDefinition;
}

/**
 * The host's tools as one request offers them: sorted by name (the same list gives the same model names
 * every time), Meanwhile's own left out, those whose schema the API would refuse skipped (logged once each).
 */
export class HostToolOffers {
	private readonly _logged = new Set<string>();

	constructor(
		private readonly _host: HostTools,
		private readonly _log: (line: string) => void,
	) {}

	/** Meanwhile's own tools and, after them, the host's as they are now: what the next request offers, by the model's names. */
	withBuiltIn(builtIn: ReadonlyMap<string, AgentTool>): ReadonlyMap<string, AgentTool> {
		const hostTools = this.current(new Set(builtIn.keys()));
		return hostTools.length === 0 ? builtIn : new Map([...builtIn, ...hostTools.map((tool): [string, AgentTool] => [tool.definition.name, tool])]);
	}

	/** The host's tools for the next request, as agent tools; `builtIn` names are never taken. */
	current(builtIn: ReadonlySet<string>): AgentTool[] {
		let infos: readonly HostToolInfo[];
		try {
			infos = this._host.list();
		} catch (error) {
			this._logOnce(`Could not list the editor's tools: ${errorMessage(error)}`);
			return [];
		}
		return this.offers(infos, builtIn).map((offer) => hostAgentTool(offer, this._host));
	}

	offers(infos: readonly HostToolInfo[], builtIn: ReadonlySet<string>): HostToolOffer[] {
		const taken = new Set<string>();
		const offers: HostToolOffer[] = [];
		for (const info of [...infos].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
			if (isMeanwhilesOwnTool(info.name) || offers.some((offer) => offer.info.name === info.name)) {
				continue;
			}
			const converted = toObjectSchema(info.inputSchema);
			if ('problem' in converted) {
				this._logOnce(`The editor's tool ${info.name} is not offered to the model: ${converted.problem}.`);
				continue;
			}
			const modelName = modelNameFor(info.name, taken, builtIn);
			taken.add(modelName);
			const described = info.description.trim() || `The editor's tool ${info.name}.`;
			const description = modelName === info.name ? described : `${described}\n(The editor calls this tool ${info.name}.)`;
			offers.push({ modelName, info, definition: { name: modelName, description, input_schema: converted.schema } });
		}
		return offers;
	}

	private _logOnce(line: string): void {
		if (!this._logged.has(line)) {
			this._logged.add(line);
			this._log(line);
		}
	}
}

/** The required properties the input lacks (the rest of the schema is the tool's own to check). */
function missingRequired(schema: ForeignObjectSchema, input: Readonly<Record<string, unknown>>): string[] {
	const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
	return required.filter((name) => input[name] === undefined || input[name] === null);
}

function summarizeInput(input: Readonly<Record<string, unknown>>): string {
	const values = Object.values(input);
	if (values.length === 1 && typeof values[0] === 'string') {
		return ellipsize(values[0].replace(/\s+/g, ' ').trim(), 80);
	}
	return values.length === 0 ? '' : ellipsize(JSON.stringify(input), 80);
}

const STOPPED = 'Stopped by the user before this tool call finished.';

/** A host tool as the loop runs it: input checked, approval asked, the call made, every failure an error result. */
export function hostAgentTool(offer: HostToolOffer, host: HostTools): AgentTool {
	const name = offer.info.name;
	const schema = offer.definition.input_schema as ForeignObjectSchema;
	return {
		definition: offer.definition,
		summarize: summarizeInput,
		async run(input, context): Promise<ToolResult> {
			const missing = missingRequired(schema, input);
			if (missing.length > 0) {
				return {
					content: `Invalid input for ${offer.modelName}: ${missing.map((property) => `"${property}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required. The tool did not run.`,
					isError: true,
					summary: 'invalid input',
				};
			}
			context.reportState('awaitingApproval');
			const approval = await approvalUnlessStopped(context.signal, () => host.approve(name, input, context.toolUseId, context.signal));
			if (!approval.allowed) {
				return context.signal.aborted
					? { content: 'Stopped by the user before the tool ran.', isError: true, summary: 'stopped' }
					: { content: `The user did not allow this tool call: ${approval.reason}`, isError: true, denied: true, summary: 'not allowed' };
			}
			context.reportState('running');
			try {
				const text = await host.invoke(name, input, context.signal);
				if (context.signal.aborted) {
					return { content: STOPPED, isError: true, summary: 'stopped' };
				}
				return { content: capOutput(text.length > 0 ? text : '(the tool returned nothing)') };
			} catch (error) {
				if (context.signal.aborted) {
					return { content: STOPPED, isError: true, summary: 'stopped' };
				}
				const message = `The tool ${name} failed: ${errorMessage(error)}`;
				context.logger.warn(message);
				return { content: capOutput(message), isError: true, summary: firstLine(errorMessage(error)) };
			}
		},
	};
}
