// @ts-check
'use strict';
/**
 * Where the time went before a change and what the change did, kept in BENCHMARKS.md across runs (the
 * table above it holds this run's figures). Add to it when a change moves a figure.
 */

/** @type {import('./report').NoteSection} */
const WHERE_THE_TIME_WENT = {
	title: 'Where the time went, before and after',
	lines: [
		'Figures before are from the run of 2026-11-24 (load 0.9–2.3) and from the extension host measured from the outside; after, see the table of this run (its load average is above: on a busy machine every figure grows, ratios less so).',
		'',
		'- **Activation.** Before: `require` of the 923 KB bundle was nearly all of the 27.7 ms over the empty extension; 600 KB of it was the Anthropic SDK and 85 KB the tree-sitter runtime, neither needed to show the views. After: both (and mvdan/sh) are bundles of their own, required on first use (scripts/extensionBundle.js); dist/extension.js is about 213 KB. esbuild also turned each file\'s `import * as vscode` into a copy of every member of the API (`__toESM`, twenty-odd times per activation); `vscode` is required once now. Left: our own code, chiefly src/agent (about 100 KB), which activation loads and constructs for the chat. Side by side on 2026-12-02 at load 8–10, 10 runs each (medians): the old one-bundle layout 192 ms, the new 89 ms, the empty extension 0.9 ms: about half, still well over the 5 ms target.',
		'- **Output flood, engine.** Before: every 64 KiB chunk was validated with `buffer.isUtf8` before its copy into the tail ring (about 0.5 s of CPU per GiB, in a profile of 256 MiB of lines: `isUtf8` was the third-largest self time after the log\'s writes); a character split across chunks cost a copy of the whole next chunk (`Buffer.concat`). After: bytes go into the ring as they came, checked and decoded when read; the split character is written ahead of the chunk instead. Nothing splits lines on the way in; waits decode only while one is active.',
		'- **Output flood, extension host.** Before: 1 GiB of lines took 2.92 s against 0.35 s for the pipeline into /dev/null (8.4×), at ~370 MB/s where the plain-Node bench read four times faster. A CPU profile of the extension host during a flood (inspector opened with SIGUSR1) showed it mostly idle: the log\'s write stream has a 16 KiB buffer, so each 64 KiB chunk paused the task until that chunk was on disk; reading and writing took turns for the first 50 MiB, and in the extension host the thread pool doing the writes is shared with VS Code\'s own work (its port finder reads /proc and spawns processes the whole time). After: the log buffers up to 1 MiB before it pauses the task (src/background/taskLog.ts), so reads and writes overlap.',
		'- **Still over target in the extension host** (run of 2026-12-02 at load 11 on 2 cores): 1 GiB of lines 4.6× the pipeline into /dev/null, 256 MiB on one line 7.7×. In the shorter flood the log\'s first 50 MiB, written through the thread pool VS Code shares, weigh more; in both, Node\'s own reading costs: the producer writes 8 KiB at a time, so reads average ~20 KiB, and a plain Node process spent ~3 s of CPU per GiB on the pipe alone at that load (pausing between reads so the pipe fills halved the reads but saved no CPU: tried, not kept). Not tried: a larger pipe buffer (`F_SETPIPE_SZ`, not reachable from Node); reading into one reused buffer (below).',
		'- **Memory under a flood.** Before: +129 MiB in the extension host for 1 GiB of lines; after: +9.5 MiB (run of 2026-12-02), within the 32 MiB target. What remains is mostly Node\'s: each read of a pipe allocates a fresh 64 KiB buffer, freed only by the next garbage collection (a plain Node process reading and dropping 1 GiB grows by ~40 MiB; the extension host, with its larger heap, collects later). Reading into one reused buffer (`net.Socket`\'s `onread`) measured +5 MiB instead of +43 MiB in plain Node, but Node offers that only for sockets it creates, not for a child\'s stdio pipes; it would mean re-wrapping the pipe handle (`_handle`, not public) in src/background/processRunner.ts.',
		'- **Turn latency.** Before: every request read the API key from SecretStorage, a round trip out of the extension host (to the OS keychain on desktop, to the page in a browser). After: read once, again only after it changes (src/vscode/apiKey.ts).',
	],
};

module.exports = { WHERE_THE_TIME_WENT };
