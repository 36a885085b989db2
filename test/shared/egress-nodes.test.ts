import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { closeTransport } from '../../nodes/shared/http/pool';
import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { startAliyunIotEmulator } from '../emulators/aliyun';
import { startMingdaoEmulator } from '../emulators/mingdao';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { testCredential } from '../harness/credential-test';
import { runNode } from '../harness/run-workflow';
import { SCENARIOS } from '../reliability/vendors';
import type { ReadScenario } from '../reliability/vendors';
import { shihengTrigger } from '../shiheng/fixtures';
import { installPolicy, watchConnects } from './egress-policy';

/**
 * Every node, the trigger and the credential's HTTP Request node path under n8n's outbound network
 * policy, inside n8n-core's real contexts: the filter reaches the nodes through
 * `helpers.getSecureEgressFilter`, built by n8n from its SsrfProtectionConfig. The emulators run
 * on 127.0.0.1, which n8n blocks by default once protection is on.
 */

const REFUSED_LOOPBACK =
	/n8n's outbound network policy refused 127\.0\.0\.1:\d+: its address is in a blocked range \(N8N_SSRF_BLOCKED_IP_RANGES/;

afterEach(() => {
	// Back to n8n's default: protection off.
	installPolicy({ enabled: false });
});
afterAll(async () => await closeTransport());

describe.each(SCENARIOS)('%s node', (_vendor, start) => {
	let scenario: ReadScenario;
	beforeAll(async () => {
		scenario = await start();
	});
	afterAll(async () => await scenario.stop());
	beforeEach(() => {
		scenario.reset();
		// A token cached by an earlier test would hide the token request.
		clearTokenCache();
	});

	test('protection on: a credential pointing at 127.0.0.1 is refused, nothing reaches the emulator, nothing is retried', async () => {
		installPolicy({ enabled: true });
		const { result } = await scenario.read({ maxRetries: 3 });
		expect(result.error?.message).toMatch(REFUSED_LOOPBACK);
		expect(scenario.emulator.count()).toBe(0);
	});

	test('protection on: the cloud metadata address is refused before any connection', async () => {
		installPolicy({ enabled: true });
		scenario.useServer('https://169.254.169.254');
		const connects = watchConnects();
		try {
			const { result } = await scenario.read();
			expect(result.error?.message).toContain(
				"n8n's outbound network policy refused 169.254.169.254",
			);
			expect(connects.hosts).toEqual([]);
		} finally {
			connects.stop();
		}
	});

	test('protection on with N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.0/8: the read is complete', async () => {
		installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.0/8'] });
		const { result, keys, expected } = await scenario.read();
		expect(result.error).toBeUndefined();
		expect(keys).toEqual(expected);
	});

	test('protection off: the read is complete, as before', async () => {
		installPolicy({ enabled: false });
		const { result, keys, expected } = await scenario.read();
		expect(result.error).toBeUndefined();
		expect(keys).toEqual(expected);
	});
});

describe('Shiheng Trigger (poll)', () => {
	let sh: ShihengEmulatorHandle;
	beforeAll(async () => {
		sh = await startShihengEmulator({ employees: 30, customers: 5 });
	});
	afterAll(async () => await sh.stop());
	beforeEach(() => sh.emulator.resetCounters());

	test('protection on: the poll fails with the refusal and nothing reaches the emulator', async () => {
		installPolicy({ enabled: true });
		const outcome = await shihengTrigger(sh, { events: ['employeeJoined'] }).poll();
		expect(outcome.emitted).toBeUndefined();
		expect(outcome.error?.message).toMatch(REFUSED_LOOPBACK);
		expect(sh.emulator.count()).toBe(0);
	});

	test('allowed 127.0.0.0/8: the first poll records its baseline', async () => {
		installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.0/8'] });
		const outcome = await shihengTrigger(sh, { events: ['employeeJoined'] }).poll();
		expect(outcome).toEqual({ emitted: undefined, error: undefined });
		expect(sh.emulator.count()).toBeGreaterThan(0);
	});
});

describe("the credential's HTTP Request node path (n8n's own request helper)", () => {
	test.each([
		['shihengApi', async () => await startShihengEmulator({ employees: 3, customers: 1 })],
		['aliyunIotApi', async () => await startAliyunIotEmulator()],
		// The credential's own requests too: WeLink's token fetch (preAuthentication), Mingdao's
		// code check (the Test's verdict).
		['weLinkApi', async () => await startWeLinkEmulator({ demoPersons: 1 })],
		['mingdaoApi', async () => await startMingdaoEmulator({ users: 3 })],
	] as const)(
		'%s: the Test request is refused by n8n when protection is on, and passes when 127.0.0.0/8 is allowed',
		async (type, startEmulator) => {
			const handle = await startEmulator();
			clearTokenCache();
			try {
				installPolicy({ enabled: true });
				const refused = await testCredential(type, handle.credentials);
				expect(refused.ok).toBe(false);
				expect(refused.message).toContain('blocked');
				expect(handle.emulator.count()).toBe(0);
				installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.0/8'] });
				expect(await testCredential(type, handle.credentials)).toEqual({
					ok: true,
					message: 'Connection tested successfully',
				});
			} finally {
				await handle.stop();
			}
		},
	);
});

describe("WeLink: the HTTP Request node path's token fetch", () => {
	let welink: WeLinkEmulatorHandle;
	beforeAll(async () => {
		welink = await startWeLinkEmulator({ demoPersons: 1 });
	});
	afterAll(async () => await welink.stop());
	beforeEach(() => {
		welink.emulator.resetCounters();
		clearTokenCache();
	});

	/** One request with the credential as n8n has it stored. */
	async function callStatus(stored: ICredentialDataDecryptedObject) {
		return await runNode({
			type: 'test.authenticatedRequest',
			items: [{}],
			parameters: {
				credentialType: 'weLinkApi',
				method: 'POST',
				url: `${welink.baseUrl}/api/contact/v1/users/status`,
				body: JSON.stringify({ personInfo: [{ corpUserId: 'demo0001' }] }),
			},
			credentials: { 'weLinkApi:egress': stored },
		});
	}

	test.each([
		['no token stored yet', {}],
		// n8n does not run preAuthentication for a stored token; the credential sees its lifetime is over.
		[
			'a stored token past its lifetime',
			{ accessToken: 'stored-token-past-its-lifetime', accessTokenRefreshAt: Date.now() - 1_000 },
		],
		[
			'a token stored without its lifetime (an older version)',
			{ accessToken: 'stored-token-without-lifetime' },
		],
	])(
		'protection on, %s: the token request is refused, nothing reaches WeLink',
		async (_label, stored) => {
			installPolicy({ enabled: true });
			const { error } = await callStatus({ ...welink.credentials, ...stored });
			expect(error?.message).toMatch(/blocked/);
			expect(welink.emulator.count()).toBe(0);
		},
	);

	test.each([
		['no token stored yet', {}],
		[
			'a stored token past its lifetime',
			{ accessToken: 'stored-token-past-its-lifetime', accessTokenRefreshAt: Date.now() - 1_000 },
		],
	])(
		'127.0.0.0/8 allowed, %s: one token is fetched and the call passes',
		async (_label, stored) => {
			installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.0/8'] });
			const { error, items } = await callStatus({ ...welink.credentials, ...stored });
			expect(error).toBeUndefined();
			expect(items[0].json.code).toBe('0');
			expect(welink.emulator.count('/api/auth/v2/tickets')).toBe(1);
		},
	);
});
