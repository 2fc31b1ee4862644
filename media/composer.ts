/**
 * The composer: attachment chips, the message box with Send (or Stop while a turn runs), and a
 * discreet footer with the model and the token usage.
 */

import type { AttachmentView, UsageView } from '../src/shared/protocol';
import { button, h } from './dom';
import { formatUsage, formatUsageTooltip } from './format';
import { attachmentChip } from './render';
import { debounce } from './schedule';
import type { Post } from './vscode';

/** The tallest the message box grows before it scrolls (px). */
const MAX_INPUT_HEIGHT = 240;

export class Composer {
	readonly el: HTMLElement;
	private readonly input: HTMLTextAreaElement;
	private readonly send: HTMLButtonElement;
	private readonly stop: HTMLButtonElement;
	private readonly actions: HTMLElement;
	private readonly chips: HTMLElement;
	private readonly model: HTMLElement;
	private readonly usage: HTMLElement;
	private busy = false;
	private readonly postDraft: ReturnType<typeof debounce<[string]>>;

	constructor(private readonly post: Post) {
		this.input = h('textarea', {
			className: 'input',
			attrs: {
				'aria-label': 'Message',
				placeholder: 'Ask Meanwhile… (Enter to send)',
				rows: '1',
				spellcheck: 'true',
			},
		});
		this.send = button('', { className: 'icon-button send-button', icon: 'send', ariaLabel: 'Send', title: 'Send (Enter)' });
		this.stop = button('', { className: 'icon-button stop-button', icon: 'debug-stop', ariaLabel: 'Stop', title: 'Stop (Escape)' });
		this.actions = h('div', { className: 'input-actions' }, this.send);
		this.chips = h('div', { className: 'chips composer-attachments', attrs: { role: 'list', 'aria-label': 'Attachments' } });
		this.chips.hidden = true;
		this.model = h('span', { className: 'footer-model' });
		this.usage = h('span', { className: 'footer-usage' });
		this.el = h(
			'div',
			{ className: 'composer' },
			this.chips,
			h('div', { className: 'input-box' }, this.input, this.actions),
			h('div', { className: 'footer' }, this.model, this.usage),
		);
		this.postDraft = debounce((text: string) => this.post({ type: 'draft', text }), 300);

		this.input.addEventListener('keydown', (event) => this.onKeyDown(event));
		this.input.addEventListener('input', () => {
			this.autosize();
			this.updateSendEnabled();
			this.postDraft(this.input.value);
		});
		this.send.addEventListener('click', () => this.submit());
		this.stop.addEventListener('click', () => this.post({ type: 'stop' }));
		this.chips.addEventListener('click', (event) => {
			const remove = (event.target as Element | null)?.closest?.<HTMLElement>('[data-action="removeAttachment"]');
			const attachmentId = remove?.dataset.attachmentId;
			if (attachmentId) {
				this.post({ type: 'removeAttachment', attachmentId });
			}
		});
		// Flush a pending draft when the view goes away so it is not lost.
		window.addEventListener('pagehide', () => this.postDraft.flush());
		this.updateSendEnabled();
	}

	setBusy(busy: boolean): void {
		if (busy === this.busy) {
			return;
		}
		this.busy = busy;
		const from = busy ? this.send : this.stop;
		const to = busy ? this.stop : this.send;
		const hadFocus = document.activeElement === from;
		from.remove();
		this.actions.append(to);
		if (hadFocus) {
			to.focus();
		}
		this.updateSendEnabled();
	}

	get isBusy(): boolean {
		return this.busy;
	}

	/** Whether the message box holds nothing (whitespace counts as nothing). */
	get isEmpty(): boolean {
		return this.input.value.trim().length === 0;
	}

	setDraft(text: string): void {
		this.postDraft.cancel();
		this.input.value = text;
		this.autosize();
		this.updateSendEnabled();
	}

	setAttachments(attachments: readonly AttachmentView[]): void {
		this.chips.replaceChildren(...attachments.map((a) => attachmentChip(a, true)));
		this.chips.hidden = attachments.length === 0;
	}

	setModel(model: string): void {
		this.model.textContent = model;
		this.model.title = model ? `Model: ${model}` : '';
	}

	setUsage(usage: UsageView): void {
		const text = formatUsage(usage);
		this.usage.textContent = text;
		this.usage.title = text ? formatUsageTooltip(usage) : '';
	}

	focus(): void {
		this.input.focus();
		const end = this.input.value.length;
		this.input.setSelectionRange(end, end);
	}

	private onKeyDown(event: KeyboardEvent): void {
		if (event.isComposing || event.keyCode === 229) {
			return;
		}
		if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
			event.preventDefault();
			this.submit();
		} else if (event.key === 'Escape' && this.busy) {
			event.preventDefault();
			this.post({ type: 'stop' });
		}
	}

	private submit(): void {
		const text = this.input.value;
		if (this.busy || text.trim().length === 0) {
			return;
		}
		this.post({ type: 'send', text });
		this.postDraft.cancel();
		this.input.value = '';
		this.post({ type: 'draft', text: '' });
		this.autosize();
		this.updateSendEnabled();
	}

	private updateSendEnabled(): void {
		const empty = this.input.value.trim().length === 0;
		this.send.setAttribute('aria-disabled', String(empty || this.busy));
		this.send.classList.toggle('disabled', empty || this.busy);
	}

	private autosize(): void {
		const style = this.input.style;
		style.height = 'auto';
		const height = Math.min(this.input.scrollHeight, MAX_INPUT_HEIGHT);
		style.height = `${height}px`;
		style.overflowY = this.input.scrollHeight > MAX_INPUT_HEIGHT ? 'auto' : 'hidden';
	}
}
