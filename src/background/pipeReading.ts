import type { Readable } from 'node:stream';

/** The most one read takes: more than a pipe (64 KiB on Linux) or a socket pair's buffer holds. */
const READ_BUFFER_BYTES = 256 * 1024;

/** How a pipe is read: into one reused buffer, or as Node's 'data' events (a new buffer per read). */
export type PipeReading = 'reused buffer' | 'data events';

/** What Node's stream base reads with when a socket is given `onread` (see {@link readPipe}). */
interface UserBufferHandle {
	useUserBuffer(buffer: Uint8Array): void;
}

/**
 * Delivers what a child process's stdout or stderr carries to `listener`, chunk by chunk, in order,
 * until the pipe ends (its 'end' and 'close' events come as usual); `pause()` and `resume()` of the
 * stream hold the producer back as usual too.
 *
 * By default Node reads every chunk of a pipe into a buffer of its own, allocated for that read and
 * freed by a later garbage collection. For a task printing a gigabyte that is tens of thousands of
 * allocations, each touching fresh memory: in the extension host, a profile of such a flood spent
 * more time in the garbage collector and in page faults than in everything else together. Node can
 * read a socket into one buffer the caller owns instead: the public `onread` option of `net.connect`.
 * A child's pipes are such sockets, but Node gives no option to ask for it when it creates them, so
 * the same switch is made here by hand, on a pipe nothing has read from yet: its handle reads into
 * this buffer, and the stream calls the callback `onread` would have set, which Node keeps under
 * symbols of its own (`kBuffer`, `kBufferCb`). Where any of that is missing (another runtime, a
 * change in Node), the pipe is read through 'data' events, as before.
 *
 * `listener` gets a view of the reused buffer, valid only until it returns: whoever keeps bytes
 * beyond that copies them.
 */
export function readPipe(stream: Readable, listener: (chunk: Buffer) => void): PipeReading {
	const symbols = Object.getOwnPropertySymbols(stream);
	const bufferKey = symbols.find((symbol) => symbol.description === 'kBuffer');
	const callbackKey = symbols.find((symbol) => symbol.description === 'kBufferCb');
	const own = stream as unknown as Record<symbol, unknown> & { _handle?: Partial<UserBufferHandle> | null };
	const handle = own._handle;
	const untouched = bufferKey !== undefined && callbackKey !== undefined && own[bufferKey] === null && own[callbackKey] === null && stream.readableLength === 0;
	if (!untouched || !handle || typeof handle.useUserBuffer !== 'function') {
		stream.on('data', listener);
		return 'data events';
	}
	const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
	handle.useUserBuffer(buffer);
	own[bufferKey] = buffer;
	own[callbackKey] = (bytes: number) => {
		listener(buffer.subarray(0, bytes));
	};
	// Flowing, so its end is seen (there is no 'data' listener to make it flow).
	stream.resume();
	return 'reused buffer';
}
