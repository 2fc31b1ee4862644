/** Narrowing of untrusted values (JSON from disk, messages across the webview boundary). Pure: no Node, no DOM. */

/** A plain object (not null, not an array): what JSON objects parse to. */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
