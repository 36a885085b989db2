// `npm run test:mutation`: mutation testing of the Shiheng Trigger's diff and state code (issue 20),
// the code whose mistakes would fire a false Left or an event twice. Score and the surviving mutants
// that change nothing: README.md (Testing). Kept out of .ci/run: it reruns the trigger's tests once
// per mutant (see the README for the time). The batch pipeline and the lookup have their own config,
// stryker.pipeline.config.mjs, which scripts/mutation.sh runs after this one.
// Every mutant of the diff reruns the property test: fewer random histories there per run, and
// always the same ones, so that the score is the same from run to run.
process.env.FC_RUNS ??= '8';
process.env.FC_SEED ??= '20';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	testRunner: 'jest',
	jest: {
		configFile: 'jest.config.js',
		// The trigger's tests, chosen here rather than found: related-test lookup pulls in every test
		// that loads a Shiheng node. trigger-state-size.test.ts is left out: its two 100,000-employee
		// polls (10 s alone) would rerun for every mutant of the packing, and they assert sizes, not decisions.
		enableFindRelatedTests: false,
		config: {
			testMatch: [
				'<rootDir>/test/shiheng/trigger-diff.test.ts',
				'<rootDir>/test/shiheng/trigger-safety.test.ts',
				'<rootDir>/test/shiheng/trigger-property.test.ts',
				'<rootDir>/test/shiheng/trigger.test.ts',
			],
			// One test process at a time: the machine's cores are shared.
			maxWorkers: 1,
		},
	},
	coverageAnalysis: 'perTest',
	mutate: [
		'nodes/Shiheng/helpers/changes.ts',
		'nodes/Shiheng/helpers/employeeMemory.ts',
		'nodes/Shiheng/trigger/state.ts',
	],
	// The n8n installs (links in a helper's worktree) are not needed by the unit tests, and huge.
	ignorePatterns: ['.n8n-runtime', '.n8n-runtime-1x', 'bench/out', 'bench/tmp'],
	concurrency: 1,
	// Added to a test's own time before a mutant counts as a timeout (an endless loop, usually).
	timeoutMS: 15_000,
	reporters: ['clear-text', 'progress', 'html', 'json'],
	htmlReporter: { fileName: 'test-output/mutation/trigger/index.html' },
	jsonReporter: { fileName: 'test-output/mutation/trigger/mutation.json' },
	tempDirName: 'test-output/stryker-tmp',
	incremental: false,
	cleanTempDir: true,
};
