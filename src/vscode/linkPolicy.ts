import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { ellipsize } from '../common/text';
import type { WorkspaceFiles } from '../agent/workspace';

/** The workspace as the link policy sees it: its folders, and where a path really leads. */
export type LinkWorkspace = Pick<WorkspaceFiles, 'roots'> & { resolve(filePath: string): Promise<string> };

/**
 * Opens a link from a reply. Links in replies are untrusted: only web links, and files inside the
 * workspace (also where symbolic links lead, as for the file tools), open; anything else is refused
 * with a warning.
 */
export async function openReplyLink(href: string, files: LinkWorkspace, logger: Logger): Promise<void> {
	const roots = files.roots();
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1]?.toLowerCase();
	if (scheme === 'http' || scheme === 'https' || scheme === 'mailto') {
		await vscode.env.openExternal(vscode.Uri.parse(href, true));
		return;
	}
	// A file link: inside the workspace only, also where symbolic links lead (as for the file tools).
	let candidate: string | undefined;
	if (scheme === 'file') {
		candidate = vscode.Uri.parse(href, true).fsPath;
	} else if (scheme === undefined && roots.length > 0) {
		candidate = path.resolve(roots[0], decodeURIComponent(href.split('#')[0]));
	}
	if (candidate) {
		try {
			const resolved = await files.resolve(candidate);
			await vscode.window.showTextDocument(vscode.Uri.file(resolved), { preview: true });
			return;
		} catch {
			// Outside the workspace, or missing: refused below.
		}
	}
	logger.warn(`Refused to open a link from a reply: ${href}`);
	void vscode.window.showWarningMessage(`Meanwhile does not open this link: ${ellipsize(href, 200)}`);
}
