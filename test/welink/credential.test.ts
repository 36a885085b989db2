import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { testCredential } from '../harness/credential-test';
import { credentialsHelper, runNode } from '../harness/run-workflow';

import {
	ACCOUNTS,
	STATUS,
	TICKETS,
	TYPE,
	creds,
	currentEmulator,
	demoIds,
	getStatus,
	useWeLinkEmulator,
	visible,
} from './fixtures';

/** The credential: the Test button, the HTTP Request node path, and secrets kept out of sight. */

useWeLinkEmulator();
let welink: WeLinkEmulatorHandle;
beforeAll(() => {
	welink = currentEmulator();
});

describe('credential', () => {
	test('the credential test passes, and fails on a wrong secret without showing it', async () => {
		expect(await testCredential('weLinkApi', { ...welink.credentials })).toEqual({
			ok: true,
			message: expect.any(String),
		});
		const wrong = await testCredential('weLinkApi', {
			...welink.credentials,
			clientSecret: 'wrong-secret-value-123',
		});
		expect(wrong.ok).toBe(false);
		expect(wrong.message).not.toContain('wrong-secret-value-123');
	});

	test('works through the HTTP Request node path: preAuthentication fills the token', async () => {
		const helper = credentialsHelper();
		const before = helper.preAuthenticationRuns.get('weLinkApi') ?? 0;
		const result = await runNode({
			type: 'test.authenticatedRequest',
			items: [{}, {}],
			parameters: {
				credentialType: 'weLinkApi',
				method: 'POST',
				url: `${welink.baseUrl}${STATUS}`,
				body: JSON.stringify({ personInfo: [{ corpUserId: 'demo0001' }] }),
			},
			credentials: { 'weLinkApi:http': { ...welink.credentials } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.code)).toEqual(['0', '0']);
		expect((result.items[0].json.data as IDataObject[])[0]).toMatchObject({
			corpUserId: 'demo0001',
			code: '47109',
		});
		expect(helper.preAuthenticationRuns.get('weLinkApi')).toBe(before + 1);
		expect(welink.issuedTokens()).toContain(helper.stored('weLinkApi:http')?.accessToken);
		expect(welink.emulator.count(TICKETS)).toBe(1);
	});

	test('no output or error contains the client secret or a token', async () => {
		const ok = await getStatus(demoIds(12).map((id) => ({ id })));
		const wrong = await runNode({
			type: TYPE,
			items: [{ id: 'demo0001' }],
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: 'corpUserId',
				identifier: '={{ $json.id }}',
				options: {},
			},
			credentials: creds({ clientSecret: 'another-wrong-secret-456' }),
		});
		expect(wrong.error?.message).toContain('10007');
		// A vendor echoing the token back in a failure must not reveal it either.
		const token = welink.issuedTokens().at(-1);
		welink.emulator.injectFault({
			path: STATUS,
			fault: {
				kind: 'status',
				status: 400,
				json: { code: '47008', message: `bad token ${token}` },
			},
		});
		const echoed = await getStatus([{ id: 'demo0001' }]);
		expect(echoed.error?.message).toContain('47008');
		for (const text of [visible(ok), visible(wrong), visible(echoed)]) {
			expect(text).not.toContain(String(welink.credentials.clientSecret));
			expect(text).not.toContain('another-wrong-secret-456');
			for (const issued of welink.issuedTokens()) expect(text).not.toContain(issued);
		}
	});

	test('the Test button calls the API the seed documents (users/status): an app granted only that API passes', async () => {
		const statusOnly = await startWeLinkEmulator({ demoPersons: 1, permissions: [STATUS] });
		try {
			// The app really is limited: another contact API is refused (HTTP 501, 47102).
			const other = await runNode({
				type: TYPE,
				items: [{ id: 'demo0001' }],
				parameters: {
					resource: 'user',
					operation: 'getWeLinkId',
					corpUserId: '={{ $json.id }}',
					options: { maxRetries: 0 },
				},
				credentials: { weLinkApi: { ...statusOnly.credentials } },
			});
			expect(other.error?.message).toContain('[47102]');

			expect(await testCredential('weLinkApi', { ...statusOnly.credentials })).toEqual({
				ok: true,
				message: expect.any(String),
			});
			expect(
				statusOnly.emulator.records.map((record) => record.path).filter((path) => path !== TICKETS),
			).toEqual([ACCOUNTS, STATUS]);
			// The seed's own request shape: personInfo[] with a corpUserId.
			expect(statusOnly.statusBodies()).toEqual([
				{ personInfo: [{ corpUserId: expect.any(String) }] },
			]);
		} finally {
			await statusOnly.stop();
		}
	});

	describe('HTTP Request node path: the stored token and its lifetime', () => {
		/** One call through n8n's authenticated-request helper, with the credential as n8n has it stored. */
		async function callStatus(
			handle: WeLinkEmulatorHandle,
			stored: ICredentialDataDecryptedObject,
		) {
			return await runNode({
				type: 'test.authenticatedRequest',
				items: [{}],
				parameters: {
					credentialType: 'weLinkApi',
					method: 'POST',
					url: `${handle.baseUrl}${STATUS}`,
					body: JSON.stringify({ personInfo: [{ corpUserId: 'demo0001' }] }),
				},
				credentials: { 'weLinkApi:stored': stored },
			});
		}

		test('a stored token past its lifetime is replaced before use: WeLink would answer HTTP 200 with 47103, which n8n never refreshes on', async () => {
			// Tokens live 1 s here (WeLink: 7200 s); the credential stops using one after half a short lifetime.
			const shortLived = await startWeLinkEmulator({ tokenLifetimeSeconds: 1, demoPersons: 3 });
			try {
				const first = await callStatus(shortLived, { ...shortLived.credentials });
				expect(first.items[0].json.code).toBe('0');
				const stored = credentialsHelper().stored('weLinkApi:stored');
				expect(stored?.accessToken).toEqual(shortLived.issuedTokens()[0]);
				expect(stored?.accessTokenRefreshAt).toEqual(expect.any(Number));

				await new Promise((resolve) => setTimeout(resolve, 1_100));
				const later = await callStatus(shortLived, { ...stored });
				expect(later.error).toBeUndefined();
				expect(later.items[0].json.code).toBe('0');
				expect((later.items[0].json.data as IDataObject[])[0]).toMatchObject({
					corpUserId: 'demo0001',
					code: '47109',
				});
				expect(shortLived.emulator.count(TICKETS)).toBe(2);
			} finally {
				await shortLived.stop();
			}
		});

		test('a stored token still within its lifetime serves a process that holds none (another worker, a restart): no new token', async () => {
			const first = await callStatus(welink, { ...welink.credentials });
			expect(first.items[0].json.code).toBe('0');
			const stored = credentialsHelper().stored('weLinkApi:stored');
			clearTokenCache();
			const again = await callStatus(welink, { ...stored });
			expect(again.items[0].json.code).toBe('0');
			expect(welink.emulator.count(TICKETS)).toBe(1);
		});

		test("a token past its lifetime is never fetched by authenticate: n8n runs preAuthentication (its 401 sign), which fetches through n8n's helper and stores the new token", async () => {
			const first = await callStatus(welink, { ...welink.credentials });
			expect(first.items[0].json.code).toBe('0');
			const stale = {
				...(credentialsHelper().stored('weLinkApi:stored') ?? {}),
				accessTokenRefreshAt: Date.now() - 1,
			};
			clearTokenCache();
			const helper = credentialsHelper();
			const runs = helper.preAuthenticationRuns.get('weLinkApi') ?? 0;
			const again = await callStatus(welink, stale);
			expect(again.error).toBeUndefined();
			expect(again.items[0].json.code).toBe('0');
			expect(helper.preAuthenticationRuns.get('weLinkApi')).toBe(runs + 1);
			expect(welink.emulator.count(TICKETS)).toBe(2);
			// n8n stored the replacement with its lifetime: the next process starts from it.
			const replaced = helper.stored('weLinkApi:stored');
			expect(replaced?.accessToken).toBe(welink.issuedTokens().at(-1));
			expect(Number(replaced?.accessTokenRefreshAt)).toBeGreaterThan(Date.now());
		});

		test("the token request through n8n's helper keeps our retries and follows no redirect", async () => {
			welink.emulator.injectFault({
				path: TICKETS,
				fault: { kind: 'status', status: 503, json: { code: '503', message: 'busy' } },
			});
			const retried = await callStatus(welink, { ...welink.credentials });
			expect(retried.error).toBeUndefined();
			expect(welink.emulator.count(TICKETS)).toBe(2);

			clearTokenCache();
			welink.emulator.resetCounters();
			welink.emulator.injectFault({
				path: TICKETS,
				fault: {
					kind: 'status',
					status: 302,
					headers: { location: 'http://169.254.169.254/latest/meta-data/' },
				},
			});
			const redirected = await callStatus(welink, { ...welink.credentials });
			expect(redirected.error?.message).toMatch(
				/answered with a redirect to 169\.254\.169\.254, which is not followed/,
			);
			expect(welink.emulator.count(TICKETS)).toBe(1);
		});

		test('a token stored before its lifetime was recorded is not trusted: a fresh one is fetched', async () => {
			const first = await callStatus(welink, { ...welink.credentials });
			const withoutLifetime = { ...(credentialsHelper().stored('weLinkApi:stored') ?? {}) };
			delete withoutLifetime.accessTokenRefreshAt;
			clearTokenCache();
			welink.expireAllTokens();
			const again = await callStatus(welink, withoutLifetime);
			expect(first.items[0].json.code).toBe('0');
			expect(again.items[0].json.code).toBe('0');
			expect(welink.emulator.count(TICKETS)).toBe(2);
		});
	});
});
