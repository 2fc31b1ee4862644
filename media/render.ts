/**
 * Builds the elements of the simple transcript items (the user's messages, task notices, errors,
 * information) and the parts messages share. Buttons carry `data-action` and are handled by one
 * delegated listener in the transcript (cheap for long conversations). Replies are
 * `AssistantMessage`s, their tool calls `toolCard`s.
 */

import type { AttachmentView, ChatErrorAction } from '../src/shared/protocol';
import { actionButton, h, icon } from './dom';
import { formatTaskLine, formatTaskStatus, oneLine, taskStatusIcon } from './format';
import type { ItemModel } from './model';

const ACTION_LABELS: Record<ChatErrorAction, string> = {
	retry: 'Retry',
	setApiKey: 'Set API Key',
	openSettings: 'Open Settings',
};

/** The author line of a message (hidden from screen readers: the article's label says who wrote it). */
export function messageHeader(name: string, iconName: string): HTMLElement {
	return h('div', { className: 'message-header', attrs: { 'aria-hidden': 'true' } }, icon(iconName), h('span', { className: 'message-author', text: name }));
}

export function attachmentChip(attachment: AttachmentView, removable: boolean): HTMLElement {
	const chip = h(
		'span',
		{ className: 'chip', attrs: { title: attachment.description || attachment.label, role: 'listitem' } },
		icon('file'),
		h('span', { className: 'chip-label', text: attachment.label }),
	);
	if (removable) {
		const remove = actionButton('', 'removeAttachment', 'chip-remove icon-button', { attachmentId: attachment.id });
		remove.setAttribute('aria-label', `Remove ${attachment.label}`);
		remove.title = `Remove ${attachment.label}`;
		remove.append(icon('close'));
		chip.append(remove);
	}
	return chip;
}

function renderUser(item: Extract<ItemModel, { kind: 'user' }>): HTMLElement {
	const article = h('article', { className: 'message user', attrs: { 'aria-label': 'You', 'data-item-id': item.id } }, messageHeader('You', 'account'));
	if (item.attachments.length > 0) {
		article.append(
			h('div', { className: 'chips message-attachments', attrs: { role: 'list', 'aria-label': 'Attachments' } }, ...item.attachments.map((a) => attachmentChip(a, false))),
		);
	}
	article.append(h('div', { className: 'user-text', text: item.text }));
	return article;
}

function renderNotice(item: Extract<ItemModel, { kind: 'notice' }>): HTMLElement {
	const task = item.task;
	const { icon: iconName, spin } = taskStatusIcon(task.status);
	const line = formatTaskLine(task);
	const command = oneLine(task.command);
	const text = h('span', { className: 'notice-text' }, h('span', { className: 'task-id', text: task.id }));
	if (command) {
		// The backticks stay in the text (the line reads the same to a screen reader or a copy) but are
		// not drawn: the command is set as code instead.
		text.append(
			' ',
			h('code', { className: 'notice-command' }, h('span', { className: 'visually-hidden', text: '`' }), command, h('span', { className: 'visually-hidden', text: '`' })),
		);
	}
	text.append(' ', h('span', { className: 'notice-status', text: formatTaskStatus(task) }));
	const el = h(
		'div',
		{ className: `notice task-${task.status.replace(/\s+/g, '-')}`, attrs: { 'data-item-id': item.id, title: line } },
		icon(iconName, spin, 'notice-icon'),
		text,
	);
	return el;
}

function renderError(item: Extract<ItemModel, { kind: 'error' }>): HTMLElement {
	const el = h(
		'div',
		{ className: 'error-item', attrs: { 'data-item-id': item.id } },
		icon('error', false, 'error-icon'),
		h('div', { className: 'error-body' }, h('div', { className: 'error-message', text: item.message })),
	);
	if (item.actions.length > 0) {
		const actions = h('div', { className: 'error-actions' });
		for (const action of item.actions) {
			actions.append(actionButton(ACTION_LABELS[action], action, 'secondary-button'));
		}
		el.lastElementChild!.append(actions);
	}
	return el;
}

function renderInfo(item: Extract<ItemModel, { kind: 'info' }>): HTMLElement {
	return h('div', { className: 'info-item', attrs: { 'data-item-id': item.id } }, icon('info'), h('span', { text: item.text }));
}

/** The element for a non-assistant item. */
export function renderSimpleItem(item: Exclude<ItemModel, { kind: 'assistant' }>): HTMLElement {
	switch (item.kind) {
		case 'user':
			return renderUser(item);
		case 'notice':
			return renderNotice(item);
		case 'error':
			return renderError(item);
		case 'info':
			return renderInfo(item);
	}
}
