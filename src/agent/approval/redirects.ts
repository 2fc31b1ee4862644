/**
 * Redirections as bash reads them, collected off tree-sitter-bash's nodes: their text (`>out`, `2>&1`,
 * `<<'EOF'`), what they expand, and what tree-sitter-bash put in them that belongs elsewhere (arguments
 * of the command, statements hung on a here-document). Collecting walks nothing: the walk does that.
 */
import type { SyntaxNode } from './commandParser';
import { fieldChildren, shorten, UnsupportedSyntaxError } from './syntax';
import { quotedText, unquotedWord, type WordContext } from './words';

/** A node whose substitutions run before the command, and the context it is read in. */
export interface ExpandedNode {
	readonly node: SyntaxNode;
	readonly context: WordContext;
}

/** The redirections, words and trailing statements a redirection brings to the command it is part of. */
export interface RedirectParts {
	/** `>out`, `2>&1`, `<<'EOF'`: the operator with its file descriptor and target. */
	readonly texts: string[];
	/** Nodes whose substitutions run before the command: targets and expanded here-document bodies. */
	readonly expanded: ExpandedNode[];
	/** Words tree-sitter-bash put in a redirection that are the command's arguments (`echo a >x b`). */
	readonly words: SyntaxNode[];
	/** What tree-sitter-bash hangs on a here-document's redirection: `cat <<EOF | grep x && …`. */
	readonly trailing: SyntaxNode[];
	/** The redirections to or from a file or descriptor (not here-documents or here-strings). */
	readonly files: FileRedirect[];
}

/** A redirection whose target names a file or a descriptor: `2>>log`, `<in`, `>&2`. */
export interface FileRedirect {
	readonly descriptor: string;
	readonly operator: string;
	readonly target: SyntaxNode;
}

export function redirectParts(redirect: SyntaxNode): RedirectParts {
	const parts: RedirectParts = { texts: [], expanded: [], words: [], trailing: [], files: [] };
	collectRedirect(redirect, parts);
	return parts;
}

function collectRedirect(redirect: SyntaxNode, parts: RedirectParts): void {
	let descriptor = '';
	let operator = '';
	let target: SyntaxNode | undefined;
	const nested: SyntaxNode[] = [];
	for (const { node, field } of fieldChildren(redirect)) {
		if (node.type === 'comment') {
			continue;
		}
		if (field === 'descriptor') {
			descriptor = node.text;
		} else if (!node.isNamed && operator === '' && field !== 'operator') {
			operator = node.type;
		} else if (redirect.type === 'heredoc_redirect') {
			collectHeredocPart(node, field, parts, nested);
			if (node.type === 'heredoc_start') {
				target = node;
			}
		} else if (!node.isNamed) {
			throw new UnsupportedSyntaxError(`unexpected \`${node.type}\` in \`${shorten(redirect.text)}\``);
		} else if (target === undefined) {
			target = node;
			parts.expanded.push({ node, context: unquotedWord });
		} else {
			// `echo a >x b`: tree-sitter-bash gives `b` as a second target; bash, as an argument.
			parts.words.push(node);
		}
	}
	if (redirect.type === 'heredoc_redirect' && target === undefined) {
		throw new UnsupportedSyntaxError(`a here-document without a delimiter: \`${shorten(redirect.text)}\``);
	}
	// `> >(cat)` must not read as `>>(cat)`.
	const space = target !== undefined && /^[<>]\(/.test(target.text) ? ' ' : '';
	parts.texts.push(`${descriptor}${operator}${space}${target?.text ?? ''}`);
	if (redirect.type === 'file_redirect' && target !== undefined) {
		parts.files.push({ descriptor, operator, target });
	}
	nested.forEach((child) => collectRedirect(child, parts));
}

/** The children tree-sitter-bash gives a here-document's redirection besides its operator. */
function collectHeredocPart(node: SyntaxNode, field: string | null, parts: RedirectParts, nested: SyntaxNode[]): void {
	switch (node.type) {
		case 'heredoc_start':
		case 'heredoc_end':
			return;
		case 'heredoc_body': {
			const start = node.parent?.children.find((child) => child.type === 'heredoc_start');
			// A quoted delimiter (`'EOF'`, `"EOF"`, `\EOF`): the body is not expanded.
			if (start && !/['"\\]/.test(start.text)) {
				parts.expanded.push({ node, context: quotedText });
			}
			return;
		}
		case 'file_redirect':
		case 'herestring_redirect':
			nested.push(node);
			return;
	}
	if (field === 'argument') {
		parts.words.push(node);
	} else if (field === 'right' || node.type === 'pipeline') {
		parts.trailing.push(node);
	} else if (node.isNamed || field !== 'operator') {
		throw new UnsupportedSyntaxError(`unexpected \`${node.type}\` in a here-document's redirection`);
	}
}
