import * as vscode from 'vscode';
import { Logger, maskSecrets } from '../common/logger';

function format(message: string | Error, args: readonly unknown[]): string {
	const head = message instanceof Error ? (message.stack ?? message.message) : message;
	const tail = args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : typeof arg === 'string' ? arg : safeJson(arg)));
	return maskSecrets([head, ...tail].join(' '));
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}

/** The Logger over a LogOutputChannel ("Meanwhile" in the Output view); masks anything key-like. */
export class OutputChannelLogger implements Logger, vscode.Disposable {
	constructor(private readonly _channel: vscode.LogOutputChannel) {}

	trace(message: string, ...args: unknown[]): void {
		this._channel.trace(format(message, args));
	}
	debug(message: string, ...args: unknown[]): void {
		this._channel.debug(format(message, args));
	}
	info(message: string, ...args: unknown[]): void {
		this._channel.info(format(message, args));
	}
	warn(message: string, ...args: unknown[]): void {
		this._channel.warn(format(message, args));
	}
	error(message: string | Error, ...args: unknown[]): void {
		this._channel.error(format(message, args));
	}
	dispose(): void {
		this._channel.dispose();
	}
}
