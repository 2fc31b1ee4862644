/** `read_file`: a text file of the workspace. */
import { capOutput } from './output';
import { defineTool } from './types';

interface ReadFileInput {
	readonly path: string;
	readonly limit?: number;
}

export const readFileTool = defineTool<ReadFileInput>({
	name: 'read_file',
	description: 'Reads a text file of the workspace. The path is relative to the workspace folder, or absolute inside it. `limit` reads only the first lines.',
	inputSchema: {
		type: 'object',
		properties: {
			path: { type: 'string', description: 'The file to read.' },
			limit: { type: 'integer', description: 'Read at most this many lines from the top.' },
		},
		required: ['path'],
	},
	summarize: (input) => input.path,
	async execute(input, context) {
		if (input.limit !== undefined && input.limit < 1) {
			return { content: 'limit must be at least 1.', isError: true, summary: 'invalid limit' };
		}
		const result = await context.files.read(input.path, { limit: input.limit });
		if (result.totalLines === 0) {
			return { content: '(the file is empty)', summary: 'empty' };
		}
		const more = result.shownLines < result.totalLines ? `\n[showing lines 1-${result.shownLines} of ${result.totalLines}]` : '';
		return {
			content: capOutput(result.text, { logPath: result.path }) + more,
			summary: `${result.shownLines} line${result.shownLines === 1 ? '' : 's'}`,
		};
	},
});
