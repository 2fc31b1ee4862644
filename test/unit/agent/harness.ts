/**
 * What the agent tests share: a temporary workspace, the real task engine on a temporary storage folder,
 * the fake API, a session wired to all three, and checks that hold for every request the session made.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager } from '../../../src/background';
import type { Logger } from '../../../src/common/logger';
import { createModelClient, type ModelClient } from '../../../src/agent/modelClient';
import { AgentSession, DEFAULT_AGENT_SETTINGS, type AgentSessionOptions, type AgentSettings } from '../../../src/agent/session';
import type { AgentTool, ApproveCommand } from '../../../src/agent/tools/types';
import { NodeWorkspaceFiles } from '../../../src/agent/workspace';
import type { ChatItem, HostToWebview, ToolCallView } from '../../../src/shared/protocol';
import { blocksOf, lastMessage, lastToolResults, startFakeAnthropic, text, toolResultText, type FakeAnthropic, type RecordedRequest, type WireBlock } from '../../fixtures/fakeAnthropic';

/** The key tests send; never a real one. */
export const TEST_API_KEY = 'sk-ant-test-not-a-real-key';

export class TestLogger implements Logger {
	readonly lines: string[] = [];
	trace(message: string): void {
		this.lines.push(`trace ${message}`);
	}
	debug(message: string): void {
		this.lines.push(`debug ${message}`);
	}
	info(message: string): void {
		this.lines.push(`info ${message}`);
	}
	warn(message: string): void {
		this.lines.push(`warn ${message}`);
	}
	error(message: string | Error): void {
		this.lines.push(`error ${String(message)}`);
	}
}

export function makeTempDir(prefix: string): string {
	return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export interface HarnessOptions {
	readonly settings?: Partial<AgentSettings>;
	readonly approve?: ApproveCommand;
	readonly tools?: readonly AgentTool[];
	readonly maxRetries?: number;
}

/** One workspace, task engine, fake API and session; `dispose()` ends them all. */
export class Harness {
	readonly workspace = makeTempDir('meanwhile-agent-ws-');
	readonly storage = makeTempDir('meanwhile-agent-store-');
	readonly logger = new TestLogger();
	readonly tasks: TaskManager;
	readonly files: NodeWorkspaceFiles;
	readonly emitted: HostToWebview[] = [];
	settings: AgentSettings;
	session!: AgentSession;
	fake!: FakeAnthropic;
	client!: ModelClient;

	private constructor(private readonly _options: HarnessOptions) {
		this.settings = { ...DEFAULT_AGENT_SETTINGS, model: 'claude-test', maxTokens: 1024, ...(_options.settings ?? {}) };
		this.tasks = new TaskManager({
			storageDir: this.storage,
			defaultCwd: this.workspace,
			getSettings: () => ({ ...DEFAULT_BACKGROUND_SETTINGS, killGraceSeconds: 1 }),
			logger: this.logger,
		});
		this.files = new NodeWorkspaceFiles([this.workspace]);
	}

	static async create(options: HarnessOptions = {}): Promise<Harness> {
		const harness = new Harness(options);
		harness.fake = await startFakeAnthropic();
		harness.client = createModelClient({ apiKey: TEST_API_KEY, baseUrl: harness.fake.url, maxRetries: options.maxRetries ?? 2, logger: harness.logger });
		harness.session = harness.newSession();
		return harness;
	}

	/** The options a session of this harness is made with (also for `AgentSession.restore`). */
	sessionOptions(overrides: Partial<AgentSessionOptions> = {}): AgentSessionOptions {
		return {
			model: () => this.client,
			tasks: this.tasks,
			files: this.files,
			getSettings: () => this.settings,
			systemPrompt: 'You are a test agent.',
			logger: this.logger,
			textFlushMs: 5,
			...(this._options.approve ? { approve: this._options.approve } : {}),
			...(this._options.tools ? { tools: this._options.tools } : {}),
			...overrides,
		};
	}

	newSession(overrides: Partial<AgentSessionOptions> = {}): AgentSession {
		const session = new AgentSession(this.sessionOptions(overrides));
		session.onDidEmit((message) => this.emitted.push(message));
		return session;
	}

	get requests(): RecordedRequest[] {
		return this.fake.requests;
	}

	items(): readonly ChatItem[] {
		return this.session.snapshot().items;
	}

	toolCards(): ToolCallView[] {
		const cards: ToolCallView[] = [];
		for (const item of this.items()) {
			if (item.kind === 'assistant') {
				for (const block of item.blocks) {
					if (block.kind === 'tool') {
						cards.push(block);
					}
				}
			}
		}
		return cards;
	}

	async dispose(): Promise<void> {
		this.session.dispose();
		this.tasks.dispose();
		await this.fake.close();
		fs.rmSync(this.workspace, { recursive: true, force: true });
		fs.rmSync(this.storage, { recursive: true, force: true });
	}
}

/** The text of the request's tool results, in order. */
export function results(request: RecordedRequest): string[] {
	return lastToolResults(request).map(toolResultText);
}

/** A reply function that checks the tool results of the request, then answers with text. */
export function expectResults(check: (results: string[], request: RecordedRequest) => void, answer = 'ok'): (request: RecordedRequest) => ReturnType<typeof text> {
	return (request) => {
		check(results(request), request);
		return text(answer);
	};
}

export function isNotice(block: WireBlock): boolean {
	return block.type === 'text' && (block.text ?? '').includes('<task-notice ');
}

/** The task notices the request's last message carries. */
export function notices(request: RecordedRequest): WireBlock[] {
	return blocksOf(lastMessage(request)).filter(isNotice);
}

function noticeIds(requests: readonly RecordedRequest[]): string[] {
	return requests.flatMap((request) =>
		notices(request).map((block) => /<task-notice id="([^"]+)"/.exec(block.text ?? '')?.[1] ?? '?'),
	);
}

/** The notices each request was the first to carry (a request repeats the earlier ones in its history). */
export function deliveredIds(harness: Harness): string[] {
	return noticeIds(harness.requests.filter((request) => lastMessage(request).role === 'user'));
}

/** Fails with the first error a reply function threw (an assertion about a request). */
export function assertNoReplyErrors(fake: FakeAnthropic): void {
	if (fake.replyErrors.length > 0) {
		throw fake.replyErrors[0] instanceof Error ? fake.replyErrors[0] : new Error(String(fake.replyErrors[0]));
	}
}

/** The rules every request must keep, checked on all the requests a test made. */
export function assertValidRequests(requests: readonly RecordedRequest[]): void {
	for (const request of requests) {
		const where = `request ${request.index}`;
		const messages = request.body.messages;
		assert.ok(messages.length > 0, `${where}: no messages`);
		assert.equal(messages[0].role, 'user', `${where}: starts with ${messages[0].role}`);
		assert.equal(messages[messages.length - 1].role, 'user', `${where}: ends with an assistant message`);
		for (let index = 0; index < messages.length; index++) {
			const message = messages[index];
			const blocks = blocksOf(message);
			assert.ok(blocks.length > 0, `${where}: message ${index} is empty`);
			for (const block of blocks) {
				if (block.type === 'text') {
					assert.ok((block.text ?? '') !== '', `${where}: message ${index} has an empty text block`);
				}
			}
			if (index > 0) {
				assert.notEqual(message.role, messages[index - 1].role, `${where}: messages ${index - 1} and ${index} are both ${message.role}`);
			}
			if (message.role === 'user') {
				// tool_result blocks first, notices after them.
				const firstOther = blocks.findIndex((block) => block.type !== 'tool_result');
				if (firstOther !== -1) {
					assert.ok(
						blocks.slice(firstOther).every((block) => block.type !== 'tool_result'),
						`${where}: message ${index} has a tool_result after other content`,
					);
				}
				const previous = messages[index - 1];
				const calls = previous ? blocksOf(previous).filter((block) => block.type === 'tool_use').map((block) => block.id) : [];
				const results = blocks.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id);
				assert.deepEqual([...results].sort(), [...calls].sort(), `${where}: message ${index} does not answer exactly the calls before it`);
			}
		}
	}
}

/** Resolves when the predicate holds, polling. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'a condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		}
		await delay(10);
	}
}

export function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The end of each test: after a passing test, no reply function threw and every request was valid (roles
 * alternate, no dangling tool_use); after a failing one those would only hide its message, so they are
 * printed instead. The harness is disposed either way.
 */
export async function checkAndDispose(context: Mocha.Context, harness: Harness): Promise<void> {
	try {
		if (context.currentTest?.state === 'failed') {
			harness.fake.replyErrors.forEach((error) => console.error('A reply function threw:', error));
		} else {
			assertNoReplyErrors(harness.fake);
			assertValidRequests(harness.requests);
		}
	} finally {
		await harness.dispose();
	}
}
