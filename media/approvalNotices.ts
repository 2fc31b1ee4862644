/**
 * Approval cards that appear are said once through a polite status region (outside the log), and the
 * first one's Run takes the focus when the user is not typing.
 */

import { h } from './dom';
import { shortCommand } from './format';
import { toolForCard } from './toolCard';

export class ApprovalNotices {
	/** A polite status region outside the log, for short announcements. */
	readonly el: HTMLElement;
	/** Approval cards already announced (and perhaps focused), so a redraw does not do it again. */
	private readonly announced = new Set<string>();
	private announceTimer: ReturnType<typeof setTimeout> | undefined;

	/** `canTakeFocus`: whether a new approval card may take the focus (the user is not typing somewhere). */
	constructor(private readonly canTakeFocus: () => boolean) {
		this.el = h('div', { className: 'visually-hidden', attrs: { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' } });
	}

	/** Another conversation: its cards are new. */
	forget(): void {
		this.announced.clear();
	}

	/**
	 * Announces approval cards that just appeared in `scope`, and gives the first one's Run the focus
	 * when the user is not typing.
	 */
	notice(scope: HTMLElement): void {
		let focused = false;
		for (const card of scope.querySelectorAll<HTMLElement>('.approval-card')) {
			const id = card.dataset.toolId;
			if (!id || this.announced.has(id)) {
				continue;
			}
			this.announced.add(id);
			const tool = toolForCard(card);
			const command = tool?.approval?.command.trim() ? tool.approval.command : (tool?.summary ?? '');
			this.announce(`Approval needed: ${shortCommand(command, 200)}`);
			if (!focused && !card.classList.contains('approval-pending') && this.canTakeFocus()) {
				const run = card.querySelector<HTMLElement>('[data-decision="run"]');
				if (run) {
					run.focus();
					focused = true;
				}
			}
		}
	}

	/** Says something once through the status region (cleared first so the same words are said again). */
	private announce(text: string): void {
		this.el.textContent = '';
		if (this.announceTimer !== undefined) {
			clearTimeout(this.announceTimer);
		}
		this.announceTimer = setTimeout(() => {
			this.announceTimer = undefined;
			this.el.textContent = text;
		}, 100);
	}
}
