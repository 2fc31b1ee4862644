/**
 * Where UTF-8 bytes may be cut. Output arrives in chunks and is held, read and logged in byte ranges
 * whose ends fall anywhere: a cut inside a character would decode as U+FFFD. Every cut of task output
 * is moved to a character boundary here. A character is 1 to 4 bytes: a lead byte, then up to three
 * continuation bytes (10xxxxxx).
 */

/** The longest character; {@link completeUtf8Length} looks at no more than this many bytes at the end. */
export const UTF8_MAX_BYTES = 4;

/** Bytes a character cut in front can leave at the start of a buffer: at most three continuation bytes. */
const maxRemnantBytes = UTF8_MAX_BYTES - 1;

function isContinuation(byte: number): boolean {
	return (byte & 0xc0) === 0x80;
}

/**
 * Where a split UTF-8 character starts at the end of a chunk: the bytes from there wait for the next
 * chunk. Returns the length of the complete part.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
	const length = bytes.length;
	let index = length - 1;
	while (index >= 0 && index > length - UTF8_MAX_BYTES && isContinuation(bytes[index])) {
		index--;
	}
	if (index < 0) {
		return length;
	}
	const lead = bytes[index];
	const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return length - index < needed ? index : length;
}

/**
 * How many bytes at the start of a cut buffer belong to a character that began before it: skip them,
 * so the buffer does not begin with half a character.
 */
export function utf8RemnantLength(bytes: Uint8Array): number {
	let index = 0;
	while (index < bytes.length && index < maxRemnantBytes && isContinuation(bytes[index])) {
		index++;
	}
	return index;
}

/** The bytes to read at a position to find the next character boundary with {@link utf8RemnantLength}. */
export const UTF8_REMNANT_PROBE_BYTES = maxRemnantBytes;
