/**
 * End-to-end in the editor (n8n 2.x line only; jest.e2e.config.js leaves it out for 1.x): the
 * example workflows and this package in a real n8n (test/e2e/instance.ts), `n8n start`, and
 * Debian's Chromium driven by playwright-core logs in, opens each example and our nodes' panels,
 * checks every icon rendered, finds our four nodes in the node picker (by name, and by the Chinese
 * aliases of their codex files) and adds one, and asks the AI Agent example a question in the chat
 * (its model: the chat-model emulator with the `npm start` conversation). Screenshots go to
 * test-output/screenshots/, or to docs/screenshots/ (the README's) with UPDATE_SCREENSHOTS=1.
 */
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { DEMO_OWNER, EXAMPLE_WORKFLOWS } from '../../scripts/lib/demo';
import { RestSession, repoRoot, startN8nServer, type N8nServer } from '../../scripts/lib/n8n';
import { VENDORS, weComUserId, type VendorKey } from '../emulators/serve';
import { prepareInstance, type E2eInstance } from './instance';

// The README's screenshots are refreshed on request only, so a test run leaves the work tree clean.
const screenshots = join(
	repoRoot(),
	...(process.env.UPDATE_SCREENSHOTS === '1'
		? ['docs', 'screenshots']
		: ['test-output', 'screenshots']),
);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const JOINERS_AND_LEAVERS = (
	JSON.parse(readFileSync(join(repoRoot(), 'examples', 'joiners-and-leavers.json'), 'utf8')) as {
		id: string;
	}
).id;

/** Fails with what is missing and how to get it, before anything is started. */
function requireChromium(): void {
	let usable = false;
	try {
		accessSync(CHROMIUM, constants.X_OK);
		usable = statSync(CHROMIUM).isFile();
	} catch {
		usable = false;
	}
	if (usable) return;
	const where =
		process.env.CHROMIUM_PATH === undefined
			? `${CHROMIUM} (the default)`
			: `${CHROMIUM} (from CHROMIUM_PATH)`;
	throw new Error(
		`The editor test needs a Chromium browser, and there is no executable file at ${where}. ` +
			"Install Debian's Chromium (as root: `apt-get install -y chromium`), or set CHROMIUM_PATH to a Chromium or Chrome binary " +
			'(CHROMIUM_PATH=/path/to/chrome npm run test:e2e). The tests never download a browser.',
	);
}

const DISPLAY_NAMES: Record<VendorKey, string> = {
	shiheng: 'Shiheng',
	mingdao: 'Mingdao',
	weLink: 'WeLink',
	aliyunIot: 'Aliyun IoT',
};

let instance: E2eInstance;
let server: N8nServer;

describe('the editor in Chromium', () => {
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		requireChromium();
		instance = await prepareInstance();
		server = await startN8nServer(instance.setup);
		expect(await new RestSession(server.baseUrl).setupOwner(DEMO_OWNER)).toBe(true);
		mkdirSync(screenshots, { recursive: true });
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-dev-shm-usage',
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run',
			],
		});
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		page = await context.newPage();
		await page.goto(`${server.baseUrl}/signin`);
		await page
			.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
			.first()
			.fill(DEMO_OWNER.email);
		await page.locator('input[type="password"]').first().fill(DEMO_OWNER.password);
		await page.locator('[data-test-id="form-submit-button"]').first().click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	}, 480_000);

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await instance?.dispose();
	});

	/** Every image/svg icon inside a canvas node rendered with a size (a broken icon has none). */
	async function expectIconRendered(nodeName: string): Promise<void> {
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
		await node.waitFor({ timeout: 60_000 });
		const icon = node.locator('img, svg').first();
		await icon.waitFor({ timeout: 30_000 });
		const rendered = await icon.evaluate((element) => {
			// An <img> that failed to load has no natural width; an inline <svg> must have a size.
			const image = element as unknown as {
				tagName: string;
				complete: boolean;
				naturalWidth: number;
			};
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
		for (const label of expectLabels)
			await expect(panel.getByText(label, { exact: true }).first().isVisible()).resolves.toBe(true);
		await page.screenshot({ path: join(screenshots, shot) });
		await page.keyboard.press('Escape');
		await panel.waitFor({ state: 'hidden', timeout: 15_000 });
	}

	test('Employee identity sync: canvas with our icons, then each vendor panel', async () => {
		await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.identitySync}`);
		for (const name of ['List WeCom Employees', 'Get Mingdao Relations', 'Get WeLink Status'])
			await expectIconRendered(name);
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(screenshots, 'employee-identity-sync.png') });
		await openPanel(
			'List WeCom Employees',
			['Resource', 'Operation', 'Endpoint Path'],
			'panel-shiheng.png',
		);
		await openPanel(
			'Get Mingdao Relations',
			['Resource', 'Operation', 'Third-Party User IDs'],
			'panel-mingdao.png',
		);
		await openPanel(
			'Get WeLink Status',
			['Resource', 'Operation', 'Identify By'],
			'panel-welink.png',
		);
	});

	test('WeLink provisioning and OA login examples render', async () => {
		await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.weLinkProvisioning}`);
		for (const name of ['Submit to WeLink', 'Wait Until Final']) await expectIconRendered(name);
		await page.screenshot({ path: join(screenshots, 'welink-provisioning.png') });

		await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.oaLogin}`);
		await expectIconRendered('Create IoT Employee');
		await page.screenshot({ path: join(screenshots, 'oa-login-iot-employee.png') });
		await openPanel(
			'Create IoT Employee',
			['Resource', 'Operation', 'Auth Code'],
			'panel-aliyun-iot.png',
		);
	});

	test('Joiners and leavers: the Shiheng Trigger drives WeLink and Mingdao', async () => {
		await page.goto(`${server.baseUrl}/workflow/${JOINERS_AND_LEAVERS}`);
		for (const name of [
			'Shiheng Trigger',
			'Submit Joiner to WeLink',
			'Joiner Mingdao Account',
			'Invalidate Leaver in WeLink',
		])
			await expectIconRendered(name);
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(screenshots, 'joiners-and-leavers.png') });
	});

	test('Reconcile WeCom and WeLink: both listings, Compare Datasets, the guard before any write', async () => {
		await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.reconcile}`);
		for (const name of [
			'List WeCom Employees',
			'List WeLink Users',
			'Deactivate in WeLink',
			'Submit Missing to WeLink',
		])
			await expectIconRendered(name);
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(screenshots, 'reconcile-wecom-and-welink.png') });
	});

	test('Ask about an employee: the AI Agent answers in the chat through our Mingdao tool', async () => {
		await page.goto(`${server.baseUrl}/workflow/${EXAMPLE_WORKFLOWS.askEmployee}`);
		for (const name of ['Mingdao Account', 'WeLink Sync Status', 'Shiheng Employees'])
			await expectIconRendered(name);
		await page.locator('[data-test-id="workflow-chat-button"]').first().click();
		const input = page
			.locator('textarea[data-test-id="chat-input"], [data-test-id="chat-input"] textarea')
			.first();
		await input.waitFor({ timeout: 30_000 });
		await input.fill(`Which Mingdao account has corpUserId ${weComUserId(1)}?`);
		await input.press('Enter');
		const accountId = instance.demo.mingdao.accountOf(weComUserId(1))!;
		await page
			.locator('.chat-message-from-bot')
			.filter({ hasText: accountId })
			.first()
			.waitFor({ timeout: 120_000 });
		await page.waitForTimeout(1000);
		await page.screenshot({ path: join(screenshots, 'ask-about-an-employee.png') });
	});

	/** Opens the node picker of a new workflow (its first step: the trigger picker) and returns its search box. */
	async function openNodePicker() {
		await page.goto(`${server.baseUrl}/workflow/new`);
		await page
			.locator('[data-test-id="canvas-plus-button"], [data-test-id="canvas-add-button"]')
			.first()
			.click();
		const search = page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]',
			)
			.first();
		await search.waitFor({ timeout: 30_000 });
		return search;
	}

	test('the node picker finds our nodes by their Chinese names (the aliases of their codex files)', async () => {
		// n8n's picker matches what is typed against a node's display name and its codex aliases only:
		// these names are in no display name, so only the aliases n8n loaded from dist/**/*.node.json can match.
		const search = await openNodePicker();
		const items = page.locator('[data-test-id="item-iterator-item"]');
		await search.fill('明道云');
		await items.filter({ hasText: 'Mingdao' }).first().waitFor({ timeout: 30_000 });

		// The first step of a workflow is a trigger: 食亨 finds the Shiheng Trigger (the picker lists it as
		// "Shiheng" with the trigger's description and its events); picking an event adds the trigger.
		await search.fill('食亨');
		const trigger = items
			.filter({ hasText: 'Starts a workflow when WeCom employees join' })
			.first();
		await trigger.waitFor({ timeout: 30_000 });
		await trigger.click();
		const joined = page
			.locator('[data-test-id="node-creator"]')
			.getByText('On employee joined', { exact: true })
			.first();
		await joined.waitFor({ timeout: 30_000 });
		await joined.click();
		const panel = page.locator('[data-test-id="ndv"]');
		await panel.waitFor({ timeout: 30_000 });
		await expect(panel.getByText('Poll Times', { exact: true }).first().isVisible()).resolves.toBe(
			true,
		);
		await page.keyboard.press('Escape');
		await panel.waitFor({ state: 'hidden', timeout: 15_000 });
		await page
			.locator('[data-test-id="canvas-node"][data-node-name="Shiheng Trigger"]')
			.waitFor({ timeout: 30_000 });
	});

	test('the node picker finds our nodes by name and adds one', async () => {
		const search = await openNodePicker();
		for (const vendor of VENDORS) {
			const displayName = DISPLAY_NAMES[vendor];
			await search.fill(displayName);
			const found = page
				.locator('[data-test-id="item-iterator-item"]')
				.filter({ hasText: displayName })
				.first();
			await found.waitFor({ timeout: 30_000 });
			// The picker shows the node's own icon next to its name.
			await expect(found.locator('img, svg').first().isVisible()).resolves.toBe(true);
		}
		await search.fill('WeLink');
		const item = page
			.locator('[data-test-id="item-iterator-item"]')
			.filter({ hasText: 'WeLink' })
			.first();
		await item.waitFor({ timeout: 30_000 });
		await page.screenshot({ path: join(screenshots, 'node-picker-search.png') });
		await item.click();
		// The installed community node shows its details and actions; picking one adds it and opens its panel.
		const action = page
			.locator('[data-test-id="node-creator"]')
			.getByText(
				'Get the sync status of a person by corp user ID or mobile number or email - returns state and final',
				{ exact: true },
			)
			.first();
		await action.waitFor({ timeout: 30_000 });
		await page.screenshot({ path: join(screenshots, 'node-picker-welink.png') });
		await action.click();
		const panel = page.locator('[data-test-id="ndv"]');
		await panel.waitFor({ timeout: 30_000 });
		await expect(panel.getByText('Resource', { exact: true }).first().isVisible()).resolves.toBe(
			true,
		);
		await page.screenshot({ path: join(screenshots, 'node-added-welink.png') });
	});
});
