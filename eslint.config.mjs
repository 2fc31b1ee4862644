// @ts-check
import tseslint from 'typescript-eslint';

const noVscode = {
	name: 'vscode',
	message: 'Only src/vscode/** and src/extension.ts may import vscode (see ARCHITECTURE.md).',
};

export default tseslint.config(
	{
		ignores: ['node_modules/**', 'dist/**', 'out/**', '.test-runs/**', '**/*.d.ts'],
	},
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.base],
		languageOptions: {
			parserOptions: {
				projectService: {
					allowDefaultProject: ['esbuild.mjs', 'eslint.config.mjs'],
				},
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/await-thenable': 'error',
			'no-console': 'error',
			eqeqeq: ['error', 'always', { null: 'ignore' }],
			curly: 'error',
		},
	},
	{
		// The boundaries: common and shared import nothing of ours; background knows nothing of agent;
		// only src/vscode/** and src/extension.ts import vscode; media imports only src/shared.
		files: ['src/common/**/*.ts', 'src/shared/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ regex: '^\\.\\./(?!common/)', message: 'common and shared import nothing of ours.' }] }],
		},
	},
	{
		files: ['src/background/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/agent/**', '**/vscode/**'], message: 'background knows nothing of agent or vscode.' }] }],
		},
	},
	{
		files: ['src/agent/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/vscode/**'], message: 'agent does not import the vscode adapters.' }] }],
		},
	},
	{
		files: ['src/mcp/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/vscode/**'], message: 'the MCP server runs in plain Node: the vscode adapters give it what it needs.' }] }],
		},
	},
	{
		files: ['media/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ regex: '^\\.\\./(?!src/shared/)', message: 'media imports only src/shared.' }] }],
		},
	},
	{
		files: ['test/unit/**/*.ts', 'test/fixtures/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/src/vscode/**', '**/src/extension'], message: 'unit tests run in plain Node.' }] }],
			'no-console': 'off',
		},
	},
	{
		files: ['test/integration/**/*.ts', 'test/ui/**/*.ts', 'test/harness/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
);
