import * as vscode from 'vscode';
import { BackgroundSettings, DEFAULT_BACKGROUND_SETTINGS } from '../background/types';
import { APPROVAL_MODES, isOneOf, type ApprovalMode } from '../shared/protocol';

export const SECTION = 'meanwhile';

function positiveNumber(value: unknown, fallback: number, min = 0): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

/** The `meanwhile.background.*` settings, read fresh each time (changes apply to the next task). */
export function readBackgroundSettings(): BackgroundSettings {
	const config = vscode.workspace.getConfiguration(SECTION);
	return {
		maxConcurrent: Math.floor(positiveNumber(config.get('background.maxConcurrent'), DEFAULT_BACKGROUND_SETTINGS.maxConcurrent, 1)),
		killGraceSeconds: positiveNumber(config.get('background.killGraceSeconds'), DEFAULT_BACKGROUND_SETTINGS.killGraceSeconds),
		memoryBufferBytes: Math.floor(positiveNumber(config.get('background.memoryBufferBytes'), DEFAULT_BACKGROUND_SETTINGS.memoryBufferBytes, 4096)),
		logMaxBytes: Math.floor(positiveNumber(config.get('background.logMaxBytes'), DEFAULT_BACKGROUND_SETTINGS.logMaxBytes, 4096)),
		timeoutSeconds: positiveNumber(config.get('background.timeoutSeconds'), DEFAULT_BACKGROUND_SETTINGS.timeoutSeconds),
	};
}

export function notifyWhenHidden(): boolean {
	return vscode.workspace.getConfiguration(SECTION).get<boolean>('background.notifyWhenHidden', true);
}

/** The default model: a current Claude Sonnet. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** Offered by "Select Model…" when the API's model list cannot be had. */
export const KNOWN_MODELS: readonly string[] = ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5', 'claude-sonnet-5', 'claude-opus-5', 'claude-sonnet-4-6', 'claude-opus-4-8', 'claude-haiku-4-5'];

export interface ChatSettings {
	readonly model: string;
	readonly maxTokens: number;
	readonly bashTimeoutSeconds: number;
	readonly autoContinue: boolean;
	readonly autoContinueMaxTurns: number;
}

export function readChatSettings(): ChatSettings {
	const config = vscode.workspace.getConfiguration(SECTION);
	const model = config.get<string>('model', DEFAULT_MODEL);
	return {
		model: typeof model === 'string' && model.trim().length > 0 ? model.trim() : DEFAULT_MODEL,
		maxTokens: Math.floor(positiveNumber(config.get('maxTokens'), 8192, 1)),
		bashTimeoutSeconds: positiveNumber(config.get('bash.timeoutSeconds'), 120, 1),
		autoContinue: applicationValue<boolean>('autoContinue') ?? true,
		autoContinueMaxTurns: Math.floor(positiveNumber(applicationValue<number>('autoContinueMaxTurns'), 3, 0)),
	};
}

/**
 * An application-scoped setting from the user's settings only: a cloned repository's workspace settings
 * must not change where the key goes or what runs unasked.
 */
export function applicationValue<T>(key: string): T | undefined {
	const inspected = vscode.workspace.getConfiguration(SECTION).inspect<T>(key);
	return inspected?.globalValue ?? inspected?.defaultValue;
}

/** `meanwhile.baseUrl`, else ANTHROPIC_BASE_URL, else undefined (the SDK's default). */
export function readBaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
	const configured = applicationValue<string>('baseUrl')?.trim();
	if (configured) {
		return configured;
	}
	const fromEnv = env.ANTHROPIC_BASE_URL?.trim();
	return fromEnv ? fromEnv : undefined;
}

export interface ApprovalSettings {
	readonly mode: ApprovalMode;
	readonly allow: readonly string[];
	readonly deny: readonly string[];
}

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string' && entry.trim().length > 0) : [];
}

/** `approval.*`, from the user's settings only (application scope): a cloned repository cannot loosen them. */
export function readApprovalSettings(): ApprovalSettings {
	const mode = applicationValue<string>('approval.mode');
	return {
		mode: isOneOf(APPROVAL_MODES, mode) ? mode : 'ask',
		allow: stringList(applicationValue('approval.allow')),
		deny: stringList(applicationValue('approval.deny')),
	};
}

/** `mcpServer.enabled`, from the user's settings only: a cloned repository cannot open a server. */
export function mcpServerEnabled(): boolean {
	return applicationValue<boolean>('mcpServer.enabled') === true;
}
