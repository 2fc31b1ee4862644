/**
 * Markdown for replies from the model. The text is untrusted: raw HTML is off (it renders as text),
 * only http(s)/mailto and scheme-less links become hrefs, and images are shown as links (a remote
 * image in model output could carry data out of the conversation). Pure: returns HTML strings.
 */

import MarkdownIt, { type Env, type MarkdownIt as MarkdownItInstance, type Token } from 'markdown-it';
import { escapeHtml, highlightCode, resolveLanguage } from './highlight';

const SCHEME_RE = /^([a-z][a-z0-9+.-]*):/i;
const ALLOWED_SCHEMES = new Set(['http', 'https', 'mailto']);
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/**
 * Whether a link from model output may be offered to the host to open: http, https and mailto links,
 * and links without a scheme (a file path, an anchor), which the host resolves and checks itself.
 */
export function isSafeHref(href: string | null | undefined): href is string {
	if (typeof href !== 'string') {
		return false;
	}
	const trimmed = href.trim();
	if (trimmed.length === 0 || trimmed.length > 8192 || CONTROL_RE.test(trimmed)) {
		return false;
	}
	const scheme = SCHEME_RE.exec(trimmed);
	if (!scheme) {
		return true;
	}
	return ALLOWED_SCHEMES.has(scheme[1].toLowerCase());
}

/** What a click on a link in a reply posts to the host, or undefined when it posts nothing. */
export function linkMessage(href: string | null | undefined): { type: 'openLink'; href: string } | undefined {
	return isSafeHref(href) ? { type: 'openLink', href: href.trim() } : undefined;
}

function createMarkdown(): MarkdownItInstance {
	const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
	// Only links with a scheme: file names such as README.md or setup.py would otherwise become
	// http://README.md (.md and .py are country domains).
	md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
	md.validateLink = (url: string) => isSafeHref(url);

	const rules = md.renderer.rules;
	rules.fence = (tokens, idx) => {
		const token = tokens[idx];
		const info = token.info ? md.utils.unescapeAll(token.info).trim() : '';
		const name = info.split(/\s+/)[0] ?? '';
		return codeBlockHtml(token.content, name);
	};
	rules.code_block = (tokens, idx) => codeBlockHtml(tokens[idx].content, '');

	const defaultLinkOpen = rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
	rules.link_open = (tokens, idx, options, env, self) => {
		const token = tokens[idx];
		const href = token.attrGet('href');
		if (typeof href === 'string' && href && token.attrGet('title') == null) {
			token.attrSet('title', href);
		}
		token.attrSet('rel', 'noopener noreferrer');
		return defaultLinkOpen(tokens, idx, options, env, self);
	};

	rules.image = (tokens, idx, options, env, self) => {
		const token = tokens[idx];
		const src = String(token.attrGet('src') ?? '');
		const alt = self.renderInlineAsText(token.children ?? [], options, env) || src;
		const label = `<span class="codicon codicon-file-media" aria-hidden="true"></span>${escapeHtml(alt)}`;
		return isSafeHref(src) && src
			? `<a class="image-link" href="${escapeHtml(src)}" title="${escapeHtml(src)}" rel="noopener noreferrer">${label}</a>`
			: `<span class="image-link">${label}</span>`;
	};

	const defaultTableOpen = rules.table_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
	rules.table_open = (tokens, idx, options, env, self) => `<div class="table-wrap">${defaultTableOpen(tokens, idx, options, env, self)}`;
	const defaultTableClose = rules.table_close ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
	rules.table_close = (tokens, idx, options, env, self) => `${defaultTableClose(tokens, idx, options, env, self)}</div>`;
	return md;
}

const LANGUAGE_CLASS_RE = /[^\w+#.-]/g;

/** A code block with its header: the language and a Copy code button (handled by the view). */
export function codeBlockHtml(code: string, languageName: string): string {
	const language = resolveLanguage(languageName);
	const label = languageName.replace(LANGUAGE_CLASS_RE, '').slice(0, 40);
	const body = highlightCode(code, language);
	const codeClass = language ? `hljs language-${language}` : 'hljs';
	return (
		'<div class="code-block">' +
		'<div class="code-header">' +
		`<span class="code-lang">${escapeHtml(label)}</span>` +
		'<button type="button" class="code-copy" aria-label="Copy code" title="Copy code">' +
		'<span class="codicon codicon-copy" aria-hidden="true"></span><span class="code-copy-text"></span>' +
		'</button>' +
		'</div>' +
		`<pre><code class="${codeClass}">${body}</code></pre>` +
		'</div>\n'
	);
}

let instance: MarkdownItInstance | undefined;

function markdown(): MarkdownItInstance {
	instance ??= createMarkdown();
	return instance;
}

/** Renders untrusted Markdown to HTML. */
export function renderMarkdown(text: string): string {
	return renderMarkdownBlocks(text).join('');
}

/**
 * Renders untrusted Markdown to one HTML string per top-level block (paragraph, list, code block,
 * table …). While a reply streams, only the last blocks change, so the view replaces only those.
 */
export function renderMarkdownBlocks(text: string): string[] {
	return renderBlocks(typeof text === 'string' ? text : '', {}).map((block) => block.html);
}

interface RenderedBlock {
	html: string;
	/** The line after the block's last line, in the text that was rendered. */
	endLine: number;
}

function renderBlocks(text: string, env: Env): RenderedBlock[] {
	const md = markdown();
	let tokens: Token[];
	try {
		tokens = md.parse(text, env);
	} catch {
		return text ? [{ html: `<p>${escapeHtml(text)}</p>`, endLine: Number.MAX_SAFE_INTEGER }] : [];
	}
	const blocks: RenderedBlock[] = [];
	let start = 0;
	let depth = 0;
	for (let i = 0; i < tokens.length; i++) {
		depth += tokens[i].nesting;
		if (depth <= 0 || i === tokens.length - 1) {
			depth = 0;
			let html: string;
			try {
				html = md.renderer.render(tokens.slice(start, i + 1), md.options, env);
			} catch {
				html = '';
			}
			blocks.push({ html, endLine: tokens[start].map?.[1] ?? Number.MAX_SAFE_INTEGER });
			start = i + 1;
		}
	}
	return blocks;
}

/** Character offset of the start of line `line` (0-based) in `text`, or -1 past the end. */
function offsetOfLine(text: string, line: number): number {
	let offset = 0;
	for (let i = 0; i < line; i++) {
		const next = text.indexOf('\n', offset);
		if (next < 0) {
			return -1;
		}
		offset = next + 1;
	}
	return offset;
}

/** How many trailing blocks stay live (re-parsed) while a reply streams. */
const LIVE_BLOCKS = 2;

/**
 * Renders a reply that grows by appends. Blocks followed by at least {@link LIVE_BLOCKS} others can
 * no longer change (a later line cannot join them), so they are frozen and only the text after them
 * is parsed again: the cost of a frame stays that of the last blocks, not of the whole reply.
 * When the reply is complete, render it once more with {@link renderMarkdownBlocks}.
 */
export class StreamingMarkdown {
	private frozenText = '';
	private frozenParts: string[] = [];
	private env: Env = {};

	render(text: string): string[] {
		if (!text.startsWith(this.frozenText)) {
			this.reset();
		}
		const tail = text.slice(this.frozenText.length);
		const blocks = renderBlocks(tail, this.env);
		const live = blocks.length - LIVE_BLOCKS;
		// (Line numbers are counted on \n only: with a lone \r they could point elsewhere.)
		if (live > 0 && !tail.includes('\r')) {
			const offset = offsetOfLine(tail, blocks[live - 1].endLine);
			if (offset > 0) {
				this.frozenParts.push(...blocks.slice(0, live).map((block) => block.html));
				this.frozenText = text.slice(0, this.frozenText.length + offset);
				return this.frozenParts.concat(blocks.slice(live).map((block) => block.html));
			}
		}
		return this.frozenParts.concat(blocks.map((block) => block.html));
	}

	/** How much of the text is frozen (rendered for good). */
	get frozenLength(): number {
		return this.frozenText.length;
	}

	reset(): void {
		this.frozenText = '';
		this.frozenParts = [];
		this.env = {};
	}
}
