/** `write_file`: creates or overwrites a file of the workspace. */
import { defineTool } from './types';

interface WriteFileInput {
	readonly path: string;
	readonly content: string;
}

export const writeFileTool = defineTool<WriteFileInput>({
	name: 'write_file',
	description: 'Creates a file, or replaces a file\'s whole content, in the workspace. Creates missing folders. To change part of a file, prefer edit_file.',
	inputSchema: {
		type: 'object',
		properties: {
			path: { type: 'string', description: 'The file to write, relative to the workspace folder.' },
			content: { type: 'string', description: 'The whole new content.' },
		},
		required: ['path', 'content'],
	},
	summarize: (input) => input.path,
	async execute(input, context) {
		const result = await context.files.write(input.path, input.content, { toolUseId: context.toolUseId });
		return {
			content: `${result.created ? 'Created' : 'Overwrote'} ${result.path} (${result.bytes} bytes).`,
			summary: `${result.created ? 'created' : 'overwrote'}, ${result.bytes} bytes`,
		};
	},
});
