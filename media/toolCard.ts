/**
 * A tool call's card: its header (name, summary, state), the approval it waits for, the file it
 * changed, the background task it started, and its details (built when first expanded). Buttons carry
 * `data-action` and are handled by the transcript's actions.
 */

import {
	MAX_DENY_REASON,
	type ApprovalDecision,
	type ApprovalRequestView,
	type FileChangeView,
	type TaskView,
	type ToolCallView,
} from '../src/shared/protocol';
import { actionButton, h, icon, statusIcon, uniqueId } from './dom';
import {
	describeLineCounts,
	formatAllowRule,
	formatLineCounts,
	formatTaskStatus,
	oneLine,
	taskStatusIcon,
	toolIcon,
	toolStateIndicator,
} from './format';
import { highlightCode } from './highlight';
import { patchElement } from './patchElement';

/** What a card shows beyond its call: what the user did with it, and the live state of its task. */
export interface RenderContext {
	task(id: string): TaskView | undefined;
	isExpanded(toolUseId: string): boolean;
	/** The decision already sent for a call's approval (its buttons stay disabled until the host answers). */
	approvalSent(toolUseId: string): ApprovalDecision | undefined;
	/** Whether Undo was already sent for a call's file change. */
	undoSent(toolUseId: string): boolean;
}

/** The element of a tool card → the call it shows (to build its details on demand). */
const toolOf = new WeakMap<HTMLElement, ToolCallView>();

export function toolForCard(card: HTMLElement): ToolCallView | undefined {
	return toolOf.get(card);
}

/** What of a tool call the card shows: when it changes, the card is rebuilt. */
export function toolKey(tool: ToolCallView): string {
	return JSON.stringify([
		tool.toolUseId,
		tool.name,
		tool.summary,
		tool.state,
		tool.resultSummary,
		tool.taskId,
		tool.approval,
		tool.fileChange,
		tool.input.length,
		tool.result?.length,
		tool.input,
		tool.result,
	]);
}

export function renderToolCard(tool: ToolCallView, ctx: RenderContext): HTMLElement {
	const indicator = toolStateIndicator(tool.state);
	const bodyId = uniqueId('tool-body');
	const expanded = tool.toolUseId !== '' && ctx.isExpanded(tool.toolUseId);
	const header = h(
		'button',
		{ className: 'tool-header', attrs: { type: 'button', 'data-action': 'toggleTool', 'aria-expanded': String(expanded), 'aria-controls': bodyId } },
		icon('chevron-right', false, 'tool-chevron'),
		icon(toolIcon(tool.name), false, 'tool-icon'),
		h('span', { className: 'tool-name', text: tool.name }),
		h('span', { className: 'tool-summary', text: oneLine(tool.summary) }),
		tool.resultSummary ? h('span', { className: 'tool-result-summary', text: oneLine(tool.resultSummary) }) : null,
		statusIcon(indicator.icon, indicator.label, indicator.spin, 'tool-state'),
	);
	header.title = [tool.name, tool.summary, tool.resultSummary].filter(Boolean).join('\n');
	const approval = tool.state === 'awaitingApproval' && tool.approval && tool.toolUseId ? tool.approval : undefined;
	const card = h(
		'div',
		{
			className: `tool-card state-${tool.state}${approval ? ' approval-card' : ''}`,
			attrs: { role: 'group', 'aria-label': `Tool: ${tool.name}`, 'data-tool-id': tool.toolUseId, tabindex: approval ? '-1' : undefined },
		},
		header,
	);
	if (approval) {
		const section = renderApproval(approval, tool.summary);
		card.append(section);
		card.setAttribute('aria-describedby', section.querySelector('.approval-title')!.id);
		const sent = ctx.approvalSent(tool.toolUseId);
		if (sent) {
			markApprovalSent(card, sent);
		}
	}
	if (tool.fileChange) {
		card.append(renderFileChange(tool.fileChange, tool.toolUseId !== '' && ctx.undoSent(tool.toolUseId)));
	}
	if (tool.taskId) {
		card.append(renderTaskRow(tool.taskId, ctx.task(tool.taskId)));
	}
	const body = h('div', { className: 'tool-body', attrs: { id: bodyId } });
	body.hidden = !expanded;
	card.append(body);
	toolOf.set(card, tool);
	if (expanded) {
		fillToolBody(body, tool);
	}
	return card;
}

/** The same call changed state: updates its card in place (keeps focus and position). */
export function patchToolCard(card: HTMLElement, tool: ToolCallView, ctx: RenderContext): void {
	patchElement(card, renderToolCard(tool, ctx));
	toolOf.set(card, tool);
}

// ---------------------------------------------------------------------------------------------------
// Approval cards
// ---------------------------------------------------------------------------------------------------

const SENT_TEXT: Record<ApprovalDecision, string> = {
	run: 'Allowed once. Waiting for the command to start…',
	always: 'Allowed from now on. Waiting for the command to start…',
	deny: 'Denied. Waiting for the agent…',
};

/**
 * What the user is asked to allow: the command, why it asks, and Run / Always Allow / Deny. Deny first
 * opens an optional reason (Enter or the second Deny sends, Escape or Cancel goes back).
 */
function renderApproval(approval: ApprovalRequestView, summary: string): HTMLElement {
	const titleId = uniqueId('approval-title');
	const command = approval.command.trim() ? approval.command : summary;
	const section = h(
		'div',
		{ className: 'approval' },
		h('div', { className: 'approval-title', attrs: { id: titleId } }, icon('shield'), h('span', { text: approval.tool !== undefined ? 'Approval needed: call this tool of the editor?' : 'Approval needed: run this command?' })),
		h('pre', { className: 'approval-command' }, h('code', { text: command })),
	);
	if (approval.reasons.length > 0) {
		section.append(
			h('ul', { className: 'approval-reasons', attrs: { 'aria-label': 'Why it asks' } }, ...approval.reasons.map((reason) => h('li', { text: reason }))),
		);
	}

	const run = actionButton('Run', 'approve', 'primary-button', { decision: 'run' });
	run.title = 'Run this command once';
	const always = actionButton('Always Allow', 'approve', 'secondary-button', { decision: 'always' });
	const alwaysHelp = h('span', { className: 'visually-hidden', attrs: { id: uniqueId('approval-always') } });
	if (approval.allowRule) {
		const rule = formatAllowRule(approval.allowRule);
		always.title = `Run it, and from now on without asking: ${rule}`;
		alwaysHelp.textContent = `Adds the rule ${rule}`;
	} else {
		// Stays focusable (aria-disabled, not disabled) so the reason can be read.
		always.setAttribute('aria-disabled', 'true');
		always.dataset.unavailable = 'true';
		always.title = 'No allow rule can cover this command: it always asks';
		alwaysHelp.textContent = 'Unavailable: no allow rule can cover this command, it always asks.';
	}
	always.setAttribute('aria-describedby', alwaysHelp.id);
	const deny = actionButton('Deny', 'denyStart', 'secondary-button');
	deny.title = 'Do not run it (you can tell the agent why)';
	const choices = h('div', { className: 'approval-actions approval-choices' }, run, always, deny, alwaysHelp);

	const reason = h('input', {
		className: 'approval-reason',
		attrs: {
			type: 'text',
			'aria-label': 'Reason for denying',
			placeholder: 'optional: tell the agent why',
			maxlength: String(MAX_DENY_REASON),
			autocomplete: 'off',
			spellcheck: 'true',
		},
	});
	const confirm = actionButton('Deny', 'denySubmit', 'primary-button');
	confirm.title = 'Deny, with the reason if you wrote one (Enter)';
	const cancel = actionButton('Cancel', 'denyCancel', 'secondary-button');
	cancel.title = 'Back to the choices (Escape)';
	const denyForm = h('div', { className: 'approval-actions approval-deny' }, reason, confirm, cancel);
	denyForm.hidden = true;

	const status = h('div', { className: 'approval-sent' });
	status.hidden = true;
	section.append(choices, denyForm, status);
	return section;
}

/** Switches an approval card between its choices and the deny reason; focuses the reason or the first Deny. */
export function showDenyForm(card: HTMLElement, open: boolean): void {
	const choices = card.querySelector<HTMLElement>('.approval-choices');
	const form = card.querySelector<HTMLElement>('.approval-deny');
	if (!choices || !form) {
		return;
	}
	choices.hidden = open;
	form.hidden = !open;
	if (open) {
		card.querySelector<HTMLInputElement>('.approval-reason')?.focus();
	} else {
		card.querySelector<HTMLElement>('[data-action="denyStart"]')?.focus();
	}
}

/** After a decision is sent: every control of the card is inert until the host changes its state. */
export function markApprovalSent(card: HTMLElement, decision: ApprovalDecision): void {
	card.classList.add('approval-pending');
	for (const control of card.querySelectorAll<HTMLElement>('.approval button')) {
		control.setAttribute('aria-disabled', 'true');
	}
	const reason = card.querySelector<HTMLInputElement>('.approval-reason');
	if (reason) {
		reason.readOnly = true;
	}
	const status = card.querySelector<HTMLElement>('.approval-sent');
	if (status) {
		status.textContent = SENT_TEXT[decision];
		status.hidden = false;
	}
}

// ---------------------------------------------------------------------------------------------------
// File changes
// ---------------------------------------------------------------------------------------------------

function renderFileChange(change: FileChangeView, undoSent: boolean): HTMLElement {
	const counts = h(
		'span',
		{ className: 'file-counts', attrs: { title: describeLineCounts(change.added, change.removed) } },
		h('span', { className: 'visually-hidden', text: describeLineCounts(change.added, change.removed) }),
	);
	const [plus, minus] = formatLineCounts(change.added, change.removed).split(' ');
	counts.append(
		h('span', { className: 'file-added', text: plus, attrs: { 'aria-hidden': 'true' } }),
		h('span', { className: 'file-removed', text: minus, attrs: { 'aria-hidden': 'true' } }),
	);
	const actions = h('span', { className: 'file-actions' }, actionButton('Open Diff', 'openDiff', 'text-button'));
	if (change.undone) {
		actions.append(h('span', { className: 'file-undone' }, icon('discard'), h('span', { text: 'Undone' })));
	} else {
		const undo = actionButton('Undo', 'undoFileChange', 'text-button');
		if (!change.canUndo || undoSent) {
			undo.setAttribute('aria-disabled', 'true');
			undo.title = undoSent
				? 'Undoing…'
				: 'Cannot undo: the file changed since (or its earlier content is no longer kept)';
		} else {
			undo.title = change.created ? 'Delete the new file' : 'Restore the file as it was before this change';
		}
		actions.append(undo);
	}
	return h(
		'div',
		{ className: `tool-file${change.undone ? ' undone' : ''}` },
		icon(change.created ? 'new-file' : 'file', false, 'file-icon'),
		h('span', { className: 'file-path', text: change.path, attrs: { title: change.path } }),
		change.created ? h('span', { className: 'file-new', text: 'new file' }) : null,
		counts,
		actions,
	);
}

// ---------------------------------------------------------------------------------------------------
// Task row and details
// ---------------------------------------------------------------------------------------------------

function renderTaskRow(taskId: string, task: TaskView | undefined): HTMLElement {
	const row = h('div', { className: 'tool-task', attrs: { 'data-task-id': taskId } });
	row.append(
		h('span', { className: 'task-state' }),
		h('span', { className: 'task-id', text: taskId }),
		h('span', { className: 'task-status' }),
		h(
			'span',
			{ className: 'task-actions' },
			actionButton('Show Output', 'showTaskOutput', 'text-button', { taskId }),
			actionButton('Reveal in Background Tasks', 'revealTask', 'text-button', { taskId }),
		),
	);
	updateTaskRow(row, task);
	return row;
}

/** Shows a task's live status on a card's task row. */
export function updateTaskRow(row: HTMLElement, task: TaskView | undefined): void {
	const state = row.querySelector<HTMLElement>('.task-state');
	const status = row.querySelector<HTMLElement>('.task-status');
	if (!state || !status) {
		return;
	}
	if (!task) {
		state.replaceChildren(icon('circle-large-outline'));
		status.textContent = '';
		row.className = 'tool-task';
		return;
	}
	const { icon: name, spin } = taskStatusIcon(task.status);
	state.replaceChildren(icon(name, spin));
	status.textContent = formatTaskStatus(task);
	row.className = `tool-task task-${task.status.replace(/\s+/g, '-')}`;
}

/** Builds a card's details (input and result) when it is first expanded. */
export function fillToolBody(body: HTMLElement, tool: ToolCallView): void {
	if (body.dataset.filled === 'true') {
		return;
	}
	body.dataset.filled = 'true';
	const input = tool.input.trim();
	if (input) {
		const code = h('code', { className: 'hljs language-json' });
		code.innerHTML = highlightCode(input, input.length < 20_000 ? 'json' : undefined);
		body.append(h('div', { className: 'tool-section-label', text: 'Input' }), h('pre', { className: 'tool-pre' }, code));
	}
	if (tool.result !== undefined) {
		body.append(h('div', { className: 'tool-section-label', text: 'Result' }), h('pre', { className: 'tool-pre tool-result', text: tool.result || '(empty)' }));
	} else if (!input) {
		body.append(h('div', { className: 'tool-section-label', text: 'No details yet.' }));
	}
}
