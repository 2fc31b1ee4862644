/** `edit_file`: replaces one exact occurrence of a text in a file of the workspace. */
import { defineTool } from './types';

interface EditFileInput {
	readonly path: string;
	readonly old_text: string;
	readonly new_text: string;
}

export const editFileTool = defineTool<EditFileInput>({
	name: 'edit_file',
	description:
		'Replaces old_text by new_text in a file of the workspace. old_text must occur exactly once in the file, matching it exactly ' +
		'(whitespace and indentation included); include surrounding lines to make it unique.',
	inputSchema: {
		type: 'object',
		properties: {
			path: { type: 'string', description: 'The file to edit, relative to the workspace folder.' },
			old_text: { type: 'string', description: 'The exact text to replace; must occur exactly once.' },
			new_text: { type: 'string', description: 'The text to put in its place.' },
		},
		required: ['path', 'old_text', 'new_text'],
	},
	summarize: (input) => input.path,
	async execute(input, context) {
		const result = await context.files.edit(input.path, input.old_text, input.new_text, { toolUseId: context.toolUseId });
		return { content: `Edited ${result.path} at line ${result.line}.`, summary: `edited at line ${result.line}` };
	},
});
