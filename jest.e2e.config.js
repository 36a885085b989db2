/**
 * End-to-end tests (`npm run test:e2e [-- --n8n=1|2]`): a real n8n of the line scripts/e2e.sh
 * chose (N8N_LINE: 2 = n8n 2.41.1 on Node 24, the default; 1 = n8n 1.123.x on Node 22), our
 * package installed from its npm tarball, the four vendor emulators and, on 2.x, Debian's
 * Chromium. Run in band: each n8n process needs several hundred MB.
 * Line 1 runs what users of 1.x depend on (workflows, credentials, webhooks in n8n.e2e.test.ts);
 * the editor test drives 2.x's editor UI and the benchmark measures on 2.x, so both stay on 2.x.
 * @type {import('jest').Config}
 */
const LINE_TWO_ONLY = ['editor.e2e.test.ts', 'bench-smoke.e2e.test.ts'];
const line = process.env.N8N_LINE || '2';

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	testPathIgnorePatterns: [
		'/node_modules/',
		...(line === '1'
			? LINE_TWO_ONLY.map((file) => `/test/e2e/${file.replace(/\./g, '\\.')}$`)
			: []),
	],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 180_000,
	maxWorkers: 1,
	verbose: true,
};
