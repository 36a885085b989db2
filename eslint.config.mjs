// n8n's own lint rules for community packages, nodes and credentials (eslint-plugin-n8n-nodes-base
// ships eslintrc-style configs; their rule maps are reused here in flat-config form).
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tsParser from '@typescript-eslint/parser';
import jsoncParser from 'jsonc-eslint-parser';

const { configs } = n8nNodesBase;
const plugins = { 'n8n-nodes-base': n8nNodesBase };

export default [
	{ ignores: ['dist/**', 'build/**', 'node_modules/**', '.tools/**', '.n8n-runtime/**'] },
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins,
		rules: configs.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins,
		rules: configs.credentials.rules,
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins,
		rules: configs.nodes.rules,
	},
];
