/**
 * End-to-end on the n8n line scripts/e2e.sh chose (2.41.1 on Node 24, or 1.123.x on Node 22; see
 * scripts/n8n-runtime.sh): a fresh user folder with this package installed from its npm tarball
 * the way users install it, the demo credentials and the example workflows from examples/
 * (test/e2e/instance.ts). Workflows run with `n8n execute --id`; then `n8n start` serves the
 * webhook example and the credential Test button (REST). The editor in a browser is
 * editor.e2e.test.ts (2.x only).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	DEMO_CREDENTIALS,
	DEMO_OWNER,
	EXAMPLE_WORKFLOWS,
	OA_LOGIN_WEBHOOK_PATH,
} from '../../scripts/lib/demo';
import {
	PACKAGE_NAME,
	RestSession,
	executeWorkflow,
	importWorkflowDirectory,
	n8nVersion,
	nodeItems,
	nodePairedItems,
	repoRoot,
	startN8nServer,
	type ExecutionResult,
	type N8nServer,
} from '../../scripts/lib/n8n';
import { VENDORS, demoOutcome, weComUserId, type VendorKey } from '../emulators/serve';
import {
	expectNoSecrets as expectNoSecretsIn,
	prepareInstance,
	type E2eInstance,
} from './instance';

const OUR_NODES: Record<VendorKey, string> = {
	shiheng: `${PACKAGE_NAME}.shiheng`,
	mingdao: `${PACKAGE_NAME}.mingdao`,
	weLink: `${PACKAGE_NAME}.weLink`,
	aliyunIot: `${PACKAGE_NAME}.aliyunIot`,
};

let instance: E2eInstance;

beforeAll(async () => {
	instance = await prepareInstance();
}, 300_000);

afterAll(async () => {
	await instance?.dispose();
});

function expectNoSecrets(text: string): void {
	expectNoSecretsIn(instance, text);
}

function pairedIndexes(result: ExecutionResult, node: string): number[] {
	return nodePairedItems(result, node).map((paired) => {
		const first = Array.isArray(paired)
			? (paired[0] as { item: number })
			: (paired as { item: number });
		return first.item;
	});
}

describe('example workflows run by `n8n execute --id`', () => {
	test('Employee identity sync: lists, maps, waits for WeLink and summarises every outcome', async () => {
		const { result, stdout, stderr } = await executeWorkflow(
			instance.setup,
			EXAMPLE_WORKFLOWS.identitySync,
		);
		expect(result.data.resultData.error).toBeUndefined();
		expect(result.status).toBe('success');

		const employees = nodeItems(result, 'List WeCom Employees');
		expect(employees).toHaveLength(instance.demo.employeeCount);
		expect(employees.map((e) => e.weComUserId)).toEqual(
			Array.from({ length: instance.demo.employeeCount }, (_, i) => weComUserId(i + 1)),
		);

		const relations = nodeItems(result, 'Get Mingdao Relations');
		expect(relations).toHaveLength(instance.demo.employeeCount);
		expect(pairedIndexes(result, 'Get Mingdao Relations')).toEqual(employees.map((_, i) => i));
		relations.forEach((relation, i) => {
			expect(relation.corpUserId).toBe(weComUserId(i + 1));
			expect(relation.found).toBe(demoOutcome(i + 1) !== 'missing-in-mingdao');
		});

		const statuses = nodeItems(result, 'Get WeLink Status');
		expect(statuses).toHaveLength(instance.demo.employeeCount);
		expect(pairedIndexes(result, 'Get WeLink Status')).toEqual(employees.map((_, i) => i));
		const expectedState: Record<string, string> = {
			provisioned: 'opened',
			failed: 'failed',
			saved: 'saved',
			'missing-in-welink': 'notExist',
			'missing-in-mingdao': 'notExist',
		};
		statuses.forEach((status, i) => {
			expect(status.final).toBe(true);
			expect(status.timedOut).toBe(false);
			expect(status.state).toBe(expectedState[demoOutcome(i + 1)]);
		});

		const [summary] = nodeItems(result, 'Summarize Outcomes');
		const outcomes = Array.from({ length: instance.demo.employeeCount }, (_, i) =>
			demoOutcome(i + 1),
		);
		const count = (o: string) => outcomes.filter((x) => x === o).length;
		expect(summary).toMatchObject({
			employees: instance.demo.employeeCount,
			mapped: instance.demo.employeeCount - count('missing-in-mingdao'),
			provisioned: count('provisioned'),
			failed: count('failed'),
			savedWithoutAccount: count('saved'),
			missingInMingdao: count('missing-in-mingdao'),
			missingInWeLink: count('missing-in-welink'),
			pending: 0,
		});
		// The demo company has every outcome, so the sums above are not vacuous.
		for (const o of ['provisioned', 'failed', 'saved', 'missing-in-mingdao', 'missing-in-welink'])
			expect(count(o)).toBeGreaterThan(0);
		expectNoSecrets(stdout + stderr);
	});

	test('WeLink provisioning: submits three hires and waits until each is final', async () => {
		const { result, stdout, stderr } = await executeWorkflow(
			instance.setup,
			EXAMPLE_WORKFLOWS.weLinkProvisioning,
		);
		expect(result.status).toBe('success');
		const submitted = nodeItems(result, 'Submit to WeLink');
		expect(submitted).toHaveLength(3);
		expect(pairedIndexes(result, 'Submit to WeLink')).toEqual([0, 1, 2]);
		const final = nodeItems(result, 'Wait Until Final');
		expect(final.map((s) => [s.corpUserId, s.state, s.final, s.timedOut])).toEqual([
			['hire-1001', 'opened', true, false],
			['hire-1002', 'failed', true, false],
			['hire-1003', 'saved', true, false],
		]);
		// Each person went through the pending stages: the node polled more than once.
		for (const status of final) expect(Number(status.polls)).toBeGreaterThan(1);
		expect(instance.demo.weLink.persons.get('hire-1002')?.settled).toBe(true);
		expectNoSecrets(stdout + stderr);
	});
});

describe('the joiners-and-leavers example run by `n8n execute --id` (its trigger gives a sample joiner and leaver)', () => {
	test('a joiner in a department WeLink does not know ends 47106, has the department created, and ends opened when submitted again', async () => {
		// `n8n execute` needs a manual start: the example's polling trigger is replaced by a start
		// node and a joiner event as the trigger gives it; every other node is the example's own.
		const example = JSON.parse(
			readFileSync(join(repoRoot(), 'examples', 'joiners-and-leavers.json'), 'utf8'),
		) as {
			id: string;
			nodes: Array<Record<string, unknown>>;
			connections: Record<string, unknown>;
		};
		const joiner = {
			event: 'employeeJoined',
			employee: {
				weComUserId: 'wx-e2e-joiner',
				name: '新同事',
				mobileNumber: '13800009999',
				emailAddress: 'joiner@example.com',
			},
		};
		const trigger = example.nodes.find((node) => node.name === 'Shiheng Trigger');
		const workflow = {
			...example,
			id: 'exJoinersE2e01',
			name: 'Joiners and leavers (e2e: manual start)',
			nodes: [
				...example.nodes.filter((node) => node !== trigger),
				{
					parameters: {},
					id: 'e2e-start',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [-240, 0],
				},
				{
					...trigger,
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					credentials: undefined,
					parameters: { jsCode: `return [{ json: ${JSON.stringify(joiner)} }];` },
				},
			],
			connections: {
				...example.connections,
				Start: { main: [[{ node: 'Shiheng Trigger', type: 'main', index: 0 }]] },
			},
		};
		const directory = join(repoRoot(), 'test-output', 'e2e-joiners');
		mkdirSync(directory, { recursive: true });
		writeFileSync(join(directory, 'joiners.json'), JSON.stringify(workflow));
		await importWorkflowDirectory(instance.setup, directory);
		const { result, stdout, stderr } = await executeWorkflow(instance.setup, workflow.id);
		expect(result.data.resultData.error).toBeUndefined();
		expect(result.status).toBe('success');
		const [first] = nodeItems(result, 'Joiner Account Status');
		expect(first).toMatchObject({ code: '47106', state: 'failed', final: true });
		expect(
			nodeItems(result, 'Submit Joiner Department').map((d) => [d.corpDeptCode, d.accepted]),
		).toEqual([['NEW-HIRES', true]]);
		expect(
			nodeItems(result, 'Joiner Department Status').map((d) => [d.corpDeptCode, d.state]),
		).toEqual([['NEW-HIRES', 'succeeded']]);
		const resubmitted = nodeItems(result, 'Resubmitted Joiner Status');
		expect(resubmitted.map((s) => [s.corpUserId, s.state, s.final])).toEqual([
			['wx-e2e-joiner', 'opened', true],
		]);
		expect(nodeItems(result, 'Joiner Mingdao Account').map((r) => r.corpUserId)).toEqual([
			'wx-e2e-joiner',
		]);
		expect(instance.demo.weLink.departments.get('NEW-HIRES')?.exists).toBe(true);
		expectNoSecrets(stdout + stderr);
	});
});

describe('a running n8n (`n8n start`)', () => {
	let server: N8nServer;
	let session: RestSession;

	beforeAll(async () => {
		server = await startN8nServer(instance.setup);
		session = new RestSession(server.baseUrl);
		expect(await session.setupOwner(DEMO_OWNER)).toBe(true);
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
	});

	test('is the n8n of the chosen line', async () => {
		const settings = await session.request<{ versionCli: string }>('GET', '/rest/settings');
		expect(settings.status).toBe(200);
		expect(settings.data.versionCli).toBe(n8nVersion(instance.runtime));
		expect(settings.data.versionCli.split('.')[0]).toBe(String(instance.runtime.line));
	});

	test('loads our four nodes from the installed package, with their icons', async () => {
		const types = await session.request<Array<{ name: string; iconUrl?: unknown; icon?: unknown }>>(
			'GET',
			'/types/nodes.json',
		);
		expect(types.status).toBe(200);
		for (const vendor of VENDORS) {
			const type = types.data.find((t) => t.name === OUR_NODES[vendor]);
			expect(type).toBeDefined();
			const iconUrl = type?.iconUrl as { light: string; dark: string } | undefined;
			expect(iconUrl?.light).toMatch(/\.svg$/);
			for (const url of [iconUrl?.light, iconUrl?.dark]) {
				const icon = await fetch(`${server.baseUrl}/${String(url)}`);
				expect(icon.status).toBe(200);
				expect(await icon.text()).toContain('<svg');
			}
		}
	});

	test('serves every node of the package with its codex: categories and the aliases (Chinese and pinyin) the node picker searches', async () => {
		const types = await session.request<
			Array<{ name: string; codex?: { categories?: string[]; alias?: string[] } }>
		>('GET', '/types/nodes.json');
		expect(types.status).toBe(200);
		const codexDir = join(repoRoot(), 'nodes');
		const codexFiles = readdirSync(codexDir, { withFileTypes: true })
			.filter((entry) => entry.isDirectory())
			.flatMap((vendor) =>
				readdirSync(join(codexDir, vendor.name))
					.filter((file) => file.endsWith('.node.json'))
					.map((file) => join(codexDir, vendor.name, file)),
			);
		// One codex per node: the four vendors' nodes and the Shiheng Trigger.
		expect(codexFiles).toHaveLength(VENDORS.length + 1);
		for (const file of codexFiles) {
			const codex = JSON.parse(readFileSync(file, 'utf8')) as {
				node: string;
				categories: string[];
				alias: string[];
			};
			const served = types.data.find((type) => type.name === codex.node);
			expect({ node: codex.node, codex: served?.codex }).toEqual({
				node: codex.node,
				codex: expect.objectContaining({ categories: codex.categories, alias: codex.alias }),
			});
			expect({
				node: codex.node,
				chinese: codex.alias.some((alias) => /\p{Script=Han}/u.test(alias)),
			}).toEqual({ node: codex.node, chinese: true });
		}
	});

	test.each(VENDORS)(
		'the credential Test button passes for the %s demo credential, and fails with a wrong secret',
		async (vendor) => {
			const { id } = DEMO_CREDENTIALS[vendor];
			const stored = await session.request<{
				id: string;
				name: string;
				type: string;
				data: Record<string, unknown>;
			}>('GET', `/rest/credentials/${id}?includeData=true`);
			expect(stored.status).toBe(200);
			expectNoSecrets(stored.text);
			// What the editor sends when the button is pressed: the stored data, secrets still redacted.
			const passed = await session.request<{ status: string; message: string }>(
				'POST',
				'/rest/credentials/test',
				{
					credentials: {
						id,
						name: stored.data.name,
						type: stored.data.type,
						data: stored.data.data,
					},
				},
			);
			expect(passed.status).toBe(200);
			expect(passed.data).toMatchObject({ status: 'OK' });

			const secretField = Object.keys(instance.demo.handles[vendor].credentials).find((key) =>
				/secret/i.test(key),
			);
			expect(secretField).toBeDefined();
			const failed = await session.request<{ status: string; message: string }>(
				'POST',
				'/rest/credentials/test',
				{
					credentials: {
						id,
						name: stored.data.name,
						type: stored.data.type,
						data: { ...stored.data.data, [String(secretField)]: 'wrong-secret-value' },
					},
				},
			);
			expect(failed.data.status).toBe('Error');
			expectNoSecrets(failed.text);
		},
	);

	test('OA login webhook creates the IoT employee once and answers the caller', async () => {
		const before = instance.demo.aliyunIot.createByAuthCodeCount();
		const call = async (authCode: string) => {
			const response = await fetch(`${server.baseUrl}/webhook/${OA_LOGIN_WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ authCode }),
			});
			return { status: response.status, text: await response.text() };
		};
		const created = await call('DEMO-AUTH-0002');
		expect(created.status).toBe(200);
		const employee = JSON.parse(created.text) as Record<string, unknown>;
		expect(employee.companyId).toBe(instance.demo.aliyunIot.companyId);
		expect(String(employee.employeeId)).toMatch(/^emp/);
		expect(instance.demo.aliyunIot.unusedAuthCodes()).not.toContain('DEMO-AUTH-0002');

		// The code is single-use: a replay is refused, and the node does not retry the create call.
		const replay = await call('DEMO-AUTH-0002');
		expect(replay.text).toMatch(/2459|auth code/i);
		expect(instance.demo.aliyunIot.createByAuthCodeCount() - before).toBe(2);
		expectNoSecrets(created.text + replay.text + server.log());
	});
});
