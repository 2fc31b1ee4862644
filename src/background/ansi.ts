/**
 * Terminal escape codes are kept in the buffer so the UI can colour the output,
 * and removed before output reaches the model, where they only cost tokens.
 */

// CSI (`ESC [` or the 8-bit `0x9B`) sequences: colours, cursor moves, erase line.
const csi = '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]';
// OSC sequences (window titles, hyperlinks) end with BEL or ST; DCS, SOS, PM and APC end with ST.
const stringSequence = '\\u001b[\\]PX^_][\\s\\S]*?(?:\\u0007|\\u001b\\\\)';
// Two- and three-character escapes such as `ESC =`, `ESC (B` or `ESC 7`.
const shortEscape = '\\u001b[ -/]*[0-~]';

const ansiPattern = new RegExp(`${stringSequence}|${csi}|${shortEscape}`, 'g');
// Control characters other than tab, newline and carriage return that survive the sequences above (bell, backspace, a lone ESC).
const strayControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// Also matches ESC and the 8-bit CSI, so text without any escape skips the replacements.
const anyControl = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u009b]/;

export function stripAnsi(text: string): string {
	if (!anyControl.test(text)) {
		return text;
	}
	return text.replace(ansiPattern, '').replace(strayControls, '');
}

/**
 * Progress bars redraw one line with carriage returns; the model only needs what the line said last.
 * A CRLF line ending is kept as a plain newline.
 */
export function collapseCarriageReturns(text: string): string {
	if (!text.includes('\r')) {
		return text;
	}
	return text
		.replace(/\r+\n/g, '\n')
		.split('\n')
		.map((line) => {
			// A redraw that ends in CR (`50%\r`) still shows its text until the next one.
			const drawn = line.replace(/\r+$/, '');
			return drawn.slice(drawn.lastIndexOf('\r') + 1);
		})
		.join('\n');
}

/** The text as the model should read it: no escape codes, no overwritten progress lines. */
export function plainText(text: string): string {
	return collapseCarriageReturns(stripAnsi(text));
}
