/**
 * What the user does in the transcript: links, copy buttons, expanding tool cards, approval and
 * file-change buttons, the deny reason's keys. One delegated listener for the whole log (cheap for
 * long conversations); it remembers what it sent until the host moves on, so a redraw keeps an
 * answered card's buttons disabled and an expanded card open.
 */

import { CHAT_ERROR_ACTIONS, MAX_DENY_REASON, isOneOf, type ApprovalDecision } from '../src/shared/protocol';
import { linkMessage } from './markdown';
import type { ItemModel } from './model';
import type { ScrollFollower } from './scrollFollower';
import { fillToolBody, markApprovalSent, showDenyForm, toolForCard } from './toolCard';
import type { Post } from './vscode';

export class TranscriptActions {
	private readonly expanded = new Set<string>();
	/** Approvals answered here that the host has not moved on from yet: tool use id → decision sent. */
	private readonly approvals = new Map<string, { decision: ApprovalDecision; key: string }>();
	/** Undos sent that the host has not answered yet: tool use id → the file change they undo. */
	private readonly undos = new Map<string, string>();

	constructor(
		root: HTMLElement,
		private readonly post: Post,
		private readonly follower: ScrollFollower,
	) {
		root.addEventListener('click', (event) => this.onClick(event));
		root.addEventListener('auxclick', (event) => {
			if ((event.target as Element | null)?.closest?.('a')) {
				event.preventDefault();
			}
		});
		root.addEventListener('keydown', (event) => this.onKeyDown(event));
	}

	isExpanded(toolUseId: string): boolean {
		return this.expanded.has(toolUseId);
	}

	/** The decision already sent for a call's approval (its buttons stay disabled until the host answers). */
	approvalSent(toolUseId: string): ApprovalDecision | undefined {
		return this.approvals.get(toolUseId)?.decision;
	}

	/** Whether Undo was already sent for a call's file change. */
	undoSent(toolUseId: string): boolean {
		return this.undos.has(toolUseId);
	}

	/** Another conversation: nothing sent or expanded here applies to it. */
	forget(): void {
		this.expanded.clear();
		this.approvals.clear();
		this.undos.clear();
	}

	/** Forgets what was sent for a call once the host moved on (another state, another file change). */
	settle(item: ItemModel): void {
		if (item.kind !== 'assistant' || (this.approvals.size === 0 && this.undos.size === 0)) {
			return;
		}
		for (const block of item.blocks) {
			if (block.kind !== 'tool') {
				continue;
			}
			const approval = this.approvals.get(block.toolUseId);
			if (approval && (block.state !== 'awaitingApproval' || JSON.stringify(block.approval) !== approval.key)) {
				this.approvals.delete(block.toolUseId);
			}
			const undo = this.undos.get(block.toolUseId);
			if (undo !== undefined && JSON.stringify(block.fileChange) !== undo) {
				this.undos.delete(block.toolUseId);
			}
		}
	}

	private onClick(event: MouseEvent): void {
		const target = event.target as Element | null;
		if (!target || typeof target.closest !== 'function') {
			return;
		}
		const link = target.closest('a');
		if (link) {
			event.preventDefault();
			const message = linkMessage(link.getAttribute('href'));
			if (message) {
				this.post(message);
			}
			return;
		}
		const copy = target.closest<HTMLButtonElement>('button.code-copy');
		if (copy) {
			this.copyCode(copy);
			return;
		}
		const button = target.closest<HTMLElement>('[data-action]');
		if (!button) {
			return;
		}
		const action = button.dataset.action;
		const taskId = button.dataset.taskId;
		if (button.getAttribute('aria-disabled') === 'true') {
			return;
		}
		if (isOneOf(CHAT_ERROR_ACTIONS, action)) {
			this.post({ type: action });
			return;
		}
		switch (action) {
			case 'showTaskOutput':
			case 'revealTask':
				if (taskId) {
					this.post({ type: action, taskId });
				}
				break;
			case 'toggleTool':
				this.toggleTool(button);
				break;
			case 'approve': {
				const decision = button.dataset.decision;
				if (decision === 'run' || decision === 'always') {
					this.sendApproval(button, decision);
				}
				break;
			}
			case 'denyStart':
			case 'denyCancel': {
				const card = button.closest<HTMLElement>('.approval-card');
				if (card) {
					showDenyForm(card, action === 'denyStart');
				}
				break;
			}
			case 'denySubmit':
				this.sendApproval(button, 'deny');
				break;
			case 'openDiff':
			case 'undoFileChange': {
				const card = button.closest<HTMLElement>('.tool-card');
				const tool = card ? toolForCard(card) : undefined;
				if (!tool?.toolUseId) {
					break;
				}
				this.post({ type: action, toolUseId: tool.toolUseId });
				if (action === 'undoFileChange') {
					this.undos.set(tool.toolUseId, JSON.stringify(tool.fileChange));
					button.setAttribute('aria-disabled', 'true');
					button.title = 'Undoing…';
				}
				break;
			}
		}
	}

	/** Enter in a deny reason sends the denial; Escape goes back to the choices (and does not stop the turn). */
	private onKeyDown(event: KeyboardEvent): void {
		const target = event.target as Element | null;
		if (!(target instanceof HTMLInputElement) || !target.classList.contains('approval-reason') || event.isComposing) {
			return;
		}
		const card = target.closest<HTMLElement>('.approval-card');
		if (!card) {
			return;
		}
		if (event.key === 'Enter') {
			event.preventDefault();
			if (!target.readOnly) {
				this.sendApproval(target, 'deny');
			}
		} else if (event.key === 'Escape') {
			event.preventDefault();
			event.stopPropagation();
			if (!target.readOnly) {
				showDenyForm(card, false);
			}
		}
	}

	/** Posts a decision for the card `control` is in, once: its controls stay disabled until the host answers. */
	private sendApproval(control: HTMLElement, decision: ApprovalDecision): void {
		const card = control.closest<HTMLElement>('.approval-card');
		const tool = card ? toolForCard(card) : undefined;
		if (!card || !tool?.toolUseId || tool.state !== 'awaitingApproval' || this.approvals.has(tool.toolUseId)) {
			return;
		}
		const reason = decision === 'deny' ? (card.querySelector<HTMLInputElement>('.approval-reason')?.value.trim() ?? '') : '';
		this.post(
			reason
				? { type: 'approval', toolUseId: tool.toolUseId, decision, reason: reason.slice(0, MAX_DENY_REASON) }
				: { type: 'approval', toolUseId: tool.toolUseId, decision },
		);
		this.approvals.set(tool.toolUseId, { decision, key: JSON.stringify(tool.approval) });
		markApprovalSent(card, decision);
	}

	private toggleTool(header: HTMLElement): void {
		const card = header.closest<HTMLElement>('.tool-card');
		const body = card?.querySelector<HTMLElement>(':scope > .tool-body');
		const tool = card ? toolForCard(card) : undefined;
		if (!card || !body || !tool) {
			return;
		}
		const expanded = header.getAttribute('aria-expanded') !== 'true';
		header.setAttribute('aria-expanded', String(expanded));
		if (expanded) {
			fillToolBody(body, tool);
		}
		body.hidden = !expanded;
		if (tool.toolUseId) {
			if (expanded) {
				this.expanded.add(tool.toolUseId);
			} else {
				this.expanded.delete(tool.toolUseId);
			}
		}
		// Opening a card is reading: do not pull the view down under the reader.
		this.follower.followOnlyAtBottom();
	}

	private copyCode(button: HTMLButtonElement): void {
		const code = button.closest('.code-block')?.querySelector('pre code');
		if (!code) {
			return;
		}
		this.post({ type: 'copy', text: code.textContent ?? '' });
		const iconEl = button.querySelector('.codicon');
		const text = button.querySelector('.code-copy-text');
		button.classList.add('copied');
		iconEl?.classList.replace('codicon-copy', 'codicon-check');
		if (text) {
			text.textContent = 'Copied';
		}
		const previous = copyTimers.get(button);
		if (previous !== undefined) {
			clearTimeout(previous);
		}
		copyTimers.set(
			button,
			setTimeout(() => {
				button.classList.remove('copied');
				iconEl?.classList.replace('codicon-check', 'codicon-copy');
				if (text) {
					text.textContent = '';
				}
				copyTimers.delete(button);
			}, 1500),
		);
	}
}

const copyTimers = new WeakMap<HTMLButtonElement, ReturnType<typeof setTimeout>>();
