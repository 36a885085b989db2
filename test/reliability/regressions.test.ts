import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import { startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';
import { ALIYUN_TYPE, MINGDAO_RELATIONS, WELINK_PATHS } from './vendors';

/**
 * Regressions: one test for each bug the fuzz and fault suites found in the vendor nodes (null
 * rows, null bodies, non-text vendor messages, a redaction pattern that ate prose, an App Key
 * entered as a password but not masked). Each failed before its fix.
 */

const ENGINE_ERROR = /Cannot read properties|is not a function/;

let sh: ShihengEmulatorHandle;
let md: MingdaoEmulatorHandle;
let wl: WeLinkEmulatorHandle;
let al: AliyunIotEmulatorHandle;

beforeAll(async () => {
	[sh, md, wl, al] = await Promise.all([
		startShihengEmulator({ employees: 5 }),
		startMingdaoEmulator({ users: 5 }),
		startWeLinkEmulator({ demoPersons: 5 }),
		startAliyunIotEmulator({ employees: 5 }),
	]);
});
afterAll(
	async () => await Promise.all([sh, md, wl, al].map(async (handle) => await handle.stop())),
);
beforeEach(() => clearTokenCache());

test('B1 Shiheng: a null row in an employee page is skipped and the real row still comes out, not a TypeError', async () => {
	sh.emulator.injectFault({
		path: sh.employeePath,
		fault: {
			kind: 'status',
			status: 200,
			json: {
				code: '0',
				msg: null,
				traceId: 't',
				result: { pages: 1, result: [null, { id: 7, name: 'x' }] },
			},
		},
	});
	const { items } = await runNode({
		type: 'n8n-nodes-employee-sync.shiheng',
		parameters: {
			resource: 'employee',
			operation: 'getAll',
			endpointPath: sh.employeePath,
			returnAll: false,
			limit: 2,
			pageSize: 2,
		},
		continueOnFail: true,
		credentials: { shihengApi: sh.credentials },
	});
	expect(JSON.stringify(items)).not.toMatch(ENGINE_ERROR);
	expect(items.map((item) => item.json.id)).toEqual([7]);
	expect(items[0].json).toMatchObject({ id: 7, name: 'x' });
	expect(items[0].json.error).toBeUndefined();
	expect(items[0].pairedItem).toEqual({ item: 0 });
});

test('B2 WeLink: a JSON body that is null gives a clear error, not a TypeError', async () => {
	const text = 'null';
	wl.emulator.injectFault({
		path: WELINK_PATHS.status,
		fault: { kind: 'status', status: 200, text },
	});
	const { items } = await runNode({
		type: 'n8n-nodes-employee-sync.weLink',
		items: [{ id: 'demo0001' }],
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options: { maxRetries: 0 },
		},
		continueOnFail: true,
		credentials: { weLinkApi: wl.credentials },
	});
	expect(String(items[0].json.error)).toMatch(/WeLink/);
	expect(String(items[0].json.error)).not.toMatch(ENGINE_ERROR);
});

test('B3 Aliyun IoT: an answer whose message is not text fails its item, not the whole run', async () => {
	al.emulator.injectFault({
		path: ALIYUN_PATHS.queryByCompanyId,
		fault: {
			kind: 'status',
			status: 200,
			json: { id: 'x', code: 460, message: 123, localizedMsg: { zh: '入参不正确' }, data: null },
		},
	});
	const result = await runNode({
		type: ALIYUN_TYPE,
		items: [{ companyId: al.companyId }, { companyId: al.companyId }],
		parameters: {
			resource: 'employee',
			operation: 'getManyByCompany',
			companyId: '={{ $json.companyId }}',
			returnAll: false,
			limit: 1,
			options: { maxRetries: 0 },
		},
		continueOnFail: true,
		credentials: { aliyunIotApi: al.credentials },
	});
	expect(result.error).toBeUndefined();
	expect(String(result.items[0].json.error)).toMatch(/Aliyun IoT error \[460\].*item 0/);
	expect(result.items[1].json.employeeId).toBeDefined();
});

test('B4 WeLink: the token error keeps the vendor message whole ("access token:" is not a header dump)', async () => {
	const { error } = await runNode({
		type: 'n8n-nodes-employee-sync.weLink',
		items: [{ id: 'demo0001' }],
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options: {},
		},
		credentials: { weLinkApi: { ...wl.credentials, clientSecret: 'wrong-secret-for-b4' } },
	});
	expect(error?.message).toContain('client_id or client_secret is wrong');
});

test('B5 Aliyun IoT: a null row in employeeList is skipped and the real row still comes out, not a TypeError', async () => {
	al.emulator.injectFault({
		path: ALIYUN_PATHS.queryByCompanyId,
		fault: {
			kind: 'status',
			status: 200,
			json: {
				id: 'x',
				code: 200,
				data: { total: 2, pageCount: 1, employeeList: [null, { employeeId: 'e1' }] },
			},
		},
	});
	const { items } = await runNode({
		type: ALIYUN_TYPE,
		items: [{ companyId: al.companyId }],
		parameters: {
			resource: 'employee',
			operation: 'getManyByCompany',
			companyId: '={{ $json.companyId }}',
			returnAll: false,
			limit: 2,
			options: { maxRetries: 0 },
		},
		continueOnFail: true,
		credentials: { aliyunIotApi: al.credentials },
	});
	expect(JSON.stringify(items)).not.toMatch(ENGINE_ERROR);
	expect(items.map((item) => item.json.employeeId)).toEqual(['e1']);
	expect(items[0].json.error).toBeUndefined();
	expect(items[0].pairedItem).toEqual({ item: 0 });
});

test('B6 Mingdao: the App Key (a password field of the credential) is masked when the vendor echoes it', async () => {
	md.emulator.route('POST', MINGDAO_RELATIONS, (request) => ({
		status: 400,
		json: { code: 10001, message: `bad request: ${request.text}`, data: null },
	}));
	const { error } = await runNode({
		type: 'n8n-nodes-employee-sync.mingdao',
		items: [{ id: md.userIds[0] }],
		parameters: {
			resource: 'user',
			operation: 'getRelations',
			corpUserIds: '={{ $json.id }}',
			options: {},
		},
		credentials: { mingdaoApi: md.credentials },
	});
	expect(error?.message).toContain('item 0');
	expect(
		`${error?.message} ${(error as { description?: string } | undefined)?.description ?? ''}`,
	).not.toContain(md.appKey);
});
