/**
 * What the user sends while a turn runs. It joins the next request of that turn, or starts the next turn;
 * if the turn fails first, it waits (saved with the conversation, so a reload keeps it) until the user
 * retries or writes again. Each message's promise resolves when the turn that answered it ends.
 */
import type { UserBlock } from './messages';

interface Waiting {
	readonly blocks: readonly UserBlock[];
	readonly resolve: () => void;
}

export class QueuedInput {
	private _waiting: Waiting[] = [];
	/** Taken into a request of the running turn: resolved when that turn ends. */
	private _taken: Array<() => void> = [];

	get isEmpty(): boolean {
		return this._waiting.length === 0;
	}

	/** The blocks waiting, in the order they were sent (saved with the conversation). */
	get blocks(): UserBlock[] {
		return this._waiting.flatMap((entry) => entry.blocks);
	}

	/** A message sent while a turn runs; resolves when the turn that delivers it (or fails to) ends. */
	push(blocks: readonly UserBlock[]): Promise<void> {
		return new Promise((resolve) => this._waiting.push({ blocks, resolve }));
	}

	/** Input saved with the conversation: waits as if just sent, with no one awaiting it. */
	load(blocks: readonly UserBlock[]): void {
		if (blocks.length > 0) {
			this._waiting.push({ blocks, resolve: () => undefined });
		}
	}

	/** Everything waiting, for the next request; its senders are answered when this turn ends. */
	take(): UserBlock[] {
		const blocks = this.blocks;
		this._taken.push(...this._waiting.map((entry) => entry.resolve));
		this._waiting = [];
		return blocks;
	}

	/**
	 * A turn ended. Senders whose input it took get their answer; so do those still waiting when no turn
	 * follows on its own (`willContinue` false: the turn failed or was stopped), since their answer is the error.
	 */
	turnEnded(willContinue: boolean): void {
		const done = this._taken.splice(0);
		if (!willContinue) {
			done.push(...this._waiting.map((entry) => entry.resolve));
			this._waiting = this._waiting.map((entry) => ({ blocks: entry.blocks, resolve: () => undefined }));
		}
		for (const resolve of done) {
			resolve();
		}
	}
}
