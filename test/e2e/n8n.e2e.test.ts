/**
 * End-to-end: a real n8n 2.41.1 (from .n8n-runtime/, see scripts/n8n-runtime.sh) with a fresh user
 * folder, this package installed from its npm tarball the way users install it, the demo
 * credentials and the example workflows from examples/. Workflows run with `n8n execute --id`; then
 * `n8n start` serves the webhook example, the credential Test button (REST) and the editor, which
 * Debian's Chromium drives through playwright-core. Screenshots go to docs/screenshots/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { DEMO_CREDENTIALS, DEMO_OWNER, EXAMPLE_WORKFLOWS, OA_LOGIN_WEBHOOK_PATH, demoCredentialImports, demoSecrets } from '../../scripts/lib/demo';
import {
	PACKAGE_NAME,
	RestSession,
	executeWorkflow,
	freePort,
	importCredentials,
	importWorkflowDirectory,
	installPackage,
	nodeItems,
	nodePairedItems,
	packPackage,
	publishWorkflow,
	repoRoot,
	startN8nServer,
	type ExecutionResult,
	type N8nServer,
	type N8nSetup,
} from '../../scripts/lib/n8n';
import { VENDORS, demoOutcome, startDemoEmulators, weComUserId, type DemoEmulators, type VendorKey } from '../emulators/serve';

const root = repoRoot();
const screenshots = join(root, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const OUR_NODES: Record<VendorKey, { type: string; displayName: string }> = {
	shiheng: { type: `${PACKAGE_NAME}.shiheng`, displayName: 'Shiheng' },
	mingdao: { type: `${PACKAGE_NAME}.mingdao`, displayName: 'Mingdao' },
	weLink: { type: `${PACKAGE_NAME}.weLink`, displayName: 'WeLink' },
	aliyunIot: { type: `${PACKAGE_NAME}.aliyunIot`, displayName: 'Aliyun IoT' },
};

let workDir: string;
let demo: DemoEmulators;
let setup: N8nSetup;
let secrets: string[];

beforeAll(async () => {
	workDir = mkdtempSync(join(tmpdir(), 'employee-sync-e2e-'));
	demo = await startDemoEmulators({ latencyMs: 5 });
	setup = {
		userFolder: join(workDir, 'user'),
		port: await freePort(),
		brokerPort: await freePort(),
		encryptionKey: 'e2e-fixed-encryption-key-0123456789',
	};
	secrets = demoSecrets(demo.handles);
	const tarball = await packPackage(workDir, root);
	await installPackage(setup.userFolder, tarball);
	await importCredentials(setup, demoCredentialImports(demo.handles));
	const examples = join(workDir, 'examples');
	cpSync(join(root, 'examples'), examples, { recursive: true });
	await importWorkflowDirectory(setup, examples);
	await publishWorkflow(setup, EXAMPLE_WORKFLOWS.oaLogin);
}, 300_000);

afterAll(async () => {
	await demo?.stop();
	if (workDir && process.env.KEEP_E2E_DIR !== '1') rmSync(workDir, { recursive: true, force: true });
});

function expectNoSecrets(text: string): void {
	for (const secret of secrets) expect(text).not.toContain(secret);
}

function pairedIndexes(result: ExecutionResult, node: string): number[] {
	return nodePairedItems(result, node).map((paired) => {
		const first = Array.isArray(paired) ? (paired[0] as { item: number }) : (paired as { item: number });
		return first.item;
	});
}

describe('example workflows run by `n8n execute --id`', () => {
	test('Employee identity sync: lists, maps, waits for WeLink and summarises every outcome', async () => {
		const { result, stdout, stderr } = await executeWorkflow(setup, EXAMPLE_WORKFLOWS.identitySync);
		expect(result.data.resultData.error).toBeUndefined();
		expect(result.status).toBe('success');

		const employees = nodeItems(result, 'List WeCom Employees');
		expect(employees).toHaveLength(demo.employeeCount);
		expect(employees.map((e) => e.weComUserId)).toEqual(Array.from({ length: demo.employeeCount }, (_, i) => weComUserId(i + 1)));

		const relations = nodeItems(result, 'Get Mingdao Relations');
		expect(relations).toHaveLength(demo.employeeCount);
		expect(pairedIndexes(result, 'Get Mingdao Relations')).toEqual(employees.map((_, i) => i));
		relations.forEach((relation, i) => {
			expect(relation.corpUserId).toBe(weComUserId(i + 1));
			expect(relation.found).toBe(demoOutcome(i + 1) !== 'missing-in-mingdao');
		});

		const statuses = nodeItems(result, 'Get WeLink Status');
		expect(statuses).toHaveLength(demo.employeeCount);
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
		const outcomes = Array.from({ length: demo.employeeCount }, (_, i) => demoOutcome(i + 1));
		const count = (o: string) => outcomes.filter((x) => x === o).length;
		expect(summary).toMatchObject({
			employees: demo.employeeCount,
			mapped: demo.employeeCount - count('missing-in-mingdao'),
			provisioned: count('provisioned'),
			failed: count('failed'),
			savedWithoutAccount: count('saved'),
			missingInMingdao: count('missing-in-mingdao'),
			missingInWeLink: count('missing-in-welink'),
			pending: 0,
		});
		// The demo company has every outcome, so the sums above are not vacuous.
		for (const o of ['provisioned', 'failed', 'saved', 'missing-in-mingdao', 'missing-in-welink']) expect(count(o)).toBeGreaterThan(0);
		expectNoSecrets(stdout + stderr);
	});

	test('WeLink provisioning: submits three hires and waits until each is final', async () => {
		const { result, stdout, stderr } = await executeWorkflow(setup, EXAMPLE_WORKFLOWS.weLinkProvisioning);
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
		expect(demo.weLink.persons.get('hire-1002')?.settled).toBe(true);
		expectNoSecrets(stdout + stderr);
	});
});

describe('a running n8n (`n8n start`)', () => {
	let server: N8nServer;
	let session: RestSession;

	beforeAll(async () => {
		server = await startN8nServer(setup);
		session = new RestSession(server.baseUrl);
		expect(await session.setupOwner(DEMO_OWNER)).toBe(true);
	}, 180_000);

	afterAll(async () => {
		await server?.stop();
	});

	test('loads our four nodes from the installed package, with their icons', async () => {
		const types = await session.request<Array<{ name: string; iconUrl?: unknown; icon?: unknown }>>('GET', '/types/nodes.json');
		expect(types.status).toBe(200);
		for (const vendor of VENDORS) {
			const type = types.data.find((t) => t.name === OUR_NODES[vendor].type);
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

	test.each(VENDORS)('the credential Test button passes for the %s demo credential, and fails with a wrong secret', async (vendor) => {
		const { id } = DEMO_CREDENTIALS[vendor];
		const stored = await session.request<{ id: string; name: string; type: string; data: Record<string, unknown> }>(
			'GET',
			`/rest/credentials/${id}?includeData=true`,
		);
		expect(stored.status).toBe(200);
		expectNoSecrets(stored.text);
		// What the editor sends when the button is pressed: the stored data, secrets still redacted.
		const passed = await session.request<{ status: string; message: string }>('POST', '/rest/credentials/test', {
			credentials: { id, name: stored.data.name, type: stored.data.type, data: stored.data.data },
		});
		expect(passed.status).toBe(200);
		expect(passed.data).toMatchObject({ status: 'OK' });

		const secretField = Object.keys(demo.handles[vendor].credentials).find((key) => /secret/i.test(key));
		expect(secretField).toBeDefined();
		const failed = await session.request<{ status: string; message: string }>('POST', '/rest/credentials/test', {
			credentials: { id, name: stored.data.name, type: stored.data.type, data: { ...stored.data.data, [String(secretField)]: 'wrong-secret-value' } },
		});
		expect(failed.data.status).toBe('Error');
		expectNoSecrets(failed.text);
	});

	test('OA login webhook creates the IoT employee once and answers the caller', async () => {
		const before = demo.aliyunIot.createByAuthCodeCount();
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
		expect(employee.companyId).toBe(demo.aliyunIot.companyId);
		expect(String(employee.employeeId)).toMatch(/^emp/);
		expect(demo.aliyunIot.unusedAuthCodes()).not.toContain('DEMO-AUTH-0002');

		// The code is single-use: a replay is refused, and the node does not retry the create call.
		const replay = await call('DEMO-AUTH-0002');
		expect(replay.text).toMatch(/2459|auth code/i);
		expect(demo.aliyunIot.createByAuthCodeCount() - before).toBe(2);
		expectNoSecrets(created.text + replay.text + server.log());
	});

	describe('the editor in Chromium', () => {
		let browser: Browser;
		let page: Page;

		beforeAll(async () => {
			expect(existsSync(CHROMIUM)).toBe(true);
			mkdirSync(screenshots, { recursive: true });
			browser = await chromium.launch({
				executablePath: CHROMIUM,
				headless: true,
				args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
			});
			const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
			page = await context.newPage();
			await page.goto(`${server.baseUrl}/signin`);
			await page.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(DEMO_OWNER.email);
			await page.locator('input[type="password"]').first().fill(DEMO_OWNER.password);
			await page.locator('[data-test-id="form-submit-button"]').first().click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		}, 180_000);

		afterAll(async () => {
			await browser?.close();
		});

		/** Every image/svg icon inside a canvas node rendered with a size (a broken icon has none). */
		async function expectIconRendered(nodeName: string): Promise<void> {
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
			await node.waitFor({ timeout: 60_000 });
			const icon = node.locator('img, svg').first();
			await icon.waitFor({ timeout: 30_000 });
			const rendered = await icon.evaluate((element) => {
				// An <img> that failed to load has no natural width; an inline <svg> must have a size.
				const image = element as unknown as { tagName: string; complete: boolean; naturalWidth: number };
				if (image.tagName === 'IMG') return image.complete && image.naturalWidth > 0;
				const box = element.getBoundingClientRect();
				return box.width > 0 && box.height > 0;
			});
			expect({ nodeName, rendered }).toEqual({ nodeName, rendered: true });
		}

		async function openPanel(nodeName: string, expectLabels: string[], shot: string): Promise<void> {
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
			const panel = page.locator('[data-test-id="ndv"]');
			await panel.waitFor({ timeout: 30_000 });
			for (const label of expectLabels) await expect(panel.getByText(label, { exact: true }).first().isVisible()).resolves.toBe(true);
			await page.screenshot({ path: join(screenshots, shot) });
			await page.keyboard.press('Escape');
			await panel.waitFor({ state: 'hidden', timeout: 15_000 });
		}

		test('Employee identity sync: canvas with our icons, then each vendor panel', async () => {
			await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.identitySync}`);
			for (const name of ['List WeCom Employees', 'Get Mingdao Relations', 'Get WeLink Status']) await expectIconRendered(name);
			await page.waitForTimeout(500);
			await page.screenshot({ path: join(screenshots, 'employee-identity-sync.png') });
			await openPanel('List WeCom Employees', ['Resource', 'Operation', 'Endpoint Path'], 'panel-shiheng.png');
			await openPanel('Get Mingdao Relations', ['Resource', 'Operation', 'Third-Party User IDs'], 'panel-mingdao.png');
			await openPanel('Get WeLink Status', ['Resource', 'Operation', 'Identify By'], 'panel-welink.png');
		});

		test('WeLink provisioning and OA login examples render', async () => {
			await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.weLinkProvisioning}`);
			for (const name of ['Submit to WeLink', 'Wait Until Final']) await expectIconRendered(name);
			await page.screenshot({ path: join(screenshots, 'welink-provisioning.png') });

			await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.oaLogin}`);
			await expectIconRendered('Create IoT Employee');
			await page.screenshot({ path: join(screenshots, 'oa-login-iot-employee.png') });
			await openPanel('Create IoT Employee', ['Resource', 'Operation', 'Auth Code'], 'panel-aliyun-iot.png');
		});

		test('the node picker finds our nodes by name and adds one', async () => {
			await page.goto(`${server.baseUrl}/workflow/new`);
			await page.locator('[data-test-id="canvas-plus-button"], [data-test-id="canvas-add-button"]').first().click();
			const search = page.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]').first();
			await search.waitFor({ timeout: 30_000 });
			for (const vendor of VENDORS) {
				const { displayName } = OUR_NODES[vendor];
				await search.fill(displayName);
				const found = page.locator('[data-test-id="item-iterator-item"]').filter({ hasText: displayName }).first();
				await found.waitFor({ timeout: 30_000 });
				// The picker shows the node's own icon next to its name.
				await expect(found.locator('img, svg').first().isVisible()).resolves.toBe(true);
			}
			await search.fill('WeLink');
			const item = page.locator('[data-test-id="item-iterator-item"]').filter({ hasText: 'WeLink' }).first();
			await item.waitFor({ timeout: 30_000 });
			await page.screenshot({ path: join(screenshots, 'node-picker-search.png') });
			await item.click();
			// The installed community node shows its details and actions; picking one adds it and opens its panel.
			const action = page.locator('[data-test-id="node-creator"]').getByText('Get sync status of persons', { exact: true }).first();
			await action.waitFor({ timeout: 30_000 });
			await page.screenshot({ path: join(screenshots, 'node-picker-welink.png') });
			await action.click();
			const panel = page.locator('[data-test-id="ndv"]');
			await panel.waitFor({ timeout: 30_000 });
			await expect(panel.getByText('Resource', { exact: true }).first().isVisible()).resolves.toBe(true);
			await page.screenshot({ path: join(screenshots, 'node-added-welink.png') });
		});
	});
});
