// Lint as n8n's own community-node tooling does (@n8n/node-cli's eslint config, in its variant for
// packages that are not meant for n8n Cloud), plus typescript-eslint over tests, benchmark and
// scripts. Every rule switched off carries its reason on the line.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodes = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'build/**',
			'node_modules/**',
			'.tools/**',
			'.tools-*/**',
			'.n8n-runtime*/**',
			'coverage/**',
			'test-output/**',
			'bench/tmp/**',
		],
	},
	{
		files: ['**/*.ts'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			importX.configs['flat/recommended'],
		],
		settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
		rules: {
			'prefer-spread': 'off', // as @n8n/node-cli: n8n's own code style uses apply freely
			'no-console': 'error',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [communityNodes],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			// This is a self-hosted package (README "Install"): undici is its HTTP transport and ioredis
			// shares tokens and rate limits across queue-mode workers; both are stated in the README.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// A community credential links the vendor's own documentation, not an n8n docs slug.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// As @n8n/node-cli: the community plugin's credential-password-field rule replaces it.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// As @n8n/node-cli: these three assume n8n's own repository conventions.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// n8n's versioned-node layout keeps a node's description in actions/versionDescription.ts;
		// this rule expects every description inside a *.node.ts file.
		files: ['nodes/*/actions/versionDescription.ts'],
		rules: { 'n8n-nodes-base/node-filename-against-convention': 'off' },
	},
	{
		// For the same reason the node file holds no description literal for this rule to read; the
		// icons are checked where they are resolved, next to the built node (scripts/check-dist.js).
		files: ['nodes/*/*.node.ts'],
		rules: { '@n8n/community-nodes/icon-validation': 'off' },
	},
	{
		// The transport and the vendor clients know nothing of n8n: they throw typed errors
		// (ParameterError, VendorApiError, TransportError) that nodes/shared/errors.ts turns into
		// NodeApiError / NodeOperationError, redacted and naming item and field, in one place.
		files: ['nodes/shared/**/*.ts', 'nodes/*/transport/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		files: ['package.json'],
		extends: [communityNodes],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		rules: {
			...n8nNodesBase.configs.community.rules,
			// See above: the runtime dependencies are deliberate and explained in the README.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			// Tests, the benchmark and the start scripts report to a terminal on purpose.
			'no-console': 'off',
		},
	},
);
