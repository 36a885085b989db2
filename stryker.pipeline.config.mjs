// Mutation testing of the batch pipeline and the lookup (issue 21), the code that decides what is
// sent, what stops a run and which item gets which answer. `npm run test:mutation` runs it after the
// trigger's config; the score and the surviving mutants that change nothing: README.md (Testing).

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'jest',
	jest: {
		configFile: 'jest.config.js',
		// The pipeline's and the lookup's own tests, chosen rather than found: related-test lookup pulls
		// in every operation test, which would take hours per run.
		enableFindRelatedTests: false,
		config: {
			testMatch: [
				'<rootDir>/test/shared/pipeline.test.ts',
				'<rootDir>/test/shared/pipeline-contract.test.ts',
				'<rootDir>/test/shared/lookup.test.ts',
				'<rootDir>/test/shared/paging-batching.test.ts',
			],
			// One test process at a time: the machine's cores are shared.
			maxWorkers: 1,
		},
	},
	coverageAnalysis: 'perTest',
	mutate: ['nodes/shared/execution/batching.ts', 'nodes/shared/execution/lookup.ts'],
	ignorePatterns: ['.n8n-runtime', '.n8n-runtime-1x', 'bench/out', 'bench/tmp'],
	concurrency: 1,
	timeoutMS: 15_000,
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: 'test-output/mutation/pipeline/index.html' },
	jsonReporter: { fileName: 'test-output/mutation/pipeline/mutation.json' },
	tempDirName: 'test-output/stryker-tmp-pipeline',
	incremental: false,
	cleanTempDir: true,
};
