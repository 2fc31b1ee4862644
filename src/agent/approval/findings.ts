/**
 * What the walk of one line found: the simple commands it runs, why it must always ask, and the pieces
 * mvdan/sh must read alike (see confirm.ts). Every part of the walk (statements, simple commands, words,
 * arithmetic) adds to the one record, and shares one limit on how deep it may go.
 */
import type { SubCommand } from './analyze';
import type { Probe } from './confirm';
import type { FileRead, FileWrite } from './fileAccess';
import { UnsupportedSyntaxError } from './syntax';

/** How deep the walk may go (statements, words, expansions); deeper lines ask. */
const maximumDepth = 200;

export class Findings {
	private readonly found: SubCommand[] = [];
	private readonly reasons: string[] = [];
	private readonly pieces: Probe[] = [];
	private readonly written: FileWrite[] = [];
	private readonly readFiles: FileRead[] = [];
	private depth = 0;

	get subCommands(): readonly SubCommand[] {
		return this.found;
	}

	/** The files redirections write, in the order found. */
	get writes(): readonly FileWrite[] {
		return this.written;
	}

	/** The files whose contents commands read, in the order found. */
	get reads(): readonly FileRead[] {
		return this.readFiles;
	}

	write(write: FileWrite): void {
		this.written.push(write);
	}

	read(read: FileRead): void {
		this.readFiles.push(read);
	}

	/** Why the line must always ask, in the order found; may repeat. */
	get alwaysAsk(): readonly string[] {
		return this.reasons;
	}

	get probes(): readonly Probe[] {
		return this.pieces;
	}

	record(subCommand: SubCommand): void {
		this.found.push(subCommand);
	}

	ask(reason: string): void {
		this.reasons.push(reason);
	}

	probe(probe: Probe): void {
		this.pieces.push(probe);
	}

	/** One shell word for mvdan/sh to read alike. */
	probeWord(text: string): void {
		this.pieces.push({ kind: 'word', text });
	}

	/** Runs `action` one level deeper; past the limit the line is unparseable (hostile nesting must not overflow the stack). */
	nested(action: () => void): void {
		this.depth++;
		try {
			if (this.depth > maximumDepth) {
				throw new UnsupportedSyntaxError('nesting is too deep');
			}
			action();
		} finally {
			this.depth--;
		}
	}
}
