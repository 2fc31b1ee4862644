/**
 * The chat webview's entry point: builds the view in `#root`, says `ready`, then applies what the
 * host sends. The host owns all state; this only draws it and reports what the user did.
 */

import { isHostMessage, type HostToWebview } from '../src/shared/protocol';
import { Composer } from './composer';
import { h } from './dom';
import { toApprovalMode, toAttachments, toState, toUsage } from './model';
import { Transcript } from './transcript';
import { TrustBanner } from './trust';
import { createPost } from './vscode';

const post = createPost();
const composer = new Composer(post);
const transcript = new Transcript(post, {
	// An approval card takes the focus only when the view has it and the user is not writing anything.
	canTakeFocus: () => document.hasFocus() && composer.isEmpty && !isTextField(document.activeElement),
});
const trust = new TrustBanner(post);
trust.update(true, 'ask');

const root = document.getElementById('root') ?? document.body.appendChild(h('div', { attrs: { id: 'root' } }));
root.classList.add('chat');
root.replaceChildren(transcript.el, trust.el, composer.el);

function isTextField(el: Element | null): boolean {
	return el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement || (el instanceof HTMLElement && el.isContentEditable);
}

function apply(message: HostToWebview): void {
	switch (message.type) {
		case 'state': {
			const state = toState(message.state);
			trust.update(state.trusted, state.approvalMode);
			transcript.setState(state);
			composer.setBusy(state.busy);
			composer.setAttachments(state.attachments);
			composer.setModel(state.model);
			composer.setUsage(state.usage);
			if (state.draft !== undefined) {
				composer.setDraft(state.draft);
			}
			break;
		}
		case 'itemAdded':
			transcript.addItem(message.item);
			break;
		case 'itemUpdated':
			transcript.updateItem(message.item);
			break;
		case 'textDelta':
			transcript.textDelta(message.itemId, message.blockIndex, message.delta);
			break;
		case 'busy':
			composer.setBusy(message.busy);
			if (!message.busy) {
				transcript.flushNow();
			}
			break;
		case 'taskUpdated':
			transcript.taskUpdated(message.task);
			break;
		case 'attachments':
			composer.setAttachments(toAttachments(message.attachments));
			break;
		case 'usage':
			composer.setUsage(toUsage(message.usage));
			break;
		case 'apiKey':
			transcript.setHasApiKey(message.hasApiKey);
			break;
		case 'focusInput':
			composer.focus();
			break;
		case 'trust':
			trust.update(message.trusted, toApprovalMode(message.approvalMode));
			break;
	}
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
	const data = event.data;
	if (!isHostMessage(data)) {
		return;
	}
	try {
		apply(data);
	} catch {
		// A message that cannot be applied is dropped; the next `state` redraws everything.
	}
});

// Escape stops a running turn from anywhere in the view (the message box handles its own).
document.addEventListener('keydown', (event) => {
	if (event.key === 'Escape' && !event.defaultPrevented && composer.isBusy) {
		event.preventDefault();
		post({ type: 'stop' });
	}
});

post({ type: 'ready' });
