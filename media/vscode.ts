import type { WebviewToHost } from '../src/shared/protocol';

interface VsCodeApi {
	postMessage(message: unknown): void;
	getState(): unknown;
	setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Sends a message to the extension host. */
export type Post = (message: WebviewToHost) => void;

let api: VsCodeApi | undefined;

/** The webview API (acquired once: VS Code allows only one call per page). */
export function createPost(): Post {
	api ??= acquireVsCodeApi();
	const vscode = api;
	return (message) => vscode.postMessage(message);
}
