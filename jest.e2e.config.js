/**
 * End-to-end tests (`npm run test:e2e`): a real n8n 2.41.1 from .n8n-runtime/, our package installed
 * from its npm tarball, the four vendor emulators and Debian's Chromium. One file, run in band: the
 * tests share one n8n instance and each n8n process needs several hundred MB.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 180_000,
	maxWorkers: 1,
	verbose: true,
};
