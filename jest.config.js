const { tmpdir } = require('node:os');
const { join } = require('node:path');

// One folder for the suite-wide secret audit, inherited by every worker (see
// test/harness/secret-audit.ts); scanned and removed by the global teardown.
process.env.EMPLOYEE_SYNC_SECRET_AUDIT_DIR ??= join(
	tmpdir(),
	`employee-sync-secret-audit-${process.pid}`,
);

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
	globalTeardown: '<rootDir>/test/harness/secret-audit.teardown.ts',
	testTimeout: 60_000,
	// Worker processes each load n8n-core; two match the machine's two cores.
	maxWorkers: 2,
	// n8n-core keeps native handles (its expression isolate) open after the last test of a file.
	forceExit: true,
};
