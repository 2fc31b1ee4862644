// @ts-check
'use strict';
/**
 * Chat rendering, in headless Chromium through playwright-core:
 * `node scripts/bench/chat.js '<json options>'` (see {@link main}), one JSON line of results.
 *
 * A tiny HTTP server on 127.0.0.1 serves two pages with the same stylesheets and a stub of
 * `acquireVsCodeApi`: "ours" loads dist/webview.js into `#root` as VS Code does; "plain" renders the
 * same texts as plain `<p>` elements. Both receive the host's protocol messages via window.postMessage.
 * - render: a `state` with 1000 items; time until all 1000 are in the DOM and a frame has been drawn.
 * - stream: `textDelta`s at 2000 tokens/s (about 4 characters a token) for 5 s into a streaming reply
 *   at the end of that conversation; long tasks (> 50 ms) from PerformanceObserver('longtask').
 * The page-side code is kept in strings: it runs in the browser, not in this Node process.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { reportResult, summarizeProfile } = require('./util');

/** Measurement helpers of both pages: long tasks, frames, the vscode API stub, render and stream drivers. */
const HARNESS = String.raw`
(() => {
	const bench = (window.__bench = { longTasks: [], posted: [], frames: [] });
	try {
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
		}).observe({ type: 'longtask', buffered: true });
		bench.longTaskSupported = true;
	} catch (error) {
		bench.longTaskSupported = false;
	}
	window.acquireVsCodeApi = () => ({ postMessage: (message) => bench.posted.push(message), getState: () => undefined, setState: () => undefined });
	const frameLoop = () => {
		bench.frames.push(performance.now());
		requestAnimationFrame(frameLoop);
	};
	requestAnimationFrame(frameLoop);
	const summary = (from, to) => {
		const tasks = bench.longTasks.filter((task) => task.start + task.duration >= from && task.start <= to);
		const frames = bench.frames.filter((time) => time >= from && time <= to);
		let maxFrameGap = 0;
		for (let index = 1; index < frames.length; index++) maxFrameGap = Math.max(maxFrameGap, frames[index] - frames[index - 1]);
		return {
			longTasks: tasks.length,
			longestTaskMs: tasks.reduce((longest, task) => Math.max(longest, task.duration), 0),
			longTaskMsTotal: tasks.reduce((sum, task) => sum + task.duration, 0),
			frames: frames.length,
			maxFrameGapMs: maxFrameGap,
		};
	};
	// Items drawn so far, counted from mutations (cheap): elements carrying data-item-id added or removed.
	const countItems = (records, counter) => {
		for (const record of records) {
			for (const node of record.addedNodes) if (node.nodeType === 1 && node.hasAttribute('data-item-id')) counter.count++;
			for (const node of record.removedNodes) if (node.nodeType === 1 && node.hasAttribute('data-item-id')) counter.count--;
		}
	};
	bench.render = (state, expected) =>
		new Promise((resolve) => {
			const counter = { count: 0 };
			const started = performance.now();
			let domAt;
			const observer = new MutationObserver((records) => {
				countItems(records, counter);
				if (domAt === undefined && counter.count >= expected) {
					domAt = performance.now();
					observer.disconnect();
					// The first frame with all of them: style, layout and paint included.
					requestAnimationFrame(() =>
						setTimeout(() => {
							const doneAt = performance.now();
							setTimeout(() => resolve({ domMs: domAt - started, frameMs: doneAt - started, items: document.querySelectorAll('[data-item-id]').length, lazyItems: document.querySelectorAll('.lazy').length, ...summary(started, doneAt) }), 100);
						}, 0),
					);
				}
			});
			observer.observe(document.getElementById('root'), { childList: true, subtree: true });
			window.postMessage({ type: 'state', state }, '*');
		});
	// batchMs > 0: the tokens due are sent together every batchMs, as the host coalesces them; 0: one message per token.
	bench.stream = (itemId, tokens, tokensPerSecond, marker, batchMs) =>
		new Promise((resolve) => {
			window.postMessage({ type: 'busy', busy: true }, '*');
			window.postMessage({ type: 'itemAdded', item: { kind: 'assistant', id: itemId, blocks: [{ kind: 'text', text: '' }], streaming: true } }, '*');
			setTimeout(() => {
				const started = performance.now();
				bench.messages = 0;
				let sent = 0;
				const tick = () => {
					const due = Math.min(tokens.length, Math.floor(((performance.now() - started) * tokensPerSecond) / 1000));
					if (batchMs > 0) {
						if (due > sent) {
							window.postMessage({ type: 'textDelta', itemId, blockIndex: 0, delta: tokens.slice(sent, due).join('') }, '*');
							bench.messages = (bench.messages || 0) + 1;
							sent = due;
						}
					} else {
						while (sent < due) {
							window.postMessage({ type: 'textDelta', itemId, blockIndex: 0, delta: tokens[sent++] }, '*');
							bench.messages = (bench.messages || 0) + 1;
						}
					}
					if (sent < tokens.length) {
						setTimeout(tick, batchMs > 0 ? batchMs : 4);
						return;
					}
					const lastSentAt = performance.now();
					const element = () => document.querySelector('[data-item-id="' + itemId + '"]');
					const waitShown = () => {
						const el = element();
						if (el && el.textContent.includes(marker)) {
							const shownAt = performance.now();
							window.postMessage({ type: 'itemUpdated', item: { kind: 'assistant', id: itemId, blocks: [{ kind: 'text', text: tokens.join('') }], streaming: false } }, '*');
							window.postMessage({ type: 'busy', busy: false }, '*');
							setTimeout(() => {
								resolve({
									messages: bench.messages,
									sendMs: lastSentAt - started,
									lagMs: shownAt - lastSentAt,
									tokens: tokens.length,
									chars: tokens.join('').length,
									...summary(started, shownAt),
								});
							}, 200);
							return;
						}
						if (performance.now() - lastSentAt > 20000) {
							resolve({ sendMs: lastSentAt - started, lagMs: NaN, error: 'the streamed text never appeared', ...summary(started, performance.now()) });
							return;
						}
						requestAnimationFrame(waitShown);
					};
					waitShown();
				};
				tick();
			}, 200);
		});
})();
`;

/** The baseline's renderer: the same messages, drawn as plain text in `<p>` elements. */
const PLAIN_RENDERER = String.raw`
(() => {
	const root = document.getElementById('root');
	const paragraphs = new Map();
	let scrollQueued = false;
	const textOf = (item) => {
		switch (item.kind) {
			case 'user': return item.text;
			case 'assistant': return item.blocks.map((block) => (block.kind === 'text' ? block.text : block.name + ': ' + block.summary)).join('\n');
			case 'notice': return item.task.id + ' ' + item.task.command + ' ' + item.task.status;
			default: return item.text || item.message || '';
		}
	};
	const paragraph = (item) => {
		const p = document.createElement('p');
		p.setAttribute('data-item-id', item.id);
		p.style.whiteSpace = 'pre-wrap';
		p.append(document.createTextNode(textOf(item)));
		paragraphs.set(item.id, p);
		return p;
	};
	window.addEventListener('message', (event) => {
		const message = event.data;
		if (message.type === 'state') {
			paragraphs.clear();
			const fragment = document.createDocumentFragment();
			for (const item of message.state.items) fragment.append(paragraph(item));
			root.replaceChildren(fragment);
			root.lastElementChild && root.lastElementChild.scrollIntoView();
		} else if (message.type === 'itemAdded') {
			root.append(paragraph(message.item));
		} else if (message.type === 'textDelta') {
			const p = paragraphs.get(message.itemId);
			if (p) p.firstChild.appendData(message.delta);
			// Follow the end at most once a frame, as any streaming view must.
			if (!scrollQueued) {
				scrollQueued = true;
				requestAnimationFrame(() => {
					scrollQueued = false;
					root.lastElementChild && root.lastElementChild.scrollIntoView();
				});
			}
		} else if (message.type === 'itemUpdated') {
			const p = paragraphs.get(message.item.id);
			if (p) p.firstChild.data = textOf(message.item);
		}
	});
})();
`;

/**
 * @param {'ours' | 'plain' | 'ours-readable'} kind ours-readable: the webview built without minifying, for profiles with names
 */
function pageHtml(kind) {
	const app = kind === 'ours' ? '<script src="/dist/webview.js"></script>' : kind === 'ours-readable' ? '<script src="/readable/webview.js"></script>' : '<script src="/plain.js"></script>';
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/dist/codicons/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/dist/webview.css">
<title>Meanwhile bench</title>
</head>
<body>
<div id="root"></div>
<script src="/harness.js"></script>
${app}
</body>
</html>`;
}

/**
 * Serves the two pages and dist/ on 127.0.0.1.
 * @param {string} distDir
 * @param {string | undefined} readableWebview an unminified build of the webview, for the profiled run
 * @returns {Promise<{ url: string, close(): void }>}
 */
function serve(distDir, readableWebview) {
	/** @type {Record<string, string>} */
	const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.json': 'application/json' };
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		/** @type {string | Buffer | undefined} */
		let body;
		let type = 'text/plain';
		if (url.pathname === '/ours.html' || url.pathname === '/plain.html' || url.pathname === '/ours-readable.html') {
			body = pageHtml(/** @type {'ours' | 'plain' | 'ours-readable'} */ (url.pathname.slice(1, -'.html'.length)));
			type = types['.html'];
		} else if (url.pathname === '/readable/webview.js' && readableWebview) {
			body = fs.readFileSync(readableWebview);
			type = types['.js'];
		} else if (url.pathname === '/harness.js') {
			body = HARNESS;
			type = types['.js'];
		} else if (url.pathname === '/plain.js') {
			body = PLAIN_RENDERER;
			type = types['.js'];
		} else if (url.pathname.startsWith('/dist/')) {
			const file = path.join(distDir, ...url.pathname.slice('/dist/'.length).split('/').filter((part) => part !== '..' && part !== ''));
			if (file.startsWith(distDir) && fs.existsSync(file) && fs.statSync(file).isFile()) {
				body = fs.readFileSync(file);
				type = types[path.extname(file)] ?? 'application/octet-stream';
			}
		}
		if (body === undefined) {
			response.writeHead(404).end();
			return;
		}
		response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const address = /** @type {import('node:net').AddressInfo} */ (server.address());
			resolve({ url: `http://127.0.0.1:${address.port}`, close: () => server.close() });
		});
	});
}

// ---------------------------------------------------------------------------------------------------
// The conversation
// ---------------------------------------------------------------------------------------------------

const CODE_SAMPLES = [
	[
		'```ts',
		'export async function retry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {',
		'\tlet lastError: unknown;',
		'\tfor (let attempt = 1; attempt <= attempts; attempt++) {',
		'\t\ttry {',
		'\t\t\treturn await work();',
		'\t\t} catch (error) {',
		'\t\t\tlastError = error;',
		'\t\t\tawait new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));',
		'\t\t}',
		'\t}',
		'\tthrow lastError;',
		'}',
		'```',
	].join('\n'),
	['```bash', 'npm run build && npm test -- --grep "task manager"', 'git diff --stat HEAD~1', 'for f in src/*.ts; do wc -l "$f"; done', '```'].join('\n'),
	[
		'```json',
		'{',
		'  "name": "sample-workspace",',
		'  "scripts": { "build": "node build.js", "test": "node slow-test.js", "dev": "node server.js" },',
		'  "engines": { "node": ">=20" }',
		'}',
		'```',
	].join('\n'),
	[
		'```python',
		'def parse(lines):',
		'    result = {}',
		'    for line in lines:',
		'        key, _, value = line.partition("=")',
		'        result[key.strip()] = value.strip()',
		'    return result',
		'```',
	].join('\n'),
];

/**
 * @param {number} index
 */
function assistantMarkdown(index) {
	const parts = [
		`Step ${index}: I looked at **src/module${index % 37}.ts** and found that \`handle${index}()\` is called twice when the watcher restarts.`,
		`- The first call comes from \`onDidChange\`\n- The second from the timer in [the scheduler](https://example.com/docs/${index})\n- Both end in \`flush()\``,
	];
	if (index % 3 === 0) {
		parts.push(CODE_SAMPLES[index % CODE_SAMPLES.length]);
	}
	if (index % 4 === 1) {
		parts.push(`| file | lines | status |\n| --- | --- | --- |\n| a${index}.ts | ${index * 3} | ok |\n| b${index}.ts | ${index * 7} | changed |`);
	}
	parts.push(`So the fix is to debounce the second call. I will run the tests again to check (attempt ${index}).`);
	return parts.join('\n\n');
}

/**
 * A conversation of `count` items: questions, replies in Markdown (code blocks, lists, tables, tool
 * calls) and task notices, deterministic.
 * @param {number} count
 */
function conversation(count) {
	/** @type {unknown[]} */
	const items = [];
	/** @type {unknown[]} */
	const tasks = [];
	for (let index = 0; index < count; index++) {
		const id = `item-${index}`;
		if (index % 10 === 9) {
			const task = { id: `bg-${index}`, command: `npm test -- --shard ${index}`, status: index % 20 === 9 ? 'failed' : 'succeeded', exitCode: index % 20 === 9 ? 1 : 0, durationSeconds: 12 + (index % 50) };
			tasks.push(task);
			items.push({ kind: 'notice', id, task });
		} else if (index % 2 === 0) {
			items.push({ kind: 'user', id, text: `Question ${index}: why does the build step ${index % 13} run twice when I save a file in the watcher? Please check and fix it.`, attachments: [] });
		} else {
			/** @type {unknown[]} */
			const blocks = [{ kind: 'text', text: assistantMarkdown(index) }];
			if (index % 5 === 1) {
				blocks.push({
					kind: 'tool',
					toolUseId: `toolu_${index}`,
					name: 'bash',
					summary: `npm run build -- --filter module${index}`,
					input: JSON.stringify({ command: `npm run build -- --filter module${index}` }, null, 2),
					state: 'done',
					resultSummary: 'exit code 0',
					result: `built module${index} in 1.${index % 10} s`,
				});
				blocks.push({ kind: 'text', text: 'The build passes now.' });
			}
			items.push({ kind: 'assistant', id, blocks, streaming: false });
		}
	}
	return {
		conversationId: 'bench-conversation',
		title: 'Benchmark conversation',
		items,
		busy: false,
		hasApiKey: true,
		model: 'claude-sonnet-5-5',
		usage: { inputTokens: 1000, outputTokens: 1000, cacheReadTokens: 0, cacheWriteTokens: 0 },
		attachments: [],
		tasks,
	};
}

/**
 * A streamed reply: Markdown with paragraphs, lists and code, cut in tokens of about 4 characters.
 * @param {number} count tokens
 * @param {string} marker the last token, to see when everything has been drawn
 */
function streamTokens(count, marker) {
	let text = '';
	for (let index = 0; text.length < count * 4; index++) {
		text += `${assistantMarkdown(index)}\n\n`;
	}
	/** @type {string[]} */
	const tokens = [];
	for (let offset = 0; tokens.length < count - 1; offset += 4) {
		tokens.push(text.slice(offset, offset + 4));
	}
	tokens.push(`\n\n${marker}`);
	return tokens;
}

/**
 * Self time by trace event name on the renderer's main thread (the busiest CrRendererMain), in ms:
 * how a stretch of main-thread time splits into script, style, layout, paint, HTML parsing...
 * @param {{ traceEvents?: { name: string, ph: string, ts: number, dur?: number, pid: number, tid: number, args?: { name?: string } }[] } | any[]} trace
 */
function summarizeTrace(trace) {
	const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? []);
	/** @type {Set<string>} */
	const mainThreads = new Set();
	for (const event of events) {
		if (event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain') {
			mainThreads.add(`${event.pid}:${event.tid}`);
		}
	}
	/** @type {Map<string, typeof events>} */
	const byThread = new Map();
	for (const event of events) {
		const key = `${event.pid}:${event.tid}`;
		if (event.ph === 'X' && typeof event.dur === 'number' && mainThreads.has(key)) {
			const list = byThread.get(key) ?? [];
			list.push(event);
			byThread.set(key, list);
		}
	}
	const busiest = [...byThread.values()].sort((a, b) => b.reduce((sum, event) => sum + (event.dur ?? 0), 0) - a.reduce((sum, event) => sum + (event.dur ?? 0), 0))[0] ?? [];
	busiest.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
	/** @type {Map<string, number>} */
	const self = new Map();
	/** @type {{ end: number, name: string, child: number, dur: number }[]} */
	const stack = [];
	const pop = () => {
		const done = /** @type {{ end: number, name: string, child: number, dur: number }} */ (stack.pop());
		self.set(done.name, (self.get(done.name) ?? 0) + Math.max(0, done.dur - done.child));
	};
	let top = 0;
	for (const event of busiest) {
		while (stack.length > 0 && stack[stack.length - 1].end <= event.ts) {
			pop();
		}
		const dur = event.dur ?? 0;
		if (stack.length > 0) {
			stack[stack.length - 1].child += dur;
		} else {
			top += dur;
		}
		stack.push({ end: event.ts + dur, name: event.name, child: 0, dur });
	}
	while (stack.length > 0) {
		pop();
	}
	return {
		mainThreadMs: top / 1000,
		top: [...self.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 8)
			.map(([name, microseconds]) => ({ name, ms: microseconds / 1000 })),
	};
}

// ---------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------

/**
 * @typedef {{ distDir: string, chromium: string, items: number, renderRuns: number, streamRuns: number, tokensPerSecond: number, streamSeconds: number, profile?: boolean, readableWebview?: string, batchMs: number, perTokenRuns: number }} ChatOptions
 */

/**
 * @param {ChatOptions} options
 */
async function main(options) {
	const { chromium } = require('playwright-core');
	const server = await serve(options.distDir, options.readableWebview);
	const browser = await chromium.launch({
		executablePath: options.chromium,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--headless', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
	});
	const state = conversation(options.items);
	const tokenCount = Math.round(options.tokensPerSecond * options.streamSeconds);
	/** @type {Record<string, any[]>} */
	const results = { renderOurs: [], renderPlain: [], streamOurs: [], streamPlain: [], streamOursPerToken: [] };
	/** @type {string[]} */
	const errors = [];

	/**
	 * A fresh page of one kind, loaded, with the app's `ready` seen (ours).
	 * @param {'ours' | 'plain' | 'ours-readable'} kind
	 */
	async function openPage(kind) {
		const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
		const page = await context.newPage();
		page.on('pageerror', (error) => errors.push(`${kind}: ${error.message}`));
		await page.goto(`${server.url}/${kind}.html`, { waitUntil: 'load' });
		if (kind !== 'plain') {
			await page.waitForFunction('window.__bench.posted.some((message) => message.type === "ready")', undefined, { timeout: 10_000 });
		}
		// Let the page settle (fonts, first frames) before measuring.
		await page.waitForTimeout(300);
		return { page, close: () => context.close() };
	}

	/**
	 * One run: render the conversation, then (if asked) stream a reply at its end.
	 * @param {'ours' | 'plain'} kind
	 * @param {boolean} stream
	 * @param {number} [batchMs]
	 */
	async function run(kind, stream, batchMs = options.batchMs) {
		const { page, close } = await openPage(kind);
		try {
			const render = await page.evaluate(([conversationState, expected]) => /** @type {any} */ (globalThis).__bench.render(conversationState, expected), /** @type {const} */ ([state, options.items]));
			let streamed;
			if (stream) {
				await page.waitForTimeout(300);
				streamed = await streamInto(page, batchMs);
			}
			return { render, streamed };
		} finally {
			await close();
		}
	}

	/**
	 * @param {import('playwright-core').Page} page
	 * @param {number} [batchMs] how the deltas are grouped (the host's flush interval by default; 0: one message per token)
	 */
	function streamInto(page, batchMs = options.batchMs) {
		const marker = `END-OF-STREAM-${Date.now()}`;
		const tokens = streamTokens(tokenCount, marker);
		return page.evaluate(
			([itemId, allTokens, rate, last, batch]) => /** @type {any} */ (globalThis).__bench.stream(itemId, allTokens, rate, last, batch),
			/** @type {const} */ (['streamed-reply', tokens, options.tokensPerSecond, marker, batchMs]),
		);
	}

	/**
	 * Where ours spends its time, from one more render and stream: a DevTools CPU profile (JavaScript by
	 * function, on the unminified webview so functions have names), then a trace (the main thread by
	 * kind of work: script, style, layout, paint, HTML parsing).
	 */
	async function profileOurs() {
		const kind = options.readableWebview ? 'ours-readable' : 'ours';
		const profiled = await openPage(kind);
		/** @type {Record<string, unknown>} */
		const result = {};
		try {
			const session = await profiled.page.context().newCDPSession(profiled.page);
			await session.send('Profiler.enable');
			await session.send('Profiler.setSamplingInterval', { interval: 200 });
			for (const phase of /** @type {const} */ (['render', 'stream'])) {
				if (phase === 'stream') {
					await profiled.page.waitForTimeout(300);
				}
				await session.send('Profiler.start');
				if (phase === 'render') {
					await profiled.page.evaluate(([conversationState, expected]) => /** @type {any} */ (globalThis).__bench.render(conversationState, expected), /** @type {const} */ ([state, options.items]));
				} else {
					await streamInto(profiled.page);
				}
				result[phase] = summarizeProfile(/** @type {any} */ ((await session.send('Profiler.stop')).profile), 10);
			}
		} finally {
			await profiled.close();
		}
		const traced = await openPage(kind);
		try {
			for (const phase of /** @type {const} */ (['render', 'stream'])) {
				if (phase === 'stream') {
					await traced.page.waitForTimeout(300);
				}
				await browser.startTracing(traced.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
				if (phase === 'render') {
					await traced.page.evaluate(([conversationState, expected]) => /** @type {any} */ (globalThis).__bench.render(conversationState, expected), /** @type {const} */ ([state, options.items]));
				} else {
					await streamInto(traced.page);
				}
				result[`${phase}Trace`] = summarizeTrace(JSON.parse((await browser.stopTracing()).toString('utf8')));
			}
		} finally {
			await traced.close();
		}
		return result;
	}

	let ok = true;
	if (!fs.existsSync(path.join(options.distDir, 'webview.js'))) {
		ok = false;
		errors.push('dist/webview.js does not exist');
	}
	/** @type {unknown} */
	let profile;
	if (ok) {
		for (let round = 0; round < Math.max(options.renderRuns, options.streamRuns); round++) {
			const stream = round < options.streamRuns;
			/** @type {('ours' | 'plain')[]} */
			const order = round % 2 === 0 ? ['ours', 'plain'] : ['plain', 'ours'];
			for (const kind of order) {
				if (round >= options.renderRuns && !stream) {
					continue;
				}
				const outcome = await run(kind, stream);
				const label = kind === 'ours' ? 'Ours' : 'Plain';
				results[`render${label}`].push(outcome.render);
				if (outcome.streamed) {
					results[`stream${label}`].push(outcome.streamed);
				}
				process.stderr.write(
					`chat ${kind} run ${round + 1}: render ${outcome.render.frameMs.toFixed(0)} ms (${outcome.render.items} items, longest task ${outcome.render.longestTaskMs.toFixed(0)} ms)` +
						(outcome.streamed ? `, stream: ${outcome.streamed.longTasks} long tasks, longest ${outcome.streamed.longestTaskMs.toFixed(0)} ms, lag ${outcome.streamed.lagMs.toFixed(0)} ms` : '') +
						'\n',
				);
			}
		}
		for (let index = 0; index < options.perTokenRuns; index++) {
			const outcome = await run('ours', true, 0);
			results.streamOursPerToken.push(outcome.streamed);
			process.stderr.write(`chat ours, one message per token, run ${index + 1}: ${outcome.streamed.longTasks} long tasks, longest ${outcome.streamed.longestTaskMs.toFixed(0)} ms\n`);
		}
		if (options.profile) {
			process.stderr.write('chat: profiling and tracing one more render and stream of ours\n');
			profile = await profileOurs();
		}
	}
	const chromiumVersion = browser.version();
	await browser.close();
	server.close();
	return { ok, errors: [...new Set(errors)].slice(0, 10), chromiumVersion, tokenCount, ...results, profile };
}

if (require.main === module) {
	main(JSON.parse(process.argv[2] ?? '{}')).then(
		(result) => {
			reportResult(result);
			process.exit(0);
		},
		(error) => {
			process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
			process.exit(1);
		},
	);
}

module.exports = { conversation, streamTokens };
