/**
 * The built package against the n8n-core and n8n-workflow of the line under test (2.41 or 1.123,
 * see scripts/n8n-runtime.sh), outside the n8n app: the package's npm tarball installed as
 * Settings → Community Nodes installs it, loaded by that line's own package loader (every node and
 * credential, their descriptions as the editor receives them), and one node of each vendor run
 * through that line's WorkflowExecute (test/compat/run-in-n8n.ts) against the vendor emulators, on
 * the Node that line's n8n runs on and on any other Node the line supports (N8N_EXTRA_NODE_BINS:
 * Node 20.19 for 1.x). Also type-checks nodes/ and credentials/ against that line's n8n-workflow,
 * so nothing uses an API the older line lacks.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import {
	PACKAGE_NAME,
	currentRuntime,
	installPackage,
	n8nEnv,
	packPackage,
	repoRoot,
	runProcess,
	type N8nSetup,
} from '../../scripts/lib/n8n';
import type { CompatReport, CompatRequest, CompatRun } from '../compat/run-in-n8n';
import {
	demoOutcome,
	startDemoEmulators,
	weComUserId,
	type DemoEmulators,
} from '../emulators/serve';

const root = repoRoot();
const runtime = currentRuntime(root);
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

const nodeBinaries = [
	runtime.nodeBinary,
	...(process.env.N8N_EXTRA_NODE_BINS ?? '').split(delimiter).filter(Boolean),
];

let workDir: string;
let packageDir: string;

function runsFor(emulators: DemoEmulators): CompatRun[] {
	const credentialsOf = (vendor: keyof DemoEmulators['handles']) => ({
		credentialType: emulators.handles[vendor].credentialType,
		credentials: emulators.handles[vendor].credentials,
	});
	return [
		{
			name: 'List WeCom Employees',
			type: 'shiheng',
			parameters: {
				resource: 'employee',
				operation: 'getAll',
				endpointPath: '/open/api/wecom/employee/list',
				returnAll: true,
				pageSize: 50,
				simplify: true,
				options: {},
			},
			items: [{}],
			...credentialsOf('shiheng'),
		},
		{
			name: 'Get Mingdao Relations',
			type: 'mingdao',
			parameters: {
				resource: 'user',
				operation: 'getRelations',
				corpUserIds: '={{ $json.weComUserId }}',
				options: {},
			},
			items: [1, 2, 5].map((n) => ({ weComUserId: weComUserId(n) })),
			...credentialsOf('mingdao'),
		},
		{
			name: 'Get WeLink Status',
			type: 'weLink',
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: 'corpUserId',
				identifier: '={{ $json.corpUserId }}',
				options: {},
			},
			items: [1, 11].map((n) => ({ corpUserId: weComUserId(n) })),
			...credentialsOf('weLink'),
		},
		{
			name: 'List IoT Employees',
			type: 'aliyunIot',
			parameters: {
				resource: 'employee',
				operation: 'getManyByCompany',
				companyId: emulators.aliyunIot.companyId,
				returnAll: true,
			},
			items: [{}],
			...credentialsOf('aliyunIot'),
		},
	];
}

beforeAll(async () => {
	workDir = mkdtempSync(join(tmpdir(), 'employee-sync-compat-'));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, await packPackage(workDir, root), runtime);
	packageDir = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
}, 240_000);

afterAll(() => {
	if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Runs test/compat/run-in-n8n.ts on `nodeBinary` against this line's n8n and returns its report. */
async function loadAndRun(
	nodeBinary: string,
	label: string,
	demo: DemoEmulators,
): Promise<CompatReport> {
	const request: CompatRequest = { appDir: runtime.appDir, packageDir, runs: runsFor(demo) };
	const requestFile = join(workDir, `request-${label}.json`);
	writeFileSync(requestFile, JSON.stringify(request));
	const coreFolder = join(workDir, `n8n-core-${label}`);
	mkdirSync(coreFolder);
	const setup: N8nSetup = {
		userFolder: coreFolder,
		port: 0,
		brokerPort: 0,
		encryptionKey: 'compat-test-key',
		runtime,
	};
	// n8n puts its own module paths on NODE_PATH so community packages find its n8n-workflow.
	const nodePath = [
		join(runtime.appDir, 'node_modules', 'n8n', 'node_modules'),
		join(runtime.appDir, 'node_modules'),
	].join(delimiter);
	const done = await runProcess(
		nodeBinary,
		[join(root, 'build', 'test', 'compat', 'run-in-n8n.js'), requestFile],
		{
			env: n8nEnv(setup, { NODE_PATH: nodePath }),
		},
	);
	if (done.code !== 0)
		throw new Error(
			`run-in-n8n on ${nodeBinary} exited ${done.code}:\n${done.stderr.slice(-4000)}`,
		);
	return JSON.parse(done.stdout.trim().split('\n').pop() ?? '') as CompatReport;
}

function run(report: CompatReport, name: string): CompatReport['runs'][number] {
	const found = report.runs.find((r) => r.name === name);
	if (!found) throw new Error(`no run ${name}`);
	expect({ name, status: found.status, error: found.error }).toEqual({
		name,
		status: 'success',
		error: undefined,
	});
	return found;
}

function pairedIndexes(items: CompatReport['runs'][number]['items']): number[] {
	return items.map(
		({ pairedItem }) =>
			(Array.isArray(pairedItem)
				? (pairedItem[0] as { item: number })
				: (pairedItem as { item: number })
			).item,
	);
}

const nodeVersions = nodeBinaries.map((binary) =>
	spawnSync(binary, ['-v'], { encoding: 'utf8' }).stdout.trim(),
);

describe.each(nodeBinaries.map((binary, i) => ({ binary, version: nodeVersions[i] })))(
	`the package in n8n ${runtime.line}.x's n8n-core and n8n-workflow on Node $version`,
	({ binary, version }) => {
		let demo: DemoEmulators;
		let report: CompatReport;

		beforeAll(async () => {
			// Fresh emulators per Node: WeLink advances a person's state on every status call.
			demo = await startDemoEmulators({ latencyMs: 0 });
			report = await loadAndRun(binary, version, demo);
		}, 120_000);

		afterAll(async () => {
			await demo?.stop();
		});

		test('runs on that Node with that line’s n8n-core and n8n-workflow, and the package resolves that n8n-workflow', () => {
			expect(report.versions.node).toBe(version);
			const installed = (name: string) =>
				(
					JSON.parse(
						readFileSync(join(runtime.appDir, 'node_modules', name, 'package.json'), 'utf8'),
					) as { version: string }
				).version;
			expect(report.versions.n8nCore).toBe(installed('n8n-core'));
			expect(report.versions.n8nWorkflow).toBe(installed('n8n-workflow'));
			expect(report.versions.n8nWorkflow.split('.')[0]).toBe(String(runtime.line));
			expect(
				realpathSync(report.packageResolvesN8nWorkflowTo).startsWith(
					realpathSync(join(runtime.appDir, 'node_modules')),
				),
			).toBe(true);
		});

		test('n8n’s loader imports every node and credential the package declares and builds their descriptions', () => {
			expect(report.packageName).toBe(PACKAGE_NAME);
			expect(report.nodes).toHaveLength(packageJson.n8n.nodes.length);
			expect(report.credentials).toHaveLength(packageJson.n8n.credentials.length);
			const credentialNames = report.credentials.map((c) => c.name).sort();
			for (const node of report.nodes) {
				expect(node.properties).toBeGreaterThan(2);
				// Action nodes are offered to AI agents as tools; a trigger (n8n names them …Trigger) starts a workflow instead.
				expect({ node: node.name, usableAsTool: node.usableAsTool }).toEqual({
					node: node.name,
					usableAsTool: !node.name.endsWith('Trigger'),
				});
				expect(node.credentials.length).toBeGreaterThan(0);
				for (const credential of node.credentials) expect(credentialNames).toContain(credential);
				const icon = node.iconUrl as { light?: string; dark?: string };
				expect(icon.light).toMatch(new RegExp(`^icons/${PACKAGE_NAME}/dist/nodes/.+\\.svg$`));
				expect(icon.dark).toMatch(/\.dark\.svg$/);
			}
			for (const credential of report.credentials) {
				expect(credential.properties).toBeGreaterThan(1);
				// A Test button: Mingdao's is its node's test function, the others are requests with rules.
				expect([credential.name, credential.test]).toEqual([
					credential.name,
					credential.name === 'mingdaoApi' ? 'node function' : 'request',
				]);
				expect(credential.authenticate).not.toBe('none');
			}
			// Every credential is used by some node.
			expect([...new Set(report.nodes.flatMap((n) => n.credentials))].sort()).toEqual(
				credentialNames,
			);
		});

		test('Shiheng lists every WeCom employee in order through WorkflowExecute', () => {
			const { items } = run(report, 'List WeCom Employees');
			expect(items.map((i) => i.json.weComUserId)).toEqual(
				Array.from({ length: demo.employeeCount }, (_, i) => weComUserId(i + 1)),
			);
			expect(new Set(pairedIndexes(items))).toEqual(new Set([0]));
		});

		test('Mingdao maps each item’s id, paired with the item that asked', () => {
			const { items } = run(report, 'Get Mingdao Relations');
			expect(items.map((i) => [i.json.corpUserId, i.json.found])).toEqual([
				[weComUserId(1), demoOutcome(1) !== 'missing-in-mingdao'],
				[weComUserId(2), demoOutcome(2) !== 'missing-in-mingdao'],
				[weComUserId(5), false],
			]);
			expect(pairedIndexes(items)).toEqual([0, 1, 2]);
		});

		test('WeLink reports each person’s sync state', () => {
			const { items } = run(report, 'Get WeLink Status');
			expect(items.map((i) => i.json.corpUserId)).toEqual([weComUserId(1), weComUserId(11)]);
			expect(items[0].json.final).toBe(false);
			expect(items[1].json).toMatchObject({ state: 'notExist', final: true });
			expect(pairedIndexes(items)).toEqual([0, 1]);
		});

		test('Aliyun IoT lists the company’s employees through the signed gateway', () => {
			const { items } = run(report, 'List IoT Employees');
			expect(items.map((i) => i.json.employeeId)).toEqual(
				demo.aliyunIot.companyEmployees().map((e) => e.employeeId),
			);
			expect(new Set(pairedIndexes(items))).toEqual(new Set([0]));
		});
	},
);

test(`nodes/ and credentials/ type-check against n8n ${runtime.line}.x's n8n-workflow`, async () => {
	const config = join(workDir, 'tsconfig.line.json');
	writeFileSync(
		config,
		JSON.stringify({
			extends: join(root, 'tsconfig.build.json'),
			compilerOptions: {
				noEmit: true,
				declaration: false,
				typeRoots: [join(root, 'node_modules', '@types')],
				paths: { 'n8n-workflow': [join(runtime.appDir, 'node_modules', 'n8n-workflow')] },
			},
			include: [join(root, 'nodes', '**', '*.ts'), join(root, 'credentials', '**', '*.ts')],
		}),
	);
	const tsc = await runProcess(
		process.execPath,
		[require.resolve('typescript/bin/tsc'), '-p', config, '--listFiles'],
		{ cwd: root },
	);
	expect(tsc.stdout.split('\n').filter((line) => /error TS\d+/.test(line))).toEqual([]);
	expect(tsc.code).toBe(0);
	// The check really read that line's typings, not the repository's.
	const workflowTypings = tsc.stdout.split('\n').filter((line) => line.includes('/n8n-workflow/'));
	expect(workflowTypings.length).toBeGreaterThan(0);
	const lineTypings = realpathSync(join(runtime.appDir, 'node_modules', 'n8n-workflow'));
	for (const file of workflowTypings) expect(realpathSync(file).startsWith(lineTypings)).toBe(true);
});
