import assert from 'node:assert/strict';
import { escapeHtml, highlightCode, resolveLanguage } from '../../../media/highlight';

describe('media/highlight', () => {
	it('maps fence names and aliases to the registered languages', () => {
		assert.equal(resolveLanguage('ts'), 'typescript');
		assert.equal(resolveLanguage('TypeScript'), 'typescript');
		assert.equal(resolveLanguage('tsx'), 'typescript');
		assert.equal(resolveLanguage('js'), 'javascript');
		assert.equal(resolveLanguage('html'), 'xml');
		assert.equal(resolveLanguage('sh'), 'bash');
		assert.equal(resolveLanguage('zsh'), 'bash');
		assert.equal(resolveLanguage('console'), 'shell');
		assert.equal(resolveLanguage('py'), 'python');
		assert.equal(resolveLanguage('yml'), 'yaml');
		assert.equal(resolveLanguage('md'), 'markdown');
		assert.equal(resolveLanguage('golang'), 'go');
		assert.equal(resolveLanguage('rs'), 'rust');
		assert.equal(resolveLanguage('patch'), 'diff');
		assert.equal(resolveLanguage('jsonc'), 'json');
		assert.equal(resolveLanguage('css'), 'css');
	});

	it('registers only the chosen languages', () => {
		assert.equal(resolveLanguage('java'), undefined);
		assert.equal(resolveLanguage('cpp'), undefined);
		assert.equal(resolveLanguage(''), undefined);
		assert.equal(resolveLanguage(undefined), undefined);
	});

	it('returns escaped text for unknown languages and highlighted spans for known ones', () => {
		assert.equal(highlightCode('<a href="x">', undefined), '&lt;a href=&quot;x&quot;&gt;');
		assert.equal(highlightCode('<a>', 'cobol'), '&lt;a&gt;');
		const html = highlightCode('<a href="x">', 'html');
		assert.match(html, /<span class="hljs-tag">&lt;<span class="hljs-name">a<\/span>/);
		assert.ok(!html.includes('<a '), html);
	});

	it('marks diff additions and deletions', () => {
		const html = highlightCode('+ added line\n- removed line', 'diff');
		assert.match(html, /<span class="hljs-addition">\+ added line/);
		assert.match(html, /<span class="hljs-deletion">- removed line/);
	});

	it('returns the same HTML from the cache', () => {
		const code = 'let cached = 1;';
		assert.equal(highlightCode(code, 'typescript'), highlightCode(code, 'typescript'));
	});

	it('escapes all HTML-significant characters', () => {
		assert.equal(escapeHtml(`<>&"'`), '&lt;&gt;&amp;&quot;&#39;');
	});
});
