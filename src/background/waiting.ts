import * as net from 'node:net';
import { plainText } from './ansi';
import type { WaitCondition, WaitOptions, WaitResult } from './types';
import { compileLinePattern, type LinePattern } from '../common/linePattern';

/** Longer lines keep only their end: a command printing megabytes without a newline must not grow memory without end. */
export const MAX_LINE_CHARS = 65_536;

/**
 * Matches a pattern against each line of a stream of text, fed as it comes: only the new text is
 * looked at, never all the output again. A line split across chunks is matched once it is whole.
 * The pattern runs in linear time (see linePattern.ts), so no line can stall the host.
 */
export class LineMatcher {
	private _partial = '';

	constructor(private readonly _pattern: LinePattern) {}

	/** The first complete line in `text` (with what came before it) that matches, ANSI codes stripped. */
	push(text: string): string | undefined {
		let start = 0;
		let newline = text.indexOf('\n');
		while (newline !== -1) {
			const line = this._partial + text.slice(start, newline);
			this._partial = '';
			const match = this.test(line);
			if (match !== undefined) {
				this.keep(text.slice(newline + 1));
				return match;
			}
			start = newline + 1;
			newline = text.indexOf('\n', start);
		}
		this.keep(text.slice(start));
		return undefined;
	}

	/** The line still waiting for its newline, if it matches: for the end of the output, or a prompt that gets no newline. */
	matchPartial(): string | undefined {
		return this._partial.length > 0 ? this.test(this._partial) : undefined;
	}

	get hasPartial(): boolean {
		return this._partial.length > 0;
	}

	private keep(rest: string): void {
		const partial = this._partial + rest;
		this._partial = partial.length > MAX_LINE_CHARS ? partial.slice(partial.length - MAX_LINE_CHARS) : partial;
	}

	private test(raw: string): string | undefined {
		const line = plainText(raw);
		return this._pattern.test(line) ? line : undefined;
	}
}

/** How often a wait for a port tries to connect, and how long one try may take. */
const portPollMilliseconds = 250;
const portConnectTimeoutMilliseconds = 200;
/** A line still without its newline after this much quiet is matched as it is: a prompt, or the last line so far. */
const partialLineQuietMilliseconds = 200;
/** The longest a timer can wait in Node.js. */
const maxTimerMilliseconds = 2_147_483_647;

export type WaitOutcome = WaitResult['outcome'];

/** What a wait found: the line that matched, the port that accepted. */
/** A wait's condition, checked: the pattern compiled (RE2), the port a TCP port. Throws saying what is wrong. */
export function checkedWaitCondition(condition: WaitCondition): { pattern: LinePattern | undefined; port: number | undefined } {
	const pattern = condition.pattern !== undefined ? compileLinePattern(condition.pattern) : undefined;
	const port = condition.port;
	if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
		throw new Error(`${port} is not a TCP port (1 to 65535).`);
	}
	return { pattern, port };
}

export interface WaitFound {
	readonly line?: string;
	readonly port?: number;
}

/**
 * One wait for a task: for a line of output that matches, a port that accepts connections, or the
 * end of the task, until a timeout or an abort signal. The task feeds it output as it arrives
 * ({@link onText}) and tells it when it ends ({@link onEnd}); it calls `finish` exactly once, having
 * cleared its timers and listeners.
 */
export class OutputWait {
	private readonly _matcher: LineMatcher | undefined;
	private _done = false;
	private _timeoutTimer: NodeJS.Timeout | undefined;
	private _quietTimer: NodeJS.Timeout | undefined;
	private _portTimer: NodeJS.Timeout | undefined;
	private readonly _onAbort = () => this.finish('aborted');

	constructor(
		pattern: LinePattern | undefined,
		private readonly _port: number | undefined,
		private readonly _options: WaitOptions,
		private readonly _finish: (outcome: WaitOutcome, found: WaitFound) => void,
	) {
		this._matcher = pattern ? new LineMatcher(pattern) : undefined;
	}

	/**
	 * Looks at the output so far (all of it, or only the line in progress when told to look at new
	 * output only, so a line that ends after this call is matched whole), then waits unless that settled it.
	 */
	start(existingOutput: string, ended: boolean): void {
		if (this._options.signal?.aborted) {
			this.finish('aborted');
			return;
		}
		if (this._matcher) {
			if (this._options.includeExistingOutput !== false) {
				const line = this._matcher.push(existingOutput);
				if (line !== undefined) {
					this.finish('pattern', { line });
					return;
				}
			} else if (!ended) {
				this._matcher.push(existingOutput.slice(existingOutput.lastIndexOf('\n') + 1));
			}
		}
		if (ended) {
			this.onEnd(false);
			return;
		}
		this._options.signal?.addEventListener('abort', this._onAbort, { once: true });
		const timeout = Number.isFinite(this._options.timeoutMs) ? Math.max(0, this._options.timeoutMs) : maxTimerMilliseconds;
		this._timeoutTimer = setTimeout(() => this.finish('timeout'), Math.min(maxTimerMilliseconds, timeout));
		this.watchPartialLine();
		if (this._port !== undefined) {
			this.pollPort(this._port);
		}
	}

	/** New output, decoded: only this is looked at. */
	onText(text: string): void {
		if (this._done || !this._matcher) {
			return;
		}
		const line = this._matcher.push(text);
		if (line !== undefined) {
			this.finish('pattern', { line });
		} else {
			this.watchPartialLine();
		}
	}

	/** The task reached its final status; or, `aborted`, whoever runs it is going away. */
	onEnd(aborted: boolean): void {
		if (aborted) {
			this.finish('aborted');
			return;
		}
		// The last line may have no newline.
		const line = this._matcher?.matchPartial();
		this.finish(line !== undefined ? 'pattern' : 'exited', line !== undefined ? { line } : {});
	}

	private watchPartialLine(): void {
		clearTimeout(this._quietTimer);
		if (this._matcher?.hasPartial) {
			const matcher = this._matcher;
			this._quietTimer = setTimeout(() => {
				const line = matcher.matchPartial();
				if (line !== undefined) {
					this.finish('pattern', { line });
				}
			}, partialLineQuietMilliseconds);
		}
	}

	private pollPort(port: number): void {
		void portAccepts(port, portConnectTimeoutMilliseconds).then((accepted) => {
			if (this._done) {
				return;
			}
			if (accepted) {
				this.finish('port', { port });
			} else {
				this._portTimer = setTimeout(() => this.pollPort(port), portPollMilliseconds);
			}
		});
	}

	private finish(outcome: WaitOutcome, found: WaitFound = {}): void {
		if (this._done) {
			return;
		}
		this._done = true;
		clearTimeout(this._timeoutTimer);
		clearTimeout(this._quietTimer);
		clearTimeout(this._portTimer);
		this._options.signal?.removeEventListener('abort', this._onAbort);
		this._finish(outcome, found);
	}
}

/** The waits on one task: each new piece of its output goes to all of them, and its end ends them all. */
export class TaskWaits {
	private readonly _waits = new Set<OutputWait>();

	/** Someone waits: output must be decoded for them. */
	get active(): boolean {
		return this._waits.size > 0;
	}

	/** Starts a wait that first looks at `existingOutput`; `finish` is called once, when it is over. */
	add(pattern: LinePattern | undefined, port: number | undefined, options: WaitOptions, existingOutput: string, ended: boolean, finish: (outcome: WaitOutcome, found: WaitFound) => void): void {
		const wait = new OutputWait(pattern, port, options, (outcome, found) => {
			this._waits.delete(wait);
			finish(outcome, found);
		});
		this._waits.add(wait);
		wait.start(existingOutput, ended);
	}

	onText(text: string): void {
		for (const wait of [...this._waits]) {
			wait.onText(text);
		}
	}

	/** See {@link OutputWait.onEnd}. */
	onEnd(aborted: boolean): void {
		for (const wait of [...this._waits]) {
			wait.onEnd(aborted);
		}
	}
}

/** The loopback addresses a server may listen on. */
const loopbackHosts = ['127.0.0.1', '::1'];

/** Whether something on this machine accepts TCP connections on the port, over IPv4 or IPv6 loopback. */
export function portAccepts(port: number, timeoutMilliseconds: number): Promise<boolean> {
	return new Promise((resolve) => {
		let pending = loopbackHosts.length;
		let settled = false;
		const sockets: net.Socket[] = [];
		const attempt = (host: string) => {
			let answered = false;
			const socket = net.connect({ host, port });
			sockets.push(socket);
			// Each attempt answers once, whichever of connect, error and timeout comes first.
			const answer = (accepted: boolean) => {
				if (answered) {
					return;
				}
				answered = true;
				socket.destroy();
				pending--;
				if (!settled && (accepted || pending === 0)) {
					settled = true;
					sockets.forEach((other) => other.destroy());
					resolve(accepted);
				}
			};
			socket.setTimeout(timeoutMilliseconds, () => answer(false));
			socket.once('connect', () => answer(true));
			socket.once('error', () => answer(false));
		};
		loopbackHosts.forEach(attempt);
	});
}
