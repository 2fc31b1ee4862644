/**
 * mvdan/sh, the second bash parser (see commandParser.ts), as the `sh-syntax` package ships it: a TinyGo
 * program compiled to WebAssembly, whose exported `process` parses a text and returns its syntax tree as
 * JSON. One Go instance is started and reused for every parse: starting one costs milliseconds, a parse
 * of a typical line a few hundredths of one.
 *
 * The package's own JavaScript API is not used. It starts a fresh instance per call, and it writes the
 * text where its `wasmAlloc` export points, which is the Go slice's header rather than its bytes: that
 * overwrites the Go heap next to it, harmless in an instance thrown away after one small parse, fatal to
 * one that lives on (its garbage collector soon reads the damage). Here the text goes to memory from the
 * runtime's `malloc`, which keeps the bytes alive until `free`.
 *
 * An instance that failed is never used again: a parse that throws (a trap, such as the Go stack
 * overflowing on deeply nested input) or leaves the runtime mid-way drops it, and the next parse starts
 * a fresh one. So does one whose memory grew past a bound (WebAssembly memory never shrinks), so that
 * one huge line does not keep its memory for the life of the extension host.
 */
import type { File as ShFile } from 'sh-syntax';

/** The part of the WebAssembly API used here (the project's `lib` has no WebAssembly types). */
interface WebAssemblyApi {
	compile(bytes: Uint8Array): Promise<object>;
	readonly Instance: new (module: object, imports: object) => { readonly exports: object };
}

const webAssembly = (globalThis as unknown as { readonly WebAssembly: WebAssemblyApi }).WebAssembly;

/** The runtime of the package's Go program (vendors/wasm_exec.cjs), which TinyGo's instance imports from. */
interface GoRuntime {
	readonly importObject: object;
	/** Runs the program's `main` (synchronously, until it returns); settles when the program exits. */
	run(instance: object): Promise<unknown>;
	readonly exited: boolean;
	readonly exitCode: number;
}

type GoRuntimeClass = new () => GoRuntime;

/** The exports of the package's program that are used here. */
interface GoExports {
	readonly memory: { readonly buffer: ArrayBuffer };
	malloc(size: number): number;
	free(pointer: number): void;
	/**
	 * Parses (or prints) a text; returns a pointer to NUL-terminated JSON. Slices are passed as pointer,
	 * length and capacity; the options follow sh-syntax's `processor`.
	 */
	process(...args: number[]): number;
	/** 0 when no goroutine is unwinding or rewinding: the runtime is between calls. */
	asyncify_get_state(): number;
}

interface ShSyntaxModule {
	readonly LangVariant: { readonly LangBash: number };
}

/** What the package's program answers, as far as used here. */
interface ProcessResult {
	readonly file?: ShFile;
	readonly parseError?: { readonly Text: string; readonly Pos?: { readonly Line: number; readonly Col: number } } | null;
	readonly message?: string;
}

/** One parse: the tree, or why mvdan/sh does not accept the text as bash. */
export type MvdanShParse = { readonly ok: true; readonly file: ShFile } | { readonly ok: false; readonly reason: string };

export interface MvdanSh {
	/**
	 * mvdan/sh's syntax tree of `text` read as bash, comments dropped. Synchronous, so that no other parse
	 * can come between. Throws when the Go program fails (then the next parse uses a fresh instance).
	 */
	parse(text: string): MvdanShParse;
	/** How many Go instances were started so far: one, unless instances failed or grew too big. */
	readonly instancesStarted: number;
}

export interface MvdanShOptions {
	/** An instance whose memory grew past this many bytes is dropped after the parse. Default 64 MiB. */
	readonly memoryLimit?: number;
}

/** A typical line needs about 10 MiB, a 60,000-character one about 20 MiB. */
const defaultMemoryLimit = 64 * 1024 * 1024;

let loaded: { readonly Go: GoRuntimeClass; readonly bash: number } | undefined;

/**
 * The package's Go runtime copies `Go`, `require` and `fs` onto the global object when it loads. This
 * code runs in the extension host, whose global other extensions share: the class is kept here and the
 * names that were not there before are taken back off.
 */
function loadRuntime(): { readonly Go: GoRuntimeClass; readonly bash: number } {
	if (!loaded) {
		const global = globalThis as Record<string, unknown>;
		const before = new Set(['Go', 'require', 'fs'].filter((name) => Object.prototype.hasOwnProperty.call(global, name)));
		// A plain require: esbuild bundles it, and it loads on first use rather than with the extension.
		const shSyntax = require('sh-syntax') as ShSyntaxModule;
		const Go = global.Go as GoRuntimeClass;
		for (const name of ['Go', 'require', 'fs']) {
			if (!before.has(name)) {
				delete global[name];
			}
		}
		loaded = { Go, bash: shSyntax.LangVariant.LangBash };
	}
	return loaded;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Compiles the package's wasm (`bytes`) once; instances are started from it as needed. */
export async function loadMvdanSh(bytes: Uint8Array, options: MvdanShOptions = {}): Promise<MvdanSh> {
	const { Go, bash } = loadRuntime();
	const compiled = await webAssembly.compile(bytes);
	const memoryLimit = options.memoryLimit ?? defaultMemoryLimit;
	let live: GoExports | undefined;
	let instancesStarted = 0;

	const start = (): GoExports => {
		const go = new Go();
		const instance = new webAssembly.Instance(compiled, go.importObject);
		instancesStarted++;
		// `main` is empty: it returns (and the program exits) before `run` does, which leaves the exported
		// functions ready to call. A failure to start rejects the promise instead, seen through `exited`.
		go.run(instance).catch(() => undefined);
		if (!go.exited || go.exitCode !== 0) {
			throw new Error('the Go runtime of mvdan/sh did not start');
		}
		return instance.exports as GoExports;
	};

	const call = (exports: GoExports, text: Uint8Array): string => {
		const pointer = exports.malloc(Math.max(text.byteLength, 1));
		new Uint8Array(exports.memory.buffer).set(text, pointer);
		// Path and stop-at empty (nil slices); parse, not print; comments dropped; bash; no error recovery.
		const result = exports.process(0, 0, 0, pointer, text.byteLength, text.byteLength, 0, 0, bash, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
		if (exports.asyncify_get_state() !== 0) {
			throw new Error('the Go runtime of mvdan/sh was left mid-way');
		}
		// Read before anything else runs in the instance: the Go heap does not keep the answer.
		const memory = new Uint8Array(exports.memory.buffer);
		const end = memory.indexOf(0, result);
		const json = decoder.decode(memory.subarray(result, end < 0 ? memory.length : end));
		exports.free(pointer);
		return json;
	};

	return {
		parse(text: string): MvdanShParse {
			const exports = live ?? start();
			// Kept only once the call succeeded: an instance that threw is never called again.
			live = undefined;
			const json = call(exports, encoder.encode(text));
			if (exports.memory.buffer.byteLength <= memoryLimit) {
				live = exports;
			}
			if (!json.startsWith('{"') || !json.endsWith('}')) {
				throw new Error(`mvdan/sh answered ${JSON.stringify(json.slice(0, 80))}`);
			}
			const { file, parseError, message } = JSON.parse(json) as ProcessResult;
			if (parseError) {
				return { ok: false, reason: parseError.Pos ? `${parseError.Text} (line ${parseError.Pos.Line}, column ${parseError.Pos.Col})` : parseError.Text };
			}
			if (message || !file) {
				return { ok: false, reason: message || 'mvdan/sh returned no tree' };
			}
			return { ok: true, file };
		},
		get instancesStarted(): number {
			return instancesStarted;
		},
	};
}
