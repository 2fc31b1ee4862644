/**
 * Syntax highlighting for code blocks: highlight.js core with only the languages a coding agent
 * commonly shows (keeps the webview bundle small). Pure: returns HTML strings, no DOM.
 */

import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// Registered in this order: a later language's aliases win over an earlier one's.
const LANGUAGES = { typescript, javascript, json, bash, shell, python, css, xml, diff, yaml, markdown, go, rust };
for (const [languageName, language] of Object.entries(LANGUAGES)) {
	hljs.registerLanguage(languageName, language);
}
// Fence names models use that the definitions above do not already alias.
const EXTRA_ALIASES: Record<string, string[]> = {
	json: ['jsonc', 'json5'],
	bash: ['sh', 'zsh', 'shellscript'],
	shell: ['console', 'terminal'],
	typescript: ['tsx', 'mts', 'cts'],
	javascript: ['jsx', 'mjs', 'cjs'],
	xml: ['html', 'svg', 'vue'],
	diff: ['patch'],
};
for (const [languageName, aliases] of Object.entries(EXTRA_ALIASES)) {
	hljs.registerAliases(aliases, { languageName });
}

/** Every name a fence may use → the registered language it stands for. */
const CANONICAL = new Map<string, string>();
for (const registered of hljs.listLanguages()) {
	CANONICAL.set(registered, registered);
	for (const alias of [...(hljs.getLanguage(registered)?.aliases ?? []), ...(EXTRA_ALIASES[registered] ?? [])]) {
		CANONICAL.set(alias.toLowerCase(), registered);
	}
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The registered language a fence name stands for, or undefined. */
export function resolveLanguage(name: string | undefined): string | undefined {
	if (!name) {
		return undefined;
	}
	return CANONICAL.get(name.toLowerCase());
}

/** Beyond this, highlighting costs more than it helps (and the text is shown plain). */
const MAX_HIGHLIGHT_CHARS = 200_000;
const CACHE_LIMIT = 256;
const cache = new Map<string, string>();

/**
 * The code as HTML: highlighted spans (`<span class="hljs-keyword">`…) when the language is known,
 * escaped text otherwise. Results are cached so a finished code block is not re-highlighted while a
 * later part of the same reply streams in.
 */
export function highlightCode(code: string, languageName: string | undefined): string {
	const language = languageName ? hljs.getLanguage(languageName.toLowerCase()) : undefined;
	if (!language || code.length > MAX_HIGHLIGHT_CHARS) {
		return escapeHtml(code);
	}
	const key = `${languageName}\u0000${code}`;
	const hit = cache.get(key);
	if (hit !== undefined) {
		// Refresh recency.
		cache.delete(key);
		cache.set(key, hit);
		return hit;
	}
	let html: string;
	try {
		html = hljs.highlight(code, { language: languageName!.toLowerCase(), ignoreIllegals: true }).value;
	} catch {
		html = escapeHtml(code);
	}
	cache.set(key, html);
	if (cache.size > CACHE_LIMIT) {
		const oldest = cache.keys().next().value;
		if (oldest !== undefined) {
			cache.delete(oldest);
		}
	}
	return html;
}
