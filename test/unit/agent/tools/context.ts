/**
 * What the tests of single tools share: a temporary workspace, the real task engine on a temporary
 * storage folder, and a fake {@link ToolContext} that records what a tool reported.
 */
import * as fs from 'node:fs';
import { DEFAULT_BACKGROUND_SETTINGS, TaskManager } from '../../../../src/background';
import type { ToolContext } from '../../../../src/agent/tools/types';
import { NodeWorkspaceFiles } from '../../../../src/agent/workspace';
import { makeTempDir, TestLogger } from '../harness';

export class ToolBench {
	readonly workspace = makeTempDir('meanwhile-tools-ws-');
	readonly storage = makeTempDir('meanwhile-tools-store-');
	readonly tasks = new TaskManager({
		storageDir: this.storage,
		defaultCwd: this.workspace,
		getSettings: () => ({ ...DEFAULT_BACKGROUND_SETTINGS, killGraceSeconds: 1 }),
		logger: new TestLogger(),
	});
	/** Tasks a tool marked delivered (their end is in its result). */
	readonly delivered: string[] = [];
	/** Tasks a tool linked to its card. */
	readonly linked: string[] = [];
	/** Where background_output stopped reading each task. */
	readonly cursors = new Map<string, number>();
	/** The stop of the turn the tools run in. */
	readonly controller = new AbortController();

	context(overrides: Partial<ToolContext> = {}): ToolContext {
		return {
			toolUseId: 'toolu_test',
			tasks: this.tasks,
			files: new NodeWorkspaceFiles([this.workspace]),
			signal: this.controller.signal,
			bashTimeoutSeconds: 5,
			conversationId: 'conversation-test',
			logger: new TestLogger(),
			approve: () => Promise.resolve({ allowed: true }),
			markDelivered: (id) => this.delivered.push(id),
			linkTask: (id) => this.linked.push(id),
			reportState: () => undefined,
			outputCursor: (id) => this.cursors.get(id),
			setOutputCursor: (id, cursor) => {
				this.cursors.set(id, cursor);
			},
			...overrides,
		};
	}

	dispose(): void {
		this.tasks.dispose();
		fs.rmSync(this.workspace, { recursive: true, force: true });
		fs.rmSync(this.storage, { recursive: true, force: true });
	}
}

/** A fresh bench for each test of the enclosing `describe`; returns what gives the current one. */
export function useToolBench(): () => ToolBench {
	let bench: ToolBench | undefined;
	beforeEach(() => {
		bench = new ToolBench();
	});
	afterEach(() => {
		bench?.dispose();
		bench = undefined;
	});
	return () => {
		if (!bench) {
			throw new Error('The tool bench exists only while a test runs.');
		}
		return bench;
	};
}
