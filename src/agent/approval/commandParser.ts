/**
 * Loads mvdan/sh (the `sh-syntax` package, compiled to WebAssembly) from a wasm file the caller names.
 *
 * The package finds its wasm next to its own code, which breaks once esbuild has bundled it into
 * dist/extension.js: the build copies the file to dist/sh-syntax.wasm and the extension passes that path.
 */
import * as fs from 'node:fs/promises';
import type { File as ShFile, ParseError as ShParseError } from 'sh-syntax';

export type { ShFile };

export interface CommandParserOptions {
	/** Where main.wasm of sh-syntax is; default: the installed package's own (unit tests, development). */
	readonly wasmPath?: string;
}

/** One bash parser; the wasm is read and compiled once, on the first parse, and reused. */
export interface CommandParser {
	/** mvdan/sh's syntax tree of `text` as bash; rejects with {@link ShellParseError} on invalid input. */
	parse(text: string): Promise<ShFile>;
}

/** The input is not valid bash, or the parser could not be loaded (then `unavailable` is true). */
export class ShellParseError extends Error {
	constructor(
		message: string,
		readonly unavailable = false,
	) {
		super(message);
		this.name = 'ShellParseError';
	}
}

type Processor = (text: string, options: { readonly keepComments: boolean; readonly variant: number }) => Promise<ShFile>;

/** The part of the WebAssembly API used here (the project's `lib` has no WebAssembly types). */
interface WebAssemblyApi {
	compile(bytes: Uint8Array): Promise<object>;
	instantiate(module: object, imports: object): Promise<object>;
}

const webAssembly = (globalThis as unknown as { readonly WebAssembly: WebAssemblyApi }).WebAssembly;

interface ShSyntaxModule {
	/** A `getWasm` taking the imports instantiates the module itself, so it can reuse a compiled one. */
	readonly getProcessor: (getWasm: (imports: object) => Promise<object>) => Processor;
	readonly LangVariant: { readonly LangBash: number };
}

let shSyntax: ShSyntaxModule | undefined;

/**
 * The package's Go runtime (vendors/wasm_exec.cjs) copies `require` and `fs` onto the global object when
 * it loads. This code runs in the extension host, whose global other extensions share, so take them back
 * off when they were not there before. Only `Go` must stay: the processor looks it up on every parse.
 */
function loadShSyntax(): ShSyntaxModule {
	if (!shSyntax) {
		const global = globalThis as Record<string, unknown>;
		const hadRequire = Object.prototype.hasOwnProperty.call(global, 'require');
		const hadFs = Object.prototype.hasOwnProperty.call(global, 'fs');
		// A plain require: esbuild bundles it, and it loads on first use rather than with the extension.
		shSyntax = require('sh-syntax') as ShSyntaxModule;
		if (!hadRequire) {
			delete global.require;
		}
		if (!hadFs) {
			delete global.fs;
		}
	}
	return shSyntax;
}

/**
 * The installed package's wasm. Named through a variable so esbuild leaves the lookup alone (it would
 * warn that it cannot bundle it); bundled code is expected to pass `wasmPath` instead.
 */
const packagedWasm = 'sh-syntax/main.wasm';

function defaultWasmPath(): string {
	return require.resolve(packagedWasm);
}

/** The first line only: Node's "Cannot find module" message goes on with the whole require stack. */
function errorText(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function isShParseError(error: unknown): error is ShParseError {
	return error instanceof Error && typeof (error as Partial<ShParseError>).Text === 'string';
}

export function createCommandParser(options: CommandParserOptions = {}): CommandParser {
	let loading: Promise<Processor> | undefined;

	const load = (): Promise<Processor> => {
		loading ??= (async () => {
			const wasmPath = options.wasmPath ?? defaultWasmPath();
			const bytes = await fs.readFile(wasmPath);
			// Compiled once; each parse only instantiates it (the package runs a fresh Go instance per call).
			const compiled = await webAssembly.compile(bytes);
			return loadShSyntax().getProcessor((imports) => webAssembly.instantiate(compiled, imports));
		})();
		// A failed load (missing file) is not kept: the next parse tries again.
		loading.catch(() => {
			loading = undefined;
		});
		return loading;
	};

	return {
		async parse(text: string): Promise<ShFile> {
			let processor: Processor;
			try {
				processor = await load();
			} catch (error) {
				throw new ShellParseError(`the shell parser could not be loaded (${errorText(error)})`, true);
			}
			try {
				return await processor(text, { keepComments: false, variant: loadShSyntax().LangVariant.LangBash });
			} catch (error) {
				const message = isShParseError(error) && error.Pos ? `${error.Text} (line ${error.Pos.Line}, column ${error.Pos.Col})` : errorText(error);
				throw new ShellParseError(message);
			}
		},
	};
}

let sharedParser: CommandParser | undefined;

/** A parser over the installed package's wasm, shared by the calls that pass none (unit tests, tools). */
export function defaultCommandParser(): CommandParser {
	sharedParser ??= createCommandParser();
	return sharedParser;
}
