import assert from 'node:assert/strict';
import { StreamingMarkdown, codeBlockHtml, isSafeHref, linkMessage, renderMarkdown, renderMarkdownBlocks } from '../../../media/markdown';

describe('media/markdown', () => {
	describe('untrusted HTML', () => {
		it('escapes raw HTML so an <img onerror> stays text', () => {
			const html = renderMarkdown('Look: <img src=x onerror=alert(1)> done');
			assert.ok(!html.includes('<img'), html);
			assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), html);
		});

		it('escapes an HTML block (script) instead of emitting it', () => {
			const html = renderMarkdown('<script>alert(1)</script>\n\n<div onclick="x()">hi</div>');
			assert.ok(!html.includes('<script'), html);
			assert.ok(!html.includes('<div onclick'), html);
			assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), html);
		});

		it('escapes HTML inside code fences and inline code', () => {
			const html = renderMarkdown('`<b>x</b>`\n\n```\n<iframe src="https://evil.example"></iframe>\n```');
			assert.ok(!html.includes('<b>'), html);
			assert.ok(!html.includes('<iframe'), html);
			assert.ok(html.includes('&lt;iframe'), html);
		});
	});

	describe('links', () => {
		it('does not produce javascript:, data: or vbscript: hrefs', () => {
			for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:msgbox(1)', 'command:workbench.action.quit']) {
				const html = renderMarkdown(`[click](${href}) and <${href}>`);
				assert.ok(!/href="[^"]*(javascript|data|vbscript|command):/i.test(html), `${href} → ${html}`);
				assert.ok(!html.includes('<a'), `${href} → ${html}`);
			}
		});

		it('does not turn a reference-style javascript: link into an href', () => {
			const html = renderMarkdown('[x][1]\n\n[1]: javascript:alert(1)');
			assert.ok(!html.includes('href="javascript'), html);
		});

		it('renders http(s) and mailto links, and linkifies bare URLs', () => {
			const html = renderMarkdown('[docs](https://example.com/a?b=1&c=2) see http://example.org/x and [mail](mailto:a@example.com)');
			assert.ok(html.includes('<a href="https://example.com/a?b=1&amp;c=2"'), html);
			assert.ok(html.includes('<a href="http://example.org/x"'), html);
			assert.ok(html.includes('<a href="mailto:a@example.com"'), html);
		});

		it('keeps scheme-less links (file paths) for the host to resolve', () => {
			const html = renderMarkdown('[the file](src/extension.ts#L10)');
			assert.ok(html.includes('<a href="src/extension.ts#L10"'), html);
		});

		it('does not linkify file names that look like domains', () => {
			const html = renderMarkdown('Edit README.md and setup.py, then run main.rs');
			assert.ok(!html.includes('<a'), html);
		});

		it('shows images as links instead of loading them', () => {
			const html = renderMarkdown('![chart](https://example.com/track.png?secret=1)');
			assert.ok(!html.includes('<img'), html);
			assert.ok(html.includes('<a class="image-link" href="https://example.com/track.png?secret=1"'), html);
			assert.ok(html.includes('chart'), html);
			const bad = renderMarkdown('![x](javascript:alert(1))');
			assert.ok(!bad.includes('href="javascript'), bad);
		});

		it('isSafeHref accepts http, https, mailto and relative links only', () => {
			assert.equal(isSafeHref('https://example.com'), true);
			assert.equal(isSafeHref('HTTP://example.com'), true);
			assert.equal(isSafeHref('mailto:a@b.c'), true);
			assert.equal(isSafeHref('src/a.ts'), true);
			assert.equal(isSafeHref('#heading'), true);
			assert.equal(isSafeHref('javascript:alert(1)'), false);
			assert.equal(isSafeHref(' javascript:alert(1)'), false);
			assert.equal(isSafeHref('file:///etc/passwd'), false);
			assert.equal(isSafeHref('vscode://ms-vscode.x'), false);
			assert.equal(isSafeHref('command:x'), false);
			assert.equal(isSafeHref('java\nscript:alert(1)'), false);
			assert.equal(isSafeHref(''), false);
			assert.equal(isSafeHref(null), false);
			assert.equal(isSafeHref(undefined), false);
		});

		it('linkMessage turns a safe href into an openLink message and ignores the rest', () => {
			assert.deepEqual(linkMessage(' https://example.com/x '), { type: 'openLink', href: 'https://example.com/x' });
			assert.equal(linkMessage('javascript:alert(1)'), undefined);
			assert.equal(linkMessage(null), undefined);
		});
	});

	describe('code blocks', () => {
		it('highlights a typescript fence with hljs spans and adds a Copy code button', () => {
			const html = renderMarkdown('```ts\nconst x: number = 42; // answer\n```');
			assert.match(html, /<code class="hljs language-typescript">/);
			assert.match(html, /<span class="hljs-keyword">const<\/span>/);
			assert.match(html, /<span class="hljs-number">42<\/span>/);
			assert.match(html, /<span class="hljs-comment">\/\/ answer<\/span>/);
			assert.match(html, /<button type="button" class="code-copy" aria-label="Copy code"/);
			assert.match(html, /<span class="code-lang">ts<\/span>/);
		});

		it('highlights each registered language', () => {
			const samples: Record<string, string> = {
				javascript: 'function f() { return 1; }',
				json: '{"a": true}',
				bash: 'if [ -f x ]; then echo "hi"; fi',
				sh: 'export A="b"',
				python: 'def f():\n    return None',
				css: '.a { color: red; }',
				html: '<div class="a">x</div>',
				diff: '+added\n-removed',
				yaml: 'key: "value"',
				markdown: '# Title',
				go: 'func main() { return }',
				rust: 'fn main() { let x = 1; }',
			};
			for (const [lang, code] of Object.entries(samples)) {
				const html = renderMarkdown('```' + lang + '\n' + code + '\n```');
				assert.match(html, /<span class="hljs-/, `${lang}: ${html}`);
			}
		});

		it('escapes code of an unknown language without highlighting', () => {
			const html = codeBlockHtml('a < b && "c"', 'brainfuck');
			assert.ok(html.includes('a &lt; b &amp;&amp; &quot;c&quot;'), html);
			assert.ok(!html.includes('hljs-'), html);
			assert.ok(html.includes('<code class="hljs">'), html);
		});

		it('does not let a fence info string inject attributes', () => {
			const html = renderMarkdown('```"><img src=x onerror=alert(1)>\ncode\n```');
			assert.ok(!html.includes('<img'), html);
		});

		it('renders an unterminated fence (a reply still streaming) as a code block', () => {
			const html = renderMarkdown('Here:\n\n```python\ndef f(');
			assert.match(html, /<code class="hljs language-python">/);
		});
	});

	describe('blocks', () => {
		it('splits a reply into one HTML string per top-level block', () => {
			const parts = renderMarkdownBlocks('# Title\n\nA paragraph.\n\n- one\n- two\n\n```js\nx()\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |');
			assert.equal(parts.length, 5);
			assert.match(parts[0], /^<h1>Title<\/h1>/);
			assert.match(parts[1], /^<p>A paragraph.<\/p>/);
			assert.match(parts[2], /^<ul>/);
			assert.match(parts[3], /^<div class="code-block">/);
			assert.match(parts[4], /^<div class="table-wrap"><table>/);
			assert.equal(parts.join(''), renderMarkdown('# Title\n\nA paragraph.\n\n- one\n- two\n\n```js\nx()\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |'));
		});

		it('keeps earlier blocks identical while the last one grows', () => {
			const a = renderMarkdownBlocks('First paragraph.\n\nSecond par');
			const b = renderMarkdownBlocks('First paragraph.\n\nSecond paragraph is longer');
			assert.equal(a[0], b[0]);
			assert.notEqual(a[1], b[1]);
		});

		it('resolves reference links defined after their use', () => {
			const html = renderMarkdown('See [docs][d].\n\n[d]: https://example.com');
			assert.ok(html.includes('<a href="https://example.com"'), html);
		});

		it('returns nothing for empty text', () => {
			assert.deepEqual(renderMarkdownBlocks(''), []);
		});
	});
});

describe('media/markdown StreamingMarkdown', () => {
	const doc = [
		'# Plan',
		'',
		'First I read `src/a.ts`, then I run the tests in the background.',
		'A second line of the same paragraph with **bold** and a https://example.com link.',
		'',
		'- one',
		'- two',
		'  continued',
		'',
		'1. first',
		'2. second',
		'',
		'```ts',
		'export function add(a: number, b: number): number {',
		'',
		'  return a + b;',
		'}',
		'```',
		'',
		'> quoted',
		'> more',
		'',
		'| a | b |',
		'|---|---|',
		'| 1 | 2 |',
		'',
		'Setext heading',
		'---',
		'',
		'    indented code',
		'',
		'Last paragraph <img src=x onerror=alert(1)>.',
	].join('\n');

	it('renders every prefix of a growing reply exactly as a full render would', () => {
		const stream = new StreamingMarkdown();
		for (let end = 1; end <= doc.length; end += 3) {
			const prefix = doc.slice(0, end);
			assert.equal(stream.render(prefix).join(''), renderMarkdown(prefix), `at ${end}: ${JSON.stringify(prefix.slice(-30))}`);
		}
		assert.equal(stream.render(doc).join(''), renderMarkdown(doc));
	});

	it('freezes early blocks so only the tail is parsed again', () => {
		const stream = new StreamingMarkdown();
		let text = '';
		for (let i = 0; i < 50; i++) {
			text += `Paragraph ${i} with some words.\n\n`;
			stream.render(text);
		}
		assert.ok(stream.frozenLength > text.length / 2, `frozen ${stream.frozenLength} of ${text.length}`);
		assert.equal(stream.render(text).join(''), renderMarkdown(text));
	});

	it('starts over when the text is replaced instead of appended to', () => {
		const stream = new StreamingMarkdown();
		stream.render('a\n\nb\n\nc\n\nd\n\ne');
		assert.deepEqual(stream.render('x\n\ny'), renderMarkdownBlocks('x\n\ny'));
	});

	it('never emits raw HTML from a streamed prefix', () => {
		const stream = new StreamingMarkdown();
		const evil = 'ok\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))';
		for (let end = 1; end <= evil.length; end++) {
			const html = stream.render(evil.slice(0, end)).join('');
			assert.ok(!/<(script|img)/i.test(html) && !/href="javascript/i.test(html), html);
		}
	});
});
