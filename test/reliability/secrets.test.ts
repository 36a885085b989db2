import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import type { Emulator, EmulatorRequest, VendorEmulatorHandle } from '../emulators/frame';
import { startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { DEFAULT_EMPLOYEE_PATH, startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';
import { ALIYUN_TYPE, MINGDAO_RELATIONS, WELINK_PATHS } from './vendors';

/**
 * Secrets, for all four vendors:
 * - a vendor that echoes back everything it received (the request body with its sign, the token
 *   or signature headers) and the credential's secret in its error message and body: nothing of
 *   it reaches an error, its description or an output item;
 * - Base URLs: plain HTTP to a host that is not loopback is refused before any request, unless
 *   the credential's "Allow Insecure HTTP" switch is on.
 */

let sh: ShihengEmulatorHandle;
let md: MingdaoEmulatorHandle;
let wl: WeLinkEmulatorHandle;
let al: AliyunIotEmulatorHandle;

beforeAll(async () => {
	[sh, md, wl, al] = await Promise.all([
		startShihengEmulator({ employees: 20, customers: 5 }),
		startMingdaoEmulator({ users: 20 }),
		startWeLinkEmulator({ demoPersons: 5 }),
		startAliyunIotEmulator({ employees: 5 }),
	]);
});
afterAll(
	async () => await Promise.all([sh, md, wl, al].map(async (handle) => await handle.stop())),
);
beforeEach(() => {
	clearTokenCache();
	for (const handle of [sh, md, wl, al]) {
		handle.emulator.resetCounters();
		handle.emulator.clearFaults();
	}
});

interface Vendor {
	name: string;
	emulator: () => Emulator;
	/** Path the echoing route replaces. */
	path: () => string;
	credentialType: string;
	credentials: () => ICredentialDataDecryptedObject;
	/** The credential's Base URL field(s) set to a URL. */
	withBaseUrl: (url: string, allowInsecureHttp: boolean) => ICredentialDataDecryptedObject;
	secretField: string;
	/** A fresh emulator of this vendor for the echo test (its route is replaced there). */
	start: () => Promise<VendorEmulatorHandle>;
	type: string;
	parameters: () => INodeParameters;
	items: () => IDataObject[];
}

const VENDORS: Vendor[] = [
	{
		name: 'Shiheng',
		emulator: () => sh.emulator,
		path: () => DEFAULT_EMPLOYEE_PATH,
		credentialType: 'shihengApi',
		credentials: () => sh.credentials,
		withBaseUrl: (baseUrl, allowInsecureHttp) => ({
			...sh.credentials,
			baseUrl,
			allowInsecureHttp,
		}),
		secretField: 'appSecret',
		start: async () => await startShihengEmulator({ employees: 5 }),
		type: 'n8n-nodes-employee-sync.shiheng',
		parameters: () => ({
			resource: 'employee',
			operation: 'getAll',
			endpointPath: DEFAULT_EMPLOYEE_PATH,
			returnAll: false,
			limit: 2,
			pageSize: 2,
		}),
		items: () => [{}],
	},
	{
		name: 'Mingdao',
		emulator: () => md.emulator,
		path: () => MINGDAO_RELATIONS,
		credentialType: 'mingdaoApi',
		credentials: () => md.credentials,
		withBaseUrl: (privateUrl, allowInsecureHttp) => ({
			...md.credentials,
			deployment: 'private',
			privateUrl,
			allowInsecureHttp,
		}),
		secretField: 'secretKey',
		start: async () => await startMingdaoEmulator({ users: 20 }),
		type: 'n8n-nodes-employee-sync.mingdao',
		parameters: () => ({
			resource: 'user',
			operation: 'getRelations',
			corpUserIds: '={{ $json.id }}',
			options: {},
		}),
		items: () => [{ id: md.userIds[0] }],
	},
	{
		name: 'WeLink',
		emulator: () => wl.emulator,
		path: () => WELINK_PATHS.status,
		credentialType: 'weLinkApi',
		credentials: () => wl.credentials,
		withBaseUrl: (baseUrl, allowInsecureHttp) => ({
			...wl.credentials,
			baseUrl,
			allowInsecureHttp,
		}),
		secretField: 'clientSecret',
		start: async () => await startWeLinkEmulator({ demoPersons: 5 }),
		type: 'n8n-nodes-employee-sync.weLink',
		parameters: () => ({
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options: {},
		}),
		items: () => [{ id: 'demo0001' }],
	},
	{
		name: 'Aliyun IoT',
		emulator: () => al.emulator,
		path: () => ALIYUN_PATHS.queryByCompanyId,
		credentialType: 'aliyunIotApi',
		credentials: () => al.credentials,
		withBaseUrl: (customHost, allowInsecureHttp) => ({
			...al.credentials,
			host: 'custom',
			customHost,
			allowInsecureHttp,
		}),
		secretField: 'appSecret',
		start: async () => await startAliyunIotEmulator({ employees: 5 }),
		type: ALIYUN_TYPE,
		parameters: () => ({
			resource: 'employee',
			operation: 'getManyByCompany',
			companyId: '={{ $json.companyId }}',
			returnAll: false,
			limit: 2,
			options: {},
		}),
		items: () => [{ companyId: al.companyId }],
	},
];

async function run(
	vendor: Vendor,
	credentials: ICredentialDataDecryptedObject,
	continueOnFail = false,
) {
	return await runNode({
		type: vendor.type,
		parameters: vendor.parameters(),
		items: vendor.items(),
		continueOnFail,
		credentials: { [vendor.credentialType]: credentials },
	});
}

/** Everything of a run a user could see. */
function visible(result: Awaited<ReturnType<typeof run>>): string {
	const error = result.error as (Error & { description?: string }) | undefined;
	return JSON.stringify([
		result.items,
		error?.message,
		error?.description,
		result.run.data.resultData,
	]);
}

/** Values of the headers that carry a token or a signature. */
function credentialHeaders(request: EmulatorRequest): string[] {
	return ['x-wlk-authorization', 'x-ca-signature', 'authorization']
		.map((name) => request.headers[name])
		.filter((value): value is string => typeof value === 'string');
}

describe.each(VENDORS)('$name', (vendor) => {
	test('a vendor echoing the request, its token or signature and the secret in an error leaks none of them', async () => {
		const handle = await vendor.start();
		const secret = String(handle.credentials[vendor.secretField]);
		const received: string[] = [];
		handle.emulator.route('POST', vendor.path(), (request) => {
			const headers = credentialHeaders(request);
			const body = JSON.parse(request.text || '{}') as Record<string, unknown>;
			received.push(...headers);
			if (typeof body.sign === 'string') received.push(body.sign);
			const echo = body;
			const message = `rejected: ${[JSON.stringify(echo), ...headers, secret].join(' | ')}`;
			return {
				status: 400,
				// Header values must be ASCII; the request body is echoed only in the JSON.
				headers: { 'X-Ca-Error-Message': `Invalid Signature ${headers.join(' ')} ${secret}` },
				json: { code: 40099, msg: message, message, localizedMsg: message, data: null, echo },
			};
		});
		try {
			const credentials = { ...handle.credentials } as ICredentialDataDecryptedObject;
			const stopped = await run(vendor, credentials);
			const continued = await run(vendor, credentials, true);
			expect(stopped.error?.message).toContain('item 0');
			expect(String(continued.items[0].json.error)).toContain('item 0');
			// A signature or token was received and echoed on every request.
			expect(received.length).toBeGreaterThanOrEqual(2);
			for (const text of [visible(stopped), visible(continued)]) {
				for (const value of [secret, ...received]) expect(text).not.toContain(value);
			}
		} finally {
			await handle.stop();
		}
	});

	test('plain HTTP to a host that is not loopback is refused before any request, naming the field', async () => {
		const port = new URL(vendor.emulator().baseUrl).port;
		// 0.0.0.0 reaches this machine's listeners, but is not a loopback name: it stands for a remote host.
		const remote = `http://0.0.0.0:${port}`;
		const refused = await run(vendor, vendor.withBaseUrl(remote, false));
		expect(refused.error?.message).toMatch(/uses plain HTTP.*item 0.*field "/);
		expect(vendor.emulator().count()).toBe(0);

		const allowed = await run(vendor, vendor.withBaseUrl(remote, true));
		expect(allowed.error).toBeUndefined();
		expect(allowed.items.length).toBeGreaterThan(0);
		expect(vendor.emulator().count()).toBeGreaterThan(0);
	});

	test('loopback over plain HTTP needs no switch; other schemes are refused', async () => {
		const loopback = await run(
			vendor,
			vendor.withBaseUrl(vendor.emulator().baseUrl.replace('127.0.0.1', 'localhost'), false),
		);
		expect(loopback.error).toBeUndefined();
		const ftp = await run(vendor, vendor.withBaseUrl('ftp://files.example.com', true));
		expect(ftp.error?.message).toMatch(/must start with https:\/\//);
	});
});
