// `npm run test:mutation -- stryker.full.config.mjs`: mutation testing of the code whose mistakes
// would fire a false event or send a doomed request (the trigger's diff and state, the batch
// pipeline and the lookup), with every related test for each mutant: hours, so not in .ci/run and
// its score not measured. The trigger's own run (stryker.config.mjs, `npm run test:mutation`) and
// its score: README.md (Development).
// Every mutant the trigger's property test covers reruns it: fewer random histories there.
process.env.FC_RUNS ??= '8';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'jest',
	jest: {
		configFile: 'jest.config.js',
		enableFindRelatedTests: true,
		// The 100,000-employee state-size polls take minutes per mutant and assert sizes, not decisions.
		config: { testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/shiheng/trigger-state-size.test.ts'] },
	},
	coverageAnalysis: 'perTest',
	mutate: [
		'nodes/Shiheng/helpers/changes.ts',
		'nodes/Shiheng/trigger/state.ts',
		'nodes/shared/batching.ts',
		'nodes/shared/lookup.ts',
	],
	// The n8n installs (links in a helper's worktree) are not needed by the unit tests, and huge.
	ignorePatterns: ['.n8n-runtime', '.n8n-runtime-1x', 'bench/out', 'bench/tmp'],
	concurrency: 2,
	timeoutMS: 60_000,
	reporters: ['clear-text', 'progress', 'html'],
	htmlReporter: { fileName: 'test-output/mutation/index.html' },
	tempDirName: 'test-output/stryker-tmp',
	incremental: false,
	cleanTempDir: true,
};
