export interface Logger {
	trace(message: string, ...args: unknown[]): void;
	debug(message: string, ...args: unknown[]): void;
	info(message: string, ...args: unknown[]): void;
	warn(message: string, ...args: unknown[]): void;
	error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
	trace: () => undefined,
	debug: () => undefined,
	info: () => undefined,
	warn: () => undefined,
	error: () => undefined,
};

const keyLike = /\b(sk-ant-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+/g;
const bearerLike = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi;

/** Masks anything that looks like an API key, so logs can be shared safely. */
export function maskSecrets(text: string): string {
	return text.replace(keyLike, '$1…').replace(bearerLike, '$1…');
}
