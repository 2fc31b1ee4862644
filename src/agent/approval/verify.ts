/**
 * Makes mvdan/sh confirm the structure `shellSyntax.ts` read, since sh-syntax cannot hand over its own
 * tree (see there). Three checks, each a parse by mvdan/sh:
 * - the line's statements start where ours do (so no `;`, `&` or newline was missed or invented);
 * - every nested list (subshell, block, loop or `if` body, substitution) parsed on its own has the
 *   statements we found in it;
 * - every word we found, written as the target of a redirection (`: > WORD`), is exactly one word to
 *   mvdan/sh, and its parts start where ours do (so quoting, escapes and expansions were read alike;
 *   an operator hidden in a word such as `a&&b` shows as a shorter word). The right side of `=~` gets a
 *   probe of its own.
 * Any difference means we may be checking something other than what bash runs: the caller then treats
 * the line as unparseable.
 *
 * Not confirmed, because mvdan/sh does not hand it out: what is inside double quotes, `${…}`, arithmetic
 * and here-document bodies. There the reader leans towards seeing substitutions (single quotes, for one,
 * protect nothing inside double quotes), so that a mistake makes a line ask rather than run.
 */
import type { CommandParser, ShFile } from './commandParser';
import type { Command, Redirect, Script, Word, WordPart } from './shellSyntax';

/** `$` and `[`: where mvdan/sh splits plain text into several literals. */
const splitsLiterals = new Set([0x24, 0x5b]);

interface Collected {
	readonly scripts: Script[];
	readonly words: Word[];
	readonly regexWords: Word[];
}

/** A description of the first difference, or undefined when mvdan/sh agrees. */
export async function verifyStructure(line: string, script: Script, parsed: ShFile, parser: CommandParser): Promise<string | undefined> {
	const ours = script.statements.map((statement) => byteOffset(line, statement.start));
	const theirs = parsed.Stmts.map((statement) => statement.Pos.Offset);
	if (!sameNumbers(ours, theirs)) {
		return 'the statements of the line';
	}
	const collected: Collected = { scripts: [], words: [], regexWords: [] };
	collectScript(script, collected, true);
	// One parse after the other: each is a wasm instance with memory of its own, and a line can hold
	// thousands of nested lists.
	for (const nested of collected.scripts) {
		const difference = await verifyNestedScript(nested, parser);
		if (difference !== undefined) {
			return difference;
		}
	}
	return (await verifyWords(collected.words, parser)) ?? (await verifyRegexWords(collected.regexWords, parser));
}

async function verifyNestedScript(script: Script, parser: CommandParser): Promise<string | undefined> {
	const text = script.source.slice(script.start, script.end);
	const ours = script.statements.map((statement) => byteOffset(text, statement.start - script.start));
	try {
		const parsed = await parser.parse(text);
		return sameNumbers(ours, parsed.Stmts.map((statement) => statement.Pos.Offset)) ? undefined : `the statements of \`${text}\``;
	} catch {
		return `the list \`${text}\``;
	}
}

/** Words per probe: mvdan/sh's wasm runs out of memory on probes of some thousands of statements. */
const wordsPerProbe = 500;

async function verifyWords(words: readonly Word[], parser: CommandParser): Promise<string | undefined> {
	for (let first = 0; first < words.length; first += wordsPerProbe) {
		const difference = await verifyWordBatch(words.slice(first, first + wordsPerProbe), parser);
		if (difference !== undefined) {
			return difference;
		}
	}
	return undefined;
}

async function verifyWordBatch(words: readonly Word[], parser: CommandParser): Promise<string | undefined> {
	// The space keeps `>(…)` from reading as `>>`.
	const prefix = ': > ';
	let probe = '';
	const starts: number[] = [];
	for (const word of words) {
		starts.push(probe.length + prefix.length);
		probe += `${prefix}${word.text}\n`;
	}
	let parsed: ShFile;
	try {
		parsed = await parser.parse(probe);
	} catch {
		return 'the words of the line';
	}
	if (parsed.Stmts.length !== words.length) {
		return 'the words of the line';
	}
	const probeBytes = Buffer.from(probe, 'utf8');
	for (let index = 0; index < words.length; index++) {
		const word = words[index];
		const redirects = parsed.Stmts[index].Redirs;
		const target = redirects.length === 1 && redirects[0].Op === '>' ? redirects[0].Word : undefined;
		const start = starts[index];
		if (!target || target.Pos.Offset !== byteOffset(probe, start) || target.End.Offset !== byteOffset(probe, start + word.text.length)) {
			return `the word \`${word.text}\``;
		}
		if (!samePartStarts(word, start, probe, probeBytes, target.Parts.map((part) => part.Pos.Offset))) {
			return `the word \`${word.text}\``;
		}
	}
	return undefined;
}

/**
 * Our parts must start where mvdan/sh's do. mvdan/sh also splits plain text at a `$` that starts no
 * expansion (`a$` is two literals to it) and at the `[` of what looks like an array element (`a[0]`), so
 * a start of its inside one of our literals is fine at those two characters.
 */
function samePartStarts(word: Word, probeStart: number, probe: string, probeBytes: Uint8Array, theirs: readonly number[]): boolean {
	const toProbe = (offset: number) => byteOffset(probe, probeStart + offset - word.start);
	const ourStarts = new Set(word.parts.map((part) => toProbe(part.start)));
	const theirStarts = new Set(theirs);
	for (const start of ourStarts) {
		if (!theirStarts.has(start)) {
			return false;
		}
	}
	for (const start of theirStarts) {
		if (ourStarts.has(start)) {
			continue;
		}
		const inLiteral = word.parts.some(
			(part) => part.kind === 'literal' && toProbe(part.start) < start && start < toProbe(part.end) && splitsLiterals.has(probeBytes[start]),
		);
		if (!inLiteral) {
			return false;
		}
	}
	return true;
}

/**
 * The right side of `=~`, where `(`, `|` and `)` are part of the word, cannot be a redirection target:
 * each must close `[[ x =~ WORD ]]` exactly where the probe line ends.
 */
async function verifyRegexWords(words: readonly Word[], parser: CommandParser): Promise<string | undefined> {
	if (words.length === 0) {
		return undefined;
	}
	let probe = '';
	const ends: number[] = [];
	for (const word of words) {
		probe += `[[ x =~ ${word.text} ]]`;
		ends.push(byteOffset(probe, probe.length));
		probe += '\n';
	}
	try {
		const parsed = await parser.parse(probe);
		const same = parsed.Stmts.length === words.length && parsed.Stmts.every((statement, index) => statement.End.Offset === ends[index]);
		return same ? undefined : 'a regular expression after `=~`';
	} catch {
		return 'a regular expression after `=~`';
	}
}

function collectScript(script: Script, collected: Collected, topLevel: boolean): void {
	if (!topLevel && script.statements.length > 0) {
		collected.scripts.push(script);
	}
	for (const statement of script.statements) {
		for (const pipeline of statement.pipelines) {
			for (const command of pipeline.commands) {
				collectCommand(command, collected);
			}
		}
	}
}

function collectCommand(command: Command, collected: Collected): void {
	switch (command.kind) {
		case 'simple':
			for (const element of command.elements) {
				if (element.kind === 'word') {
					collectWord(element, collected);
				} else {
					collectRedirect(element, collected);
				}
			}
			return;
		case 'function':
			collectCommand(command.body, collected);
			return;
		case 'subshell':
		case 'group':
			collectScript(command.body, collected, false);
			break;
		case 'if':
		case 'loop':
			command.lists.forEach((list) => collectScript(list, collected, false));
			break;
		case 'for':
			command.words.forEach((word) => collectWord(word, collected));
			collectParts(command.arithmetic?.parts ?? [], collected);
			collectScript(command.body, collected, false);
			break;
		case 'case':
			collectWord(command.word, collected);
			command.patterns.forEach((word) => collectWord(word, collected));
			command.bodies.forEach((body) => collectScript(body, collected, false));
			break;
		case 'arithmetic':
			collectParts(command.expression.parts, collected);
			break;
		case 'test':
			for (const word of command.words) {
				if (command.regexWords.includes(word)) {
					collected.regexWords.push(word);
					collectParts(word.parts, collected);
				} else {
					collectWord(word, collected);
				}
			}
			break;
	}
	command.redirects.forEach((redirect) => collectRedirect(redirect, collected));
}

function collectRedirect(redirect: Redirect, collected: Collected): void {
	collectWord(redirect.target, collected);
	collectParts(redirect.heredocParts ?? [], collected);
}

function collectWord(word: Word, collected: Collected): void {
	collected.words.push(word);
	collectParts(word.parts, collected);
}

function collectParts(parts: readonly WordPart[], collected: Collected): void {
	for (const part of parts) {
		switch (part.kind) {
			case 'double':
			case 'parameter':
				collectParts(part.parts, collected);
				break;
			case 'arithmetic':
				collectParts(part.expression.parts, collected);
				break;
			case 'command':
			case 'process':
				// The body is a list of its own (for backquotes, read from their unescaped inside).
				collected.scripts.push(part.body);
				collectScript(part.body, collected, true);
				break;
			case 'literal':
			case 'single':
				break;
		}
	}
}

function sameNumbers(left: readonly number[], right: readonly number[]): boolean {
	return left.length === right.length && left.every((value, index) => value === right[index]);
}

/**
 * mvdan/sh counts offsets in UTF-8 bytes, JavaScript strings in UTF-16 units. The table of each text is
 * built once (in one pass), so that long lines with many words stay linear.
 */
const offsetTables = new Map<string, Uint32Array>();

function byteOffset(text: string, index: number): number {
	let table = offsetTables.get(text);
	if (!table) {
		table = new Uint32Array(text.length + 1);
		let bytes = 0;
		for (let unit = 0; unit < text.length; unit++) {
			table[unit] = bytes;
			const code = text.charCodeAt(unit);
			if (code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length) {
				// A surrogate pair is one four-byte character: its second unit adds nothing.
				table[unit + 1] = bytes;
				bytes += 4;
				unit++;
				continue;
			}
			bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
		}
		table[text.length] = bytes;
		// Only the texts of the analyses under way are needed: keep the cache small.
		if (offsetTables.size >= 64) {
			offsetTables.clear();
		}
		offsetTables.set(text, table);
	}
	return table[Math.max(0, Math.min(index, text.length))];
}
