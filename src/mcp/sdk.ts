/**
 * The parts of the official MCP SDK the server uses, loaded when the server first starts: most windows
 * never turn it on, so the SDK (and zod, ajv, hono) must not cost the extension's activation. In the
 * bundle these `require()`s point at dist/mcp-sdk.js (scripts/extensionBundle.js).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

export interface McpSdk {
	readonly McpServer: typeof McpServer;
	readonly StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
	readonly ListToolsRequestSchema: typeof ListToolsRequestSchema;
	readonly CallToolRequestSchema: typeof CallToolRequestSchema;
	readonly McpError: typeof McpError;
	readonly ErrorCode: typeof ErrorCode;
}

let loaded: McpSdk | undefined;

export function mcpSdk(): McpSdk {
	if (!loaded) {
		const server = require('@modelcontextprotocol/sdk/server/mcp.js') as Pick<McpSdk, 'McpServer'>;
		const transport = require('@modelcontextprotocol/sdk/server/streamableHttp.js') as Pick<McpSdk, 'StreamableHTTPServerTransport'>;
		const types = require('@modelcontextprotocol/sdk/types.js') as Pick<McpSdk, 'ListToolsRequestSchema' | 'CallToolRequestSchema' | 'McpError' | 'ErrorCode'>;
		loaded = {
			McpServer: server.McpServer,
			StreamableHTTPServerTransport: transport.StreamableHTTPServerTransport,
			ListToolsRequestSchema: types.ListToolsRequestSchema,
			CallToolRequestSchema: types.CallToolRequestSchema,
			McpError: types.McpError,
			ErrorCode: types.ErrorCode,
		};
	}
	return loaded;
}
