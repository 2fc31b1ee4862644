/**
 * The two bash parsers a command line goes through, both compiled to WebAssembly:
 * - tree-sitter-bash (run by `web-tree-sitter`), whose syntax tree analyze.ts checks and walker.ts walks
 *   to find what the line runs;
 * - mvdan/sh (the `sh-syntax` package), a second, independent judge (see confirm.ts): a line it rejects
 *   is unparseable, and what tree-sitter-bash found must read alike to it. Its Go program hands over
 *   only the top-level statements and their redirections, which is why it cannot do the splitting itself.
 *   One Go instance is kept and reused (mvdanSh.ts).
 *
 * The packages find their wasm next to their own code, which breaks once esbuild has bundled them into
 * dist/extension.js: the build copies the three files to dist/ and the extension names that folder.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Language, Node, Parser, Tree } from 'web-tree-sitter';
import { errorMessage } from '../../common/errors';
import { loadMvdanSh, type MvdanSh, type MvdanShParse } from './mvdanSh';

export type SyntaxNode = Node;

export interface CommandParserOptions {
	/**
	 * The folder holding `web-tree-sitter.wasm`, `tree-sitter-bash.wasm` and `sh-syntax.wasm` (the build
	 * copies them to dist/). Default: each installed package's own file (unit tests, development).
	 */
	readonly wasmDir?: string;
}

/** One of mvdan/sh's top-level statements; offsets in UTF-8 bytes, ends exclusive. */
export interface ShellStatement {
	readonly start: number;
	readonly end: number;
	/** Its redirections: operator, and where the target word starts and ends. */
	readonly redirects: readonly { readonly operator: string; readonly start: number; readonly end: number }[];
}

/** The bash parsers; the wasm is read and compiled once, on the first use, and reused. */
export interface CommandParser {
	/**
	 * mvdan/sh's top-level statements of `text`. Rejects with {@link ShellParseError} when mvdan/sh does
	 * not accept the text as bash, or a parser cannot load.
	 */
	statements(text: string): Promise<readonly ShellStatement[]>;
	/**
	 * tree-sitter-bash's tree of `text`, handed to `read` with a way to parse more texts (words to read
	 * again). `read` must not keep the nodes: the trees are freed when it returns. Rejects with
	 * {@link ShellParseError} when a parser cannot load.
	 */
	tree<T>(text: string, read: (root: SyntaxNode, parseMore: (text: string) => SyntaxNode) => T): Promise<T>;
}

/** The input is not valid bash, or a parser could not be loaded (then `unavailable` is true). */
export class ShellParseError extends Error {
	constructor(
		message: string,
		readonly unavailable = false,
	) {
		super(message);
		this.name = 'ShellParseError';
	}
}

type TreeSitterModule = typeof import('web-tree-sitter');

let treeSitter: TreeSitterModule | undefined;

function loadTreeSitter(): TreeSitterModule {
	treeSitter ??= require('web-tree-sitter') as TreeSitterModule;
	return treeSitter;
}

/**
 * The installed packages' wasm files. Named through variables so esbuild leaves the lookups alone (it
 * would warn that it cannot bundle them); bundled code is expected to pass `wasmDir` instead.
 */
const packagedWasm = {
	runtime: 'web-tree-sitter/web-tree-sitter.wasm',
	bash: 'tree-sitter-bash/tree-sitter-bash.wasm',
	shSyntax: 'sh-syntax/main.wasm',
};

/** The names the build gives the files in `wasmDir`. */
const wasmFileNames = {
	runtime: 'web-tree-sitter.wasm',
	bash: 'tree-sitter-bash.wasm',
	shSyntax: 'sh-syntax.wasm',
} as const;

function wasmPath(options: CommandParserOptions, file: keyof typeof wasmFileNames): string {
	return options.wasmDir !== undefined ? path.join(options.wasmDir, wasmFileNames[file]) : require.resolve(packagedWasm[file]);
}

/**
 * web-tree-sitter's runtime is one per process: the first parser to load it names its wasm, and a load
 * that failed (a missing file) is tried again by the next.
 */
let runtimeLoading: Promise<void> | undefined;

function loadRuntime(file: string): Promise<void> {
	runtimeLoading ??= (async () => {
		// Read here, so that a missing file fails in our hands rather than in the runtime's own loader,
		// which prints to the console; `locateFile` keeps its lookups in the same folder.
		const bytes = await fs.readFile(file);
		await loadTreeSitter().Parser.init({
			wasmBinary: bytes,
			locateFile: (name: string) => path.join(path.dirname(file), name),
		});
	})();
	runtimeLoading.catch(() => {
		runtimeLoading = undefined;
	});
	return runtimeLoading;
}

/** The first line only: Node's "Cannot find module" message goes on with the whole require stack. */
function errorText(error: unknown): string {
	return errorMessage(error).split('\n')[0];
}

interface Loaded {
	readonly mvdanSh: MvdanSh;
	readonly parser: Parser;
}

export function createCommandParser(options: CommandParserOptions = {}): CommandParser {
	let loading: Promise<Loaded> | undefined;

	const load = (): Promise<Loaded> => {
		loading ??= (async () => {
			const [shBytes, bashBytes] = await Promise.all([fs.readFile(wasmPath(options, 'shSyntax')), fs.readFile(wasmPath(options, 'bash')), loadRuntime(wasmPath(options, 'runtime'))]);
			const mvdanSh = await loadMvdanSh(shBytes);
			const { Language: LanguageClass, Parser: ParserClass } = loadTreeSitter();
			const bash: Language = await LanguageClass.load(bashBytes);
			// One parser for every line: each parse makes a tree, deleted once read (see `tree`).
			const parser = new ParserClass();
			parser.setLanguage(bash);
			return { mvdanSh, parser };
		})();
		// A failed load (missing file) is not kept: the next parse tries again.
		loading.catch(() => {
			loading = undefined;
		});
		return loading;
	};

	const loaded = async (): Promise<Loaded> => {
		try {
			return await load();
		} catch (error) {
			throw new ShellParseError(`the shell parser could not be loaded (${errorText(error)})`, true);
		}
	};

	return {
		async statements(text: string): Promise<readonly ShellStatement[]> {
			const { mvdanSh } = await loaded();
			// From here on all is synchronous: one Go instance serves every line, one parse at a time.
			let parsed: MvdanShParse;
			try {
				parsed = mvdanSh.parse(text);
			} catch (error) {
				throw new ShellParseError(`mvdan/sh failed (${errorText(error)})`);
			}
			if (!parsed.ok) {
				throw new ShellParseError(parsed.reason);
			}
			return parsed.file.Stmts.map((statement) => ({
				start: statement.Pos.Offset,
				end: statement.End.Offset,
				redirects: statement.Redirs.map((redirect) => ({ operator: redirect.Op, start: redirect.Word.Pos.Offset, end: redirect.Word.End.Offset })),
			}));
		},

		async tree<T>(text: string, read: (root: SyntaxNode, parseMore: (text: string) => SyntaxNode) => T): Promise<T> {
			const { parser } = await loaded();
			// From here on all is synchronous: no other line's parse can come between.
			const trees: Tree[] = [];
			const parse = (source: string): SyntaxNode => {
				const tree = parser.parse(source);
				if (!tree) {
					throw new ShellParseError('tree-sitter-bash returned no tree');
				}
				trees.push(tree);
				return tree.rootNode;
			};
			try {
				return read(parse(text), parse);
			} finally {
				trees.forEach((tree) => tree.delete());
			}
		},
	};
}

let sharedParser: CommandParser | undefined;

/** A parser over the installed packages' wasm, shared by the calls that pass none (unit tests, tools). */
export function defaultCommandParser(): CommandParser {
	sharedParser ??= createCommandParser();
	return sharedParser;
}
