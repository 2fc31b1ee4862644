/**
 * What every request to the MCP server must show before the SDK sees it: that it was addressed to this
 * server on the loopback (a web page that rebinds a name of its own to 127.0.0.1 sends its own `Host`,
 * and browsers send an `Origin`), and this window's secret token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A fresh secret: 256 random bits, URL-safe, for the `Authorization: Bearer` header. */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/** Whether the `Authorization` header carries exactly this token; the comparison takes the same time whatever the header holds. */
export function hasBearerToken(authorization: string | undefined, token: string): boolean {
	const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
	// Comparing digests keeps the lengths equal, so the time says nothing of the token's length either.
	const given = createHash('sha256').update(match?.[1] ?? '').digest();
	const expected = createHash('sha256').update(token).digest();
	return timingSafeEqual(given, expected) && match !== null;
}

/** The names a client on this machine reaches the server by. */
function loopbackHosts(port: number): readonly string[] {
	return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** The SDK's own DNS rebinding check is given the same lists (a second line of defence). */
export function allowedHosts(port: number): string[] {
	return [...loopbackHosts(port)];
}

export function allowedOrigins(port: number): string[] {
	return loopbackHosts(port).map((host) => `http://${host}`);
}

/**
 * Why a request's `Host` or `Origin` shows it was not meant for this server, or undefined when both are
 * fine. A request without `Origin` (a CLI agent, Node's fetch) passes; one with an `Origin` must come from the server's own address.
 */
export function addressProblem(headers: IncomingHttpHeaders, port: number): string | undefined {
	const host = headers.host?.toLowerCase();
	if (host === undefined || !loopbackHosts(port).includes(host)) {
		return `Invalid Host header: ${host ?? '(none)'}`;
	}
	const origin = headers.origin;
	if (origin !== undefined && !allowedOrigins(port).includes(origin.toLowerCase())) {
		return `Invalid Origin header: ${origin}`;
	}
	return undefined;
}
