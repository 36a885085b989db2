/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	setupFiles: ['<rootDir>/test/harness/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/harness/after-env.ts'],
	testTimeout: 60_000,
	// Worker processes each load n8n-core; two match the machine's two cores.
	maxWorkers: 2,
	// n8n-core keeps native handles (its expression isolate) open after the last test of a file.
	forceExit: true,
};
