// @ts-check
'use strict';
/**
 * The activation baseline: an extension that does nothing but register the same two views as
 * Meanwhile (a tree and a webview view) with providers that do nothing. Bundled by build.js.
 */
const vscode = require('vscode');

/** @param {import('vscode').ExtensionContext} context */
function activate(context) {
	/** @type {import('vscode').TreeDataProvider<string>} */
	const tree = { getTreeItem: (element) => new vscode.TreeItem(element), getChildren: () => [] };
	context.subscriptions.push(vscode.window.createTreeView('meanwhile.tasks', { treeDataProvider: tree }));
	context.subscriptions.push(vscode.window.registerWebviewViewProvider('meanwhile.chat', { resolveWebviewView: () => undefined }));
	return {};
}

function deactivate() {}

module.exports = { activate, deactivate };
