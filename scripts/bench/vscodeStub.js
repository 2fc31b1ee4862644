// @ts-check
'use strict';
/**
 * A minimal stand-in for the `vscode` module, enough for an extension's activate() to run in plain
 * Node: the calls activation makes are answered with inert objects, and view registrations are timed.
 * What an extension reads that is not stubbed is answered by a permissive proxy and recorded, so a
 * new API use shows up in the report instead of crashing the benchmark.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

/** Keys that module loaders and promise checks probe on any object: absent, not an API gap. */
const IGNORED_KEYS = new Set(['then', 'toJSON', '__esModule', 'default', 'constructor', 'prototype', 'inspect', 'asymmetricMatch']);

/** @typedef {{ dispose(): void }} DisposableLike */

/**
 * @param {{ onViewRegistered?: (id: string) => void }} [hooks]
 */
function createVscodeStub(hooks = {}) {
	/** @type {Set<string>} */
	const unknownMembers = new Set();
	const noop = () => undefined;
	/** @returns {DisposableLike} */
	const disposable = () => ({ dispose: noop });
	const resolved = () => Promise.resolve(undefined);

	class Disposable {
		/** @param {() => void} [callOnDispose] */
		constructor(callOnDispose) {
			this._callOnDispose = callOnDispose;
		}
		/** @param {...{ dispose(): unknown }} disposables */
		static from(...disposables) {
			return new Disposable(() => disposables.forEach((item) => item.dispose()));
		}
		dispose() {
			this._callOnDispose?.();
		}
	}

	/** @template T */
	class EventEmitter {
		constructor() {
			/** @type {Set<(value: T) => void>} */
			this._listeners = new Set();
			/** @param {(value: T) => void} listener */
			this.event = (listener) => {
				this._listeners.add(listener);
				return { dispose: () => this._listeners.delete(listener) };
			};
		}
		/** @param {T} value */
		fire(value) {
			for (const listener of [...this._listeners]) {
				listener(value);
			}
		}
		dispose() {
			this._listeners.clear();
		}
	}
	const noEvent = () => disposable();

	class Uri {
		/** @param {string} scheme @param {string} fsPath */
		constructor(scheme, fsPath) {
			this.scheme = scheme;
			this.fsPath = fsPath;
			this.path = fsPath;
			this.authority = '';
			this.query = '';
			this.fragment = '';
		}
		/** @param {string} fsPath */
		static file(fsPath) {
			return new Uri('file', fsPath);
		}
		/** @param {string} value */
		static parse(value) {
			const match = /^([a-z][\w+.-]*):(.*)$/i.exec(value);
			return match ? new Uri(match[1], match[2]) : new Uri('file', value);
		}
		/** @param {Uri} base @param {...string} segments */
		static joinPath(base, ...segments) {
			return new Uri(base.scheme, path.posix.join(base.path, ...segments));
		}
		/** @param {Record<string, string>} change */
		with(change) {
			return Object.assign(new Uri(this.scheme, this.fsPath), change);
		}
		toString() {
			return `${this.scheme}://${this.path}`;
		}
		toJSON() {
			return { scheme: this.scheme, path: this.path };
		}
	}

	class ThemeIcon {
		/** @param {string} id @param {unknown} [color] */
		constructor(id, color) {
			this.id = id;
			this.color = color;
		}
	}
	class ThemeColor {
		/** @param {string} id */
		constructor(id) {
			this.id = id;
		}
	}
	class TreeItem {
		/** @param {unknown} label @param {number} [collapsibleState] */
		constructor(label, collapsibleState) {
			this.label = label;
			this.collapsibleState = collapsibleState;
		}
	}
	class MarkdownString {
		/** @param {string} [value] */
		constructor(value = '') {
			this.value = value;
			this.isTrusted = false;
			this.supportThemeIcons = false;
		}
		/** @param {string} text */
		appendMarkdown(text) {
			this.value += text;
			return this;
		}
		/** @param {string} text */
		appendText(text) {
			this.value += text;
			return this;
		}
		/** @param {string} code */
		appendCodeblock(code) {
			this.value += `\n\`\`\`\n${code}\n\`\`\`\n`;
			return this;
		}
	}
	class Position {
		/** @param {number} line @param {number} character */
		constructor(line, character) {
			this.line = line;
			this.character = character;
		}
	}
	class Range {
		/** @param {...unknown} args */
		constructor(...args) {
			this.args = args;
		}
	}
	class Selection extends Range {}
	class WorkspaceEdit {
		constructor() {
			/** @type {unknown[]} */
			this.edits = [];
		}
		/** @param {...unknown} args */
		replace(...args) {
			this.edits.push(args);
		}
		/** @param {...unknown} args */
		insert(...args) {
			this.edits.push(args);
		}
		/** @param {...unknown} args */
		createFile(...args) {
			this.edits.push(args);
		}
	}

	const logChannel = () => ({
		name: 'stub',
		logLevel: 2,
		onDidChangeLogLevel: noEvent,
		trace: noop,
		debug: noop,
		info: noop,
		warn: noop,
		error: noop,
		append: noop,
		appendLine: noop,
		replace: noop,
		clear: noop,
		show: noop,
		hide: noop,
		dispose: noop,
	});

	const configuration = () => ({
		/** @param {string} _key @param {unknown} [fallback] */
		get: (_key, fallback) => fallback,
		has: () => false,
		inspect: () => undefined,
		update: resolved,
	});

	const window = {
		createOutputChannel: logChannel,
		/** @param {string} id */
		createTreeView: (id) => {
			hooks.onViewRegistered?.(id);
			return {
				visible: false,
				selection: [],
				onDidChangeVisibility: noEvent,
				onDidChangeSelection: noEvent,
				onDidExpandElement: noEvent,
				onDidCollapseElement: noEvent,
				reveal: resolved,
				badge: undefined,
				message: undefined,
				title: undefined,
				description: undefined,
				dispose: noop,
			};
		},
		/** @param {string} id */
		registerWebviewViewProvider: (id) => {
			hooks.onViewRegistered?.(id);
			return disposable();
		},
		registerTreeDataProvider: disposable,
		createStatusBarItem: () => ({ text: '', tooltip: '', command: undefined, show: noop, hide: noop, dispose: noop }),
		createTerminal: () => ({ show: noop, dispose: noop, sendText: noop }),
		createQuickPick: () => ({ items: [], show: noop, hide: noop, dispose: noop, onDidAccept: noEvent, onDidHide: noEvent, onDidChangeValue: noEvent }),
		onDidCloseTerminal: noEvent,
		onDidChangeActiveTextEditor: noEvent,
		onDidChangeWindowState: noEvent,
		onDidChangeVisibleTextEditors: noEvent,
		onDidChangeTextEditorSelection: noEvent,
		activeTextEditor: undefined,
		visibleTextEditors: [],
		terminals: [],
		state: { focused: true },
		showInformationMessage: resolved,
		showWarningMessage: resolved,
		showErrorMessage: resolved,
		showQuickPick: resolved,
		showInputBox: resolved,
		showTextDocument: resolved,
		withProgress: (/** @type {unknown} */ _options, /** @type {(progress: unknown) => unknown} */ task) => Promise.resolve(task({ report: noop })),
	};

	const commands = {
		registerCommand: disposable,
		registerTextEditorCommand: disposable,
		executeCommand: resolved,
		getCommands: () => Promise.resolve([]),
	};

	const workspace = {
		getConfiguration: configuration,
		onDidChangeConfiguration: noEvent,
		onDidChangeWorkspaceFolders: noEvent,
		onDidGrantWorkspaceTrust: noEvent,
		onDidChangeTextDocument: noEvent,
		onDidSaveTextDocument: noEvent,
		onDidOpenTextDocument: noEvent,
		onDidCloseTextDocument: noEvent,
		workspaceFolders: undefined,
		textDocuments: [],
		name: undefined,
		isTrusted: true,
		asRelativePath: (/** @type {string | Uri} */ value) => (typeof value === 'string' ? value : value.fsPath),
		openTextDocument: resolved,
		applyEdit: () => Promise.resolve(true),
		fs: { readFile: resolved, writeFile: resolved, stat: resolved, createDirectory: resolved },
		registerTextDocumentContentProvider: disposable,
		createFileSystemWatcher: () => ({ onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose: noop }),
	};

	const lm = {
		registerTool: disposable,
		tools: [],
		invokeTool: resolved,
	};

	const env = {
		clipboard: { readText: () => Promise.resolve(''), writeText: resolved },
		openExternal: () => Promise.resolve(true),
		machineId: 'bench',
		sessionId: 'bench',
		language: 'en',
		appName: 'Visual Studio Code',
		uiKind: 1,
	};

	const api = {
		Disposable,
		EventEmitter,
		Uri,
		ThemeIcon,
		ThemeColor,
		TreeItem,
		MarkdownString,
		Position,
		Range,
		Selection,
		WorkspaceEdit,
		TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
		StatusBarAlignment: { Left: 1, Right: 2 },
		ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
		ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
		ViewColumn: { Active: -1, Beside: -2, One: 1 },
		ExtensionMode: { Production: 1, Development: 2, Test: 3 },
		LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
		window: permissive('window', window),
		commands: permissive('commands', commands),
		workspace: permissive('workspace', workspace),
		env: permissive('env', env),
		lm: permissive('lm', lm),
		version: '1.138.0',
	};

	/**
	 * @template {object} T
	 * @param {string} name
	 * @param {T} target
	 * @returns {T}
	 */
	function permissive(name, target) {
		return new Proxy(target, {
			get(object, key, receiver) {
				if (typeof key === 'string' && !(key in object) && !IGNORED_KEYS.has(key)) {
					unknownMembers.add(`${name}.${key}`);
					return key.startsWith('on') ? noEvent : () => disposable();
				}
				return typeof key === 'string' && IGNORED_KEYS.has(key) && !(key in object) ? undefined : Reflect.get(object, key, receiver);
			},
		});
	}

	const root = permissive('vscode', api);
	return { api: root, unknownMembers, Uri };
}

/**
 * Makes `require('vscode')` return `api` in this process.
 * @param {object} api
 */
function installVscodeStub(api) {
	const moduleWithInternals = /** @type {any} */ (Module);
	const original = moduleWithInternals._resolveFilename;
	const id = path.join(__dirname, '__vscode_stub__.js');
	moduleWithInternals._resolveFilename = function (/** @type {string} */ request, /** @type {unknown[]} */ ...rest) {
		if (request === 'vscode') {
			return id;
		}
		return original.call(this, request, ...rest);
	};
	const stubModule = new Module(id);
	stubModule.filename = id;
	stubModule.loaded = true;
	stubModule.exports = api;
	require.cache[id] = stubModule;
}

/**
 * An ExtensionContext good enough for activate(): real folders for storage, in-memory mementos and secrets.
 * @param {typeof import('vscode').Uri | any} Uri
 * @param {string} extensionPath
 * @param {string} storagePath
 */
function createContext(Uri, extensionPath, storagePath) {
	const memento = () => {
		/** @type {Map<string, unknown>} */
		const values = new Map();
		return {
			keys: () => [...values.keys()],
			/** @param {string} key @param {unknown} [fallback] */
			get: (key, fallback) => (values.has(key) ? values.get(key) : fallback),
			/** @param {string} key @param {unknown} value */
			update: (key, value) => {
				values.set(key, value);
				return Promise.resolve();
			},
			setKeysForSync: () => undefined,
		};
	};
	/** @type {{ dispose(): unknown }[]} */
	const subscriptions = [];
	return {
		subscriptions,
		extensionPath,
		extensionUri: Uri.file(extensionPath),
		storageUri: Uri.file(path.join(storagePath, 'workspace')),
		storagePath: path.join(storagePath, 'workspace'),
		globalStorageUri: Uri.file(path.join(storagePath, 'global')),
		globalStoragePath: path.join(storagePath, 'global'),
		logUri: Uri.file(path.join(storagePath, 'log')),
		logPath: path.join(storagePath, 'log'),
		workspaceState: memento(),
		globalState: memento(),
		secrets: {
			get: () => Promise.resolve(undefined),
			store: () => Promise.resolve(),
			delete: () => Promise.resolve(),
			onDidChange: () => ({ dispose: () => undefined }),
		},
		environmentVariableCollection: { replace: () => undefined, append: () => undefined, prepend: () => undefined, clear: () => undefined },
		extensionMode: 1,
		/** @param {string} relative */
		asAbsolutePath: (relative) => path.join(extensionPath, relative),
		// What package.json contributes is registered at activation (the commands, the tools), as VS Code gives it.
		extension: { id: 'meanwhile.meanwhile', extensionPath, packageJSON: JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) },
	};
}

module.exports = { createVscodeStub, installVscodeStub, createContext };
