import { closeTransport } from '../../nodes/shared/http/pool';
import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { startAliyunIotEmulator } from '../emulators/aliyun';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { testCredential } from '../harness/credential-test';
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

const REFUSED_LOOPBACK = /n8n's outbound network policy refused 127\.0\.0\.1:\d+: its address is in a blocked range \(N8N_SSRF_BLOCKED_IP_RANGES/;

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
			expect(result.error?.message).toContain("n8n's outbound network policy refused 169.254.169.254");
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
	] as const)('%s: the Test request is refused by n8n when protection is on, and passes when 127.0.0.0/8 is allowed', async (type, startEmulator) => {
		const handle = await startEmulator();
		try {
			installPolicy({ enabled: true });
			const refused = await testCredential(type, handle.credentials);
			expect(refused.ok).toBe(false);
			expect(refused.message).toContain('blocked');
			expect(handle.emulator.count()).toBe(0);
			installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.0/8'] });
			expect(await testCredential(type, handle.credentials)).toEqual({ ok: true, message: 'Connection tested successfully' });
		} finally {
			await handle.stop();
		}
	});
});
