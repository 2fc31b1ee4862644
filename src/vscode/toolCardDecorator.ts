import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { ToolCardDecorator } from '../agent/session';
import type { ToolCallView } from '../shared/protocol';
import type { ApprovalService } from './approvals';
import type { FileChangeTracker } from './fileChanges';

const FILE_TOOLS: ReadonlySet<string> = new Set(['write_file', 'edit_file']);

/** What only the host knows of a tool card: the open approval request, the file change (diff and undo). */
export class HostToolCardDecorator extends Disposable implements ToolCardDecorator {
	private readonly _onDidChange = this._register(new Emitter<string>());
	readonly onDidChange = this._onDidChange.event;

	constructor(
		private readonly _approvals: ApprovalService,
		private readonly _fileChanges: FileChangeTracker,
	) {
		super();
		this._register(_approvals.onDidChange((toolUseId) => this._onDidChange.fire(toolUseId)));
		this._register(_fileChanges.onDidUpdate((toolUseId) => this._onDidChange.fire(toolUseId)));
	}

	decorate(card: ToolCallView): ToolCallView {
		const approval = card.state === 'awaitingApproval' ? this._approvals.requestFor(card.toolUseId) : undefined;
		const fileChange = FILE_TOOLS.has(card.name) ? this._fileChanges.view(card.toolUseId) : undefined;
		return approval || fileChange ? { ...card, ...(approval ? { approval } : {}), ...(fileChange ? { fileChange } : {}) } : card;
	}
}
