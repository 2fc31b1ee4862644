/**
 * Above the composer: the untrusted-workspace banner (with `Manage Workspace Trust`), or, in a trusted
 * workspace, a discreet note when `approval.mode` is not `ask` (so the user knows what runs unasked).
 */

import type { ApprovalMode } from '../src/shared/protocol';
import { actionButton, h, icon } from './dom';
import type { Post } from './vscode';

const UNTRUSTED_TEXT = 'This workspace is not trusted. Meanwhile can read files here, but will not run commands or change files.';

const MODE_NOTES: Record<ApprovalMode, { icon: string; text: string; title: string } | undefined> = {
	ask: undefined,
	never: {
		icon: 'circle-slash',
		text: 'Commands are off (approval.mode: never)',
		title: 'The agent cannot run commands. Change meanwhile.approval.mode to let it ask.',
	},
	auto: {
		icon: 'zap',
		text: 'Commands matching your allow rules run without asking',
		title: 'meanwhile.approval.mode is auto: commands covered by meanwhile.approval.allow run at once; others still ask.',
	},
};

export class TrustBanner {
	/** A status region that is always in the page (a live region must exist before its content changes). */
	readonly el: HTMLElement;
	private trusted = true;
	private mode: ApprovalMode = 'ask';
	private drawn = '';

	constructor(private readonly post: Post) {
		this.el = h('div', { className: 'trust', attrs: { role: 'status' } });
		this.el.addEventListener('click', (event) => {
			if ((event.target as Element | null)?.closest?.('[data-action="manageTrust"]')) {
				this.post({ type: 'manageTrust' });
			}
		});
	}

	update(trusted: boolean, mode: ApprovalMode): void {
		this.trusted = trusted;
		this.mode = mode;
		const key = `${trusted}|${mode}`;
		if (key === this.drawn) {
			return;
		}
		this.drawn = key;
		this.el.replaceChildren(...this.render());
	}

	get isTrusted(): boolean {
		return this.trusted;
	}

	get approvalMode(): ApprovalMode {
		return this.mode;
	}

	private render(): HTMLElement[] {
		if (!this.trusted) {
			return [
				h(
					'div',
					{ className: 'trust-banner' },
					icon('workspace-untrusted', false, 'trust-icon'),
					h(
						'div',
						{ className: 'trust-body' },
						h('p', { className: 'trust-text', text: UNTRUSTED_TEXT }),
						actionButton('Manage Workspace Trust', 'manageTrust', 'secondary-button'),
					),
				),
			];
		}
		const note = MODE_NOTES[this.mode];
		if (!note) {
			return [];
		}
		return [h('div', { className: `mode-note mode-${this.mode}`, attrs: { title: note.title } }, icon(note.icon), h('span', { text: note.text }))];
	}
}
