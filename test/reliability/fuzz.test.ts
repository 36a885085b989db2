import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import type { Emulator } from '../emulators/frame';
import { startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';
import { ALIYUN_TYPE, MINGDAO_RELATIONS, WELINK_PATHS, paired } from './vendors';

/**
 * Property-based bad input, many cases per WorkflowExecute run (each input item is one case):
 * - node parameters, set per item by expression from $json: missing, null, wrong types, huge and
 *   non-ASCII values. Every item ends as output or as one error item that names the item; an item
 *   whose value breaks a field's rule fails naming that field.
 * - vendor answers: every request of a run is answered by a generated body (status, missing fields,
 *   wrong types, nulls, huge strings, non-ASCII, not JSON at all). Same property: nothing crashes,
 *   every failure is a clear error naming its item.
 * Without Continue On Fail a few runs check the error that stops the run is a NodeApiError or
 * NodeOperationError. The seed is printed; RELIABILITY_SEED=<n> reproduces a run.
 */

const SEED = Number(process.env.RELIABILITY_SEED ?? 90_210);
const SCALE = Number(process.env.RELIABILITY_FUZZ_SCALE ?? 1);
let cases = 0;
const flagged: string[] = [];

const SHIHENG = 'n8n-nodes-employee-sync.shiheng';
const MINGDAO = 'n8n-nodes-employee-sync.mingdao';
const WELINK = 'n8n-nodes-employee-sync.weLink';

// ---------------------------------------------------------------- generated values

const huge = fc
	.tuple(fc.constantFrom('x', '汉', '🙂', 'é', ' '), fc.integer({ min: 2_000, max: 40_000 }))
	.map(([unit, count]) => unit.repeat(count));
const nonAscii = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 });
const anyText = fc.string({ unit: 'binary', maxLength: 24 });

/** Anything an expression might hand a parameter. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.constantFrom(
			null,
			undefined,
			'',
			' ',
			'0',
			'-1',
			'1e3',
			'2.5',
			'NaN',
			true,
			false,
			0,
			-1,
			1.5,
			1e21,
		),
	},
	{ weight: 3, arbitrary: fc.integer({ min: -1_000, max: 100_000 }) },
	{ weight: 2, arbitrary: fc.double() },
	{ weight: 3, arbitrary: anyText },
	{ weight: 2, arbitrary: nonAscii },
	{ weight: 1, arbitrary: huge },
	{
		weight: 1,
		arbitrary: fc.array(fc.oneof(anyText, fc.integer(), fc.constant(null)), { maxLength: 4 }),
	},
	{
		weight: 1,
		arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(anyText, fc.integer()), {
			maxKeys: 3,
		}),
	},
);

/** A parameter value: often plausible, often not. */
const field = (plausible: fc.Arbitrary<unknown>) =>
	fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 3, arbitrary: weird });

function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, salt: number): T[] {
	const values = fc.sample(arbitrary, {
		seed: SEED + salt,
		numRuns: Math.max(1, Math.round(count * SCALE)),
	});
	// Items reach the node as JSON: undefined drops out, NaN becomes null.
	return values.map((value) => JSON.parse(JSON.stringify(value ?? null)) as T);
}

/** Generated records, as the input items they become. */
function sampleItems(arbitrary: fc.Arbitrary<object>, count: number, salt: number): IDataObject[] {
	return sample(arbitrary, count, salt) as IDataObject[];
}

// ---------------------------------------------------------------- field rules (oracles)

type Verdict = string[] | 'unknown';

const isBlank = (v: unknown) => v === undefined || v === null;
function intOk(v: unknown, min: number, max: number): boolean {
	const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
	return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}
function textOk(v: unknown): boolean {
	return (
		(typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '')
	);
}
function listOk(v: unknown, entry: (e: unknown) => boolean = textOk): boolean {
	const values = Array.isArray(v) ? v : [v];
	return values.length > 0 && values.every((e) => textOk(e) && entry(e));
}

// ---------------------------------------------------------------- the property

/** A message a user can act on: the vendor's own error, a transport failure, or a named field. */
const CLEAR =
	/(Shiheng|Mingdao|WeLink|Aliyun IoT)( gateway)? error|answered (with|without)|did not answer in time|connection was closed|field "/;
const ENGINE =
	/Cannot read prop|is not a function|is not iterable|of undefined|of null|Maximum call stack|Unexpected token|Invalid (array|string) length/;

interface CaseCheck {
	label: string;
	inputs: number;
	/** Fields the item's values break (must be named), or 'unknown'. */
	verdict?: (itemIndex: number) => Verdict;
}

function checkRun(result: Awaited<ReturnType<typeof runNode>>, check: CaseCheck): void {
	expect(result.error).toBeUndefined();
	const byItem = new Map<number, INodeExecutionData[]>();
	for (const item of result.items) {
		expect(item.pairedItem).toBeDefined();
		const index = paired(item);
		byItem.set(index, [...(byItem.get(index) ?? []), item]);
	}
	for (let itemIndex = 0; itemIndex < check.inputs; itemIndex++) {
		const outputs = byItem.get(itemIndex) ?? [];
		const errors = outputs.filter((item) => item.json.error !== undefined);
		const where = `${check.label} item ${itemIndex}`;
		if (errors.length > 0) {
			expect(outputs).toHaveLength(1);
			const message = String(errors[0].json.error);
			if (!message.includes(`item ${itemIndex}`) || !CLEAR.test(message) || ENGINE.test(message)) {
				flagged.push(
					`${where}: ${message.slice(0, 200)} … ${message.slice(-80)} [${message.length} chars]`,
				);
			}
		}
		const verdict = check.verdict?.(itemIndex) ?? 'unknown';
		if (verdict !== 'unknown' && verdict.length > 0) {
			const message = errors.length > 0 ? String(errors[0].json.error) : '(no error)';
			if (!verdict.some((name) => message.includes(`field "${name}"`))) {
				flagged.push(
					`${where}: expected an error naming ${verdict.join(' or ')}, got ${message.slice(0, 200)}`,
				);
			}
		}
	}
}

// ---------------------------------------------------------------- emulators

let sh: ShihengEmulatorHandle;
let md: MingdaoEmulatorHandle;
let wl: WeLinkEmulatorHandle;
let al: AliyunIotEmulatorHandle;

beforeAll(async () => {
	console.log(`Fuzz seed ${SEED} (reproduce with RELIABILITY_SEED=${SEED})`);
	[sh, md, wl, al] = await Promise.all([
		startShihengEmulator({ employees: 30, customers: 30 }),
		startMingdaoEmulator({ users: 50 }),
		startWeLinkEmulator({ demoPersons: 20, ratePerSecond: 100_000 }),
		startAliyunIotEmulator({ employees: 30 }),
	]);
});
afterAll(async () => {
	await Promise.all([sh, md, wl, al].map(async (handle) => await handle?.stop()));
	console.log(`Fuzz: ${cases} generated cases (seed ${SEED})`);
});
beforeEach(() => {
	clearTokenCache();
	for (const handle of [sh, md, wl, al]) {
		handle.emulator.clearFaults();
		handle.emulator.resetCounters();
	}
});
afterEach(() => {
	const found = flagged.splice(0);
	if (found.length > 0)
		console.log(`Flagged cases (seed ${SEED}):\n${found.slice(0, 30).join('\n')}`);
	expect(found).toEqual([]);
});

const WELINK_OPTIONS = { ratePerSecond: 100_000, ratePerMinute: 1_000_000 };

// ---------------------------------------------------------------- parameters

describe('node parameters from expressions', () => {
	test('Shiheng: Endpoint Path, Limit, Page Size, Start ID', async () => {
		const employee = sampleItems(
			fc.record({
				path: field(
					fc.constantFrom(
						sh.employeePath,
						sh.employeePath.slice(1),
						'/not/there',
						'https://x.example.com/a',
						'/a b',
						'/a?b',
					),
				),
				returnAll: fc.boolean(),
				limit: field(fc.integer({ min: 1, max: 40 })),
				pageSize: field(fc.integer({ min: 0, max: 51 })),
			}),
			1_000,
			1,
		);
		const result = await runNode({
			type: SHIHENG,
			items: employee,
			continueOnFail: true,
			credentials: { shihengApi: sh.credentials },
			parameters: {
				resource: 'employee',
				operation: 'getAll',
				endpointPath: '={{ $json.path }}',
				returnAll: '={{ $json.returnAll }}',
				limit: '={{ $json.limit }}',
				pageSize: '={{ $json.pageSize }}',
				options: { maxRetries: 0 },
			},
		});
		cases += employee.length;
		checkRun(result, {
			label: 'shiheng employee',
			inputs: employee.length,
			verdict: (i) => {
				const p = employee[i] as IDataObject;
				const bad: string[] = [];
				if (!textOk(p.path)) bad.push('Endpoint Path');
				else if (
					/^[a-z][a-z0-9+.-]*:\/\//i.test(String(p.path).trim()) ||
					/[\s?#]/.test(String(p.path).trim())
				)
					bad.push('Endpoint Path');
				if (bad.length > 0) return bad;
				if (!p.returnAll && !intOk(p.limit, 1, Number.MAX_SAFE_INTEGER)) return ['Limit'];
				if (!intOk(p.pageSize, 1, 50)) return ['Page Size'];
				return [];
			},
		});

		const customer = sampleItems(
			fc.record({
				startId: field(fc.nat(5_000_300)),
				pageSize: field(fc.integer({ min: 1, max: 100 })),
			}),
			400,
			2,
		);
		const second = await runNode({
			type: SHIHENG,
			items: customer,
			continueOnFail: true,
			credentials: { shihengApi: sh.credentials },
			parameters: {
				resource: 'customer',
				operation: 'getAll',
				endpointPath: sh.customerPath,
				returnAll: false,
				limit: 3,
				pageSize: '={{ $json.pageSize }}',
				options: { startId: '={{ $json.startId }}', maxRetries: 0 },
			},
		});
		cases += customer.length;
		checkRun(second, {
			label: 'shiheng customer',
			inputs: customer.length,
			verdict: (i) => (intOk(customer[i].pageSize, 1, 100) ? 'unknown' : ['Page Size']),
		});
	});

	test('Mingdao: user and department ids, Get Relation, Get Many', async () => {
		const ids = sampleItems(
			fc.record({ id: field(fc.constantFrom(...md.userIds.slice(0, 10), 'nobody', 42)) }),
			900,
			3,
		);
		const relations = await runNode({
			type: MINGDAO,
			items: ids,
			continueOnFail: true,
			credentials: { mingdaoApi: md.credentials },
			parameters: {
				resource: 'user',
				operation: 'getRelations',
				corpUserIds: '={{ $json.id }}',
				options: { batchSize: 100, maxRetries: 0 },
			},
		});
		cases += ids.length;
		checkRun(relations, {
			label: 'mingdao getRelations',
			inputs: ids.length,
			verdict: (i) => (listOk(ids[i].id) ? [] : ['Third-Party User IDs']),
		});

		const depts = sampleItems(
			fc.record({
				id: field(fc.constantFrom(...md.departmentIds.slice(0, 5), '-3', 'sales', [1001, 1002])),
			}),
			400,
			4,
		);
		const departments = await runNode({
			type: MINGDAO,
			items: depts,
			continueOnFail: true,
			credentials: { mingdaoApi: md.credentials },
			parameters: {
				resource: 'department',
				operation: 'getRelations',
				corpDepartmentIds: '={{ $json.id }}',
				isNumber: true,
				options: { maxRetries: 0 },
			},
		});
		cases += depts.length;
		checkRun(departments, {
			label: 'mingdao department',
			inputs: depts.length,
			verdict: (i) =>
				listOk(depts[i].id, (e) => /^-?\d+$/.test(String(e).trim()))
					? []
					: ['Corp Department IDs', 'Third-Party Department IDs'],
		});

		const single = sampleItems(
			fc.record({ id: field(fc.constantFrom(md.userIds[0], md.userIds[4])) }),
			200,
			5,
		);
		const one = await runNode({
			type: MINGDAO,
			items: single,
			continueOnFail: true,
			credentials: { mingdaoApi: md.credentials },
			parameters: {
				resource: 'user',
				operation: 'getRelation',
				corpUserId: '={{ $json.id }}',
				options: { maxRetries: 0 },
			},
		});
		cases += single.length;
		checkRun(one, {
			label: 'mingdao getRelation',
			inputs: single.length,
			verdict: (i) => (textOk(single[i].id) ? 'unknown' : ['Third-Party User ID']),
		});

		const many = sampleItems(
			fc.record({
				limit: field(fc.integer({ min: 1, max: 60 })),
				pageSize: field(fc.integer({ min: 1, max: 1_001 })),
				status: field(fc.constantFrom(1, 4, '')),
			}),
			300,
			6,
		);
		const listing = await runNode({
			type: MINGDAO,
			items: many,
			continueOnFail: true,
			credentials: { mingdaoApi: md.credentials },
			parameters: {
				resource: 'user',
				operation: 'getMany',
				returnAll: false,
				limit: '={{ $json.limit }}',
				filters: { userStatus: '={{ $json.status }}' },
				options: { pageSize: '={{ $json.pageSize }}', maxRetries: 0 },
			},
		});
		cases += many.length;
		checkRun(listing, {
			label: 'mingdao getMany',
			inputs: many.length,
			verdict: (i) => {
				const p = many[i] as IDataObject;
				if (!intOk(p.limit, 1, Number.MAX_SAFE_INTEGER)) return ['Limit'];
				if (!isBlank(p.pageSize) && !intOk(p.pageSize, 1, 1_000)) return ['Page Size'];
				if (
					p.status !== undefined &&
					p.status !== null &&
					p.status !== '' &&
					!intOk(p.status, 0, Number.MAX_SAFE_INTEGER)
				)
					return ['User Status'];
				return 'unknown';
			},
		});
	});

	test('WeLink: Identify By, Identifier, Submit fields, Corp User ID', async () => {
		const refs = sampleItems(
			fc.record({
				type: field(
					fc.constantFrom('corpUserId', 'email', 'MOBILE', ' userEmail ', 'mobileNumber'),
				),
				id: field(
					fc.constantFrom(
						'demo0001',
						'demo0002@example.com',
						'DEMO0003@EXAMPLE.COM',
						'13800000004',
						'ghost',
					),
				),
			}),
			1_000,
			7,
		);
		const status = await runNode({
			type: WELINK,
			items: refs,
			continueOnFail: true,
			credentials: { weLinkApi: wl.credentials },
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: '={{ $json.type }}',
				identifier: '={{ $json.id }}',
				options: { ...WELINK_OPTIONS, maxRetries: 0 },
			},
		});
		cases += refs.length;
		const aliases = new Set(['corpuserid', 'mobilenumber', 'mobile', 'useremail', 'email']);
		checkRun(status, {
			label: 'welink getStatus',
			inputs: refs.length,
			verdict: (i) => {
				const p = refs[i] as IDataObject;
				if (typeof p.type !== 'string' || !aliases.has(p.type.trim().toLowerCase()))
					return ['Identify By'];
				return textOk(p.id) ? [] : ['Identifier'];
			},
		});

		const persons = sampleItems(
			fc.record({
				id: field(fc.string({ minLength: 1, maxLength: 8 })),
				name: field(nonAscii),
				email: field(fc.emailAddress()),
				mobile: weird,
				sex: weird,
			}),
			500,
			8,
		);
		const submit = await runNode({
			type: WELINK,
			items: persons,
			continueOnFail: true,
			credentials: { weLinkApi: wl.credentials },
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '={{ $json.name }}',
				additionalFields: {
					userEmail: '={{ $json.email }}',
					mobileNumber: '={{ $json.mobile }}',
					sex: '={{ $json.sex }}',
				},
				options: { ...WELINK_OPTIONS, maxRetries: 0 },
			},
		});
		cases += persons.length;
		checkRun(submit, {
			label: 'welink submit',
			inputs: persons.length,
			verdict: (i) => {
				const p = persons[i] as IDataObject;
				if (!textOk(p.id)) return ['Corp User ID'];
				return textOk(p.name) ? 'unknown' : ['Name (Chinese)'];
			},
		});

		const accounts = sampleItems(
			fc.record({ id: field(fc.constantFrom('demo0001', 'demo0005', 'ghost')) }),
			400,
			9,
		);
		const lookup = await runNode({
			type: WELINK,
			items: accounts,
			continueOnFail: true,
			credentials: { weLinkApi: wl.credentials },
			parameters: {
				resource: 'user',
				operation: 'getWeLinkId',
				corpUserId: '={{ $json.id }}',
				options: { ...WELINK_OPTIONS, maxRetries: 0 },
			},
		});
		cases += accounts.length;
		checkRun(lookup, {
			label: 'welink getWeLinkId',
			inputs: accounts.length,
			verdict: (i) => (textOk(accounts[i].id) ? [] : ['Corp User ID']),
		});
	});

	test('Aliyun IoT: Company ID, Limit, Page Size, Auth Code, Code Type, custom call', async () => {
		const list = sampleItems(
			fc.record({
				company: field(fc.constantFrom(al.companyId, 'no-such-company')),
				limit: field(fc.integer({ min: 1, max: 40 })),
				pageSize: field(fc.integer({ min: 0, max: 101 })),
			}),
			800,
			10,
		);
		const listing = await runNode({
			type: ALIYUN_TYPE,
			items: list,
			continueOnFail: true,
			credentials: { aliyunIotApi: al.credentials },
			parameters: {
				resource: 'employee',
				operation: 'getManyByCompany',
				companyId: '={{ $json.company }}',
				returnAll: false,
				limit: '={{ $json.limit }}',
				options: { pageSize: '={{ $json.pageSize }}', maxRetries: 0 },
			},
		});
		cases += list.length;
		checkRun(listing, {
			label: 'aliyun getManyByCompany',
			inputs: list.length,
			verdict: (i) => {
				const p = list[i] as IDataObject;
				if (!textOk(p.company)) return ['Company ID'];
				if (!intOk(p.limit, 1, Number.MAX_SAFE_INTEGER)) return ['Limit'];
				if (!isBlank(p.pageSize) && !intOk(p.pageSize, 1, 100)) return ['Page Size'];
				return 'unknown';
			},
		});

		const creates = sampleItems(
			fc.record({
				code: field(fc.constantFrom('UNKNOWN-CODE', 'x')),
				type: field(fc.constantFrom('AUTH_CODE', 'SESSION_ID', ' AUTH_CODE ', 'auth_code')),
			}),
			400,
			11,
		);
		const created = await runNode({
			type: ALIYUN_TYPE,
			items: creates,
			continueOnFail: true,
			credentials: { aliyunIotApi: al.credentials },
			parameters: {
				resource: 'employee',
				operation: 'createByAuthCode',
				authCode: '={{ $json.code }}',
				codeType: '={{ $json.type }}',
				options: {},
			},
		});
		cases += creates.length;
		checkRun(created, {
			label: 'aliyun createByAuthCode',
			inputs: creates.length,
			verdict: (i) => {
				const p = creates[i] as IDataObject;
				if (!textOk(p.code)) return ['Auth Code'];
				if (!textOk(p.type) || !['AUTH_CODE', 'SESSION_ID'].includes(String(p.type).trim()))
					return ['Code Type'];
				return 'unknown';
			},
		});

		const calls = sampleItems(
			fc.record({
				path: field(fc.constantFrom(ALIYUN_PATHS.queryByCompanyId, '/x', '//x', 'x', '/a?b')),
				apiVer: field(fc.constantFrom('1.0.0', '9.9.9')),
				params: field(
					fc.oneof(
						fc.constant(`{"companyId":"${al.companyId}"}`),
						fc.json(),
						fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
					),
				),
			}),
			300,
			12,
		);
		const custom = await runNode({
			type: ALIYUN_TYPE,
			items: calls,
			continueOnFail: true,
			credentials: { aliyunIotApi: al.credentials },
			parameters: {
				resource: 'customApiCall',
				operation: 'call',
				path: '={{ $json.path }}',
				apiVer: '={{ $json.apiVer }}',
				params: '={{ $json.params }}',
				options: { idempotent: true, maxRetries: 0 },
			},
		});
		cases += calls.length;
		checkRun(custom, {
			label: 'aliyun customApiCall',
			inputs: calls.length,
			verdict: (i) => {
				const p = calls[i] as IDataObject;
				const path = typeof p.path === 'string' ? p.path.trim() : p.path;
				if (
					!textOk(p.path) ||
					typeof path !== 'string' ||
					!path.startsWith('/') ||
					path.startsWith('//') ||
					/[?#\s]/.test(path)
				)
					return ['Path'];
				if (!textOk(p.apiVer)) return ['API Version'];
				return 'unknown';
			},
		});
	});

	test('without Continue On Fail, a bad parameter stops the run with a NodeOperationError naming item and field', async () => {
		const bad = sample(
			fc.record({
				at: fc.nat(20),
				size: fc.oneof(fc.constantFrom(0, 51, -1, 2.5, 'ten', null), huge, nonAscii),
			}),
			12,
			13,
		);
		for (const { at, size } of bad) {
			const items: IDataObject[] = Array.from({ length: at + 1 }, (_, i) => ({
				size: i === at ? size : 5,
			}));
			const result = await runNode({
				type: SHIHENG,
				items,
				credentials: { shihengApi: sh.credentials },
				parameters: {
					resource: 'employee',
					operation: 'getAll',
					endpointPath: sh.employeePath,
					returnAll: false,
					limit: 1,
					pageSize: '={{ $json.size }}',
				},
			});
			cases += 1;
			expect(result.error?.name).toBe('NodeOperationError');
			expect(result.error?.message).toContain(`item ${at}, field "Page Size"`);
		}
	});
});

// ---------------------------------------------------------------- vendor answers

interface GeneratedAnswer {
	status: number;
	headers?: Record<string, string>;
	json?: unknown;
	text?: string;
}

type PathStep = string | number;

function pathsOf(value: unknown, prefix: PathStep[] = [], out: PathStep[][] = []): PathStep[][] {
	if (value && typeof value === 'object') {
		for (const [key, entry] of Object.entries(value)) {
			const step = Array.isArray(value) ? Number(key) : key;
			out.push([...prefix, step]);
			pathsOf(entry, [...prefix, step], out);
		}
	}
	return out;
}

function mutate(
	template: unknown,
	edits: Array<{ at: number; remove: boolean; value: unknown }>,
): unknown {
	const copy = JSON.parse(JSON.stringify(template)) as unknown;
	for (const edit of edits) {
		const paths = pathsOf(copy);
		if (paths.length === 0) break;
		const path = paths[edit.at % paths.length];
		let parent = copy as Record<string | number, unknown>;
		for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
		const last = path[path.length - 1];
		if (edit.remove && !Array.isArray(parent)) delete parent[last];
		else parent[last] = edit.value;
	}
	return copy;
}

/** A body built from a valid answer with a few fields removed or replaced, or something else entirely. */
function answers(template: unknown): fc.Arbitrary<GeneratedAnswer> {
	const status = fc.constantFrom(
		200,
		200,
		200,
		200,
		200,
		201,
		400,
		401,
		403,
		404,
		429,
		500,
		502,
		503,
	);
	const edits = fc.array(fc.record({ at: fc.nat(), remove: fc.boolean(), value: weird }), {
		minLength: 1,
		maxLength: 4,
	});
	const headers = fc.constantFrom<Record<string, string> | undefined>(
		undefined,
		undefined,
		{ 'X-Ca-Error-Message': 'Request Limited' },
		{ 'X-Ca-Error-Message': 'Invalid Signature' },
		{ 'Retry-After': '0' },
	);
	return fc.oneof(
		{
			weight: 6,
			arbitrary: fc.record({ status, headers, json: edits.map((list) => mutate(template, list)) }),
		},
		{ weight: 1, arbitrary: fc.record({ status, headers, json: fc.jsonValue({ maxDepth: 3 }) }) },
		{
			weight: 1,
			arbitrary: fc.record({
				status,
				headers,
				text: fc.oneof(anyText, nonAscii, fc.constant(''), fc.constant('<html>busy</html>'), huge),
			}),
		},
	);
}

// ---------------------------------------------------------------- oracle: a Shiheng employee page

/** `short`: the answer states a total its rows do not reach (within the limit), so the node reads again. */
type PageOutcome =
	{ kind: 'error' } | { kind: 'rows'; ids: unknown[]; short: boolean } | { kind: 'either' };

const isRecord = (value: unknown): value is Record<string, unknown> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * What the Shiheng node must make of one generated answer to a page request, from the contract:
 * an HTTP error status, a body that is not a JSON object, or a code other than "0" fails the item;
 * code "0" lists the object rows of `result.result`, an employee once however often it appears,
 * up to the limit. A code that is neither text nor a number is outside the contract: either
 * outcome is accepted there, but it must still be one of the two.
 */
function shihengPageOutcome(answer: GeneratedAnswer, limit: number): PageOutcome {
	if (answer.status >= 400) return { kind: 'error' };
	let envelope: unknown;
	try {
		envelope = JSON.parse(
			answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json)),
		);
	} catch {
		return { kind: 'error' };
	}
	if (!isRecord(envelope) || envelope.code === undefined || envelope.code === null)
		return { kind: 'error' };
	if (typeof envelope.code !== 'string' && typeof envelope.code !== 'number')
		return { kind: 'either' };
	if (String(envelope.code) !== '0') return { kind: 'error' };
	const list = isRecord(envelope.result) ? envelope.result.result : undefined;
	if (list !== undefined && list !== null && !Array.isArray(list)) return { kind: 'error' };
	const seen = new Set<string>();
	const rows = (Array.isArray(list) ? list : []).filter(isRecord).filter((row) => {
		if (typeof row.id !== 'number' && typeof row.id !== 'string') return true;
		const key = String(row.id);
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
	const total = isRecord(envelope.result) ? envelope.result.total : undefined;
	const short =
		typeof total === 'number' && Math.min(limit, rows.length) !== Math.min(limit, total);
	return { kind: 'rows', ids: rows.slice(0, limit).map((row) => row.id), short };
}

/** One item's outputs against the outcome its answer must give (Continue On Fail). */
function checkPageItem(
	outputs: INodeExecutionData[],
	expected: PageOutcome,
	itemIndex: number,
	limit: number,
): void {
	const failed = outputs.length === 1 && outputs[0].json.error !== undefined;
	if (expected.kind === 'error' || (expected.kind === 'either' && failed)) {
		expect(outputs).toHaveLength(1);
		expect(String(outputs[0].json.error)).toContain(`item ${itemIndex}`);
		return;
	}
	expect(outputs.every((item) => item.json.error === undefined)).toBe(true);
	if (expected.kind === 'rows') expect(outputs.map((item) => item.json.id)).toEqual(expected.ids);
	else expect(outputs.length).toBeLessThanOrEqual(limit);
}

function serve(emulator: Emulator, path: string, bodies: GeneratedAnswer[]): void {
	for (const body of bodies) {
		emulator.injectFault({
			path,
			times: 1,
			fault: {
				kind: 'status',
				status: body.status,
				headers: body.headers,
				json: body.json,
				text: body.text,
			},
		});
	}
}

describe('vendor answers', () => {
	const employee = {
		id: 1,
		weComUserId: 'wx-1',
		status: 1,
		name: '员工',
		corpId: 'c',
		userId: 'u1',
		mobileNumber: '138',
		emailAddress: 'a@b.c',
	};

	test('Shiheng employee pages', async () => {
		const template = {
			code: '0',
			msg: null,
			traceId: 'trace',
			result: {
				pages: 1,
				total: 3,
				result: [employee, { ...employee, id: 2 }, { ...employee, id: 3 }],
			},
		};
		const bodies = sample(answers(template), 1_200, 20);
		// Each item lists its own path, so its answer stays its own even when the node reads the list
		// again because the stated total does not add up (at most twice more).
		const pathOf = (itemIndex: number) => `${sh.employeePath}/fuzz-${itemIndex}`;
		bodies.forEach((body, itemIndex) => {
			const { status, headers, json, text } = body;
			sh.emulator.injectFault({
				path: pathOf(itemIndex),
				times: 3,
				fault: { kind: 'status', status, headers, json, text },
			});
		});
		const items = bodies.map((_, itemIndex) => ({ path: pathOf(itemIndex) }));
		const result = await runNode({
			type: SHIHENG,
			items,
			continueOnFail: true,
			credentials: { shihengApi: sh.credentials },
			parameters: {
				resource: 'employee',
				operation: 'getAll',
				endpointPath: '={{ $json.path }}',
				returnAll: false,
				limit: 3,
				pageSize: 3,
				options: { maxRetries: 0 },
			},
		});
		cases += bodies.length;
		checkRun(result, { label: 'shiheng answers', inputs: items.length });
		bodies.forEach((body, itemIndex) => {
			const outcome = shihengPageOutcome(body, 3);
			const outputs = result.items.filter((item) => paired(item) === itemIndex);
			checkPageItem(outputs, outcome, itemIndex, 3);
			// One read, or three when the answer's own total says rows are missing (the list "changed").
			const reads = sh.emulator.count(pathOf(itemIndex));
			if (outcome.kind === 'either') expect([1, 3]).toContain(reads);
			else expect(reads).toBe(outcome.kind === 'rows' && outcome.short ? 3 : 1);
		});
	});

	test('Mingdao relation batches and user pages', async () => {
		const relationTemplate = {
			code: 1,
			message: '',
			data: [{ corpUserId: md.userIds[0], projectId: md.projectId, accountId: 'acc-1' }],
		};
		const relationBodies = sample(answers(relationTemplate), 500, 21);
		serve(md.emulator, MINGDAO_RELATIONS, relationBodies);
		const relations = await runNode({
			type: MINGDAO,
			items: relationBodies.map((_, i) => ({
				id: md.userIds[i % md.userIds.length] + (i >= md.userIds.length ? `-${i}` : ''),
			})),
			continueOnFail: true,
			credentials: { mingdaoApi: md.credentials },
			parameters: {
				resource: 'user',
				operation: 'getRelations',
				corpUserIds: '={{ $json.id }}',
				options: { batchSize: 1, concurrency: 1, maxRetries: 0 },
			},
		});
		cases += relationBodies.length;
		checkRun(relations, { label: 'mingdao relation answers', inputs: relationBodies.length });

		const usersTemplate = {
			code: 1,
			message: '',
			data: {
				users: [{ accountId: 'a1', fullname: '用户', corpUserId: 'wx', status: 1 }],
				total: 1,
			},
		};
		const userBodies = sample(answers(usersTemplate), 500, 22);
		serve(md.emulator, '/generalintegrateapi/v2/user/getUsers', userBodies);
		const users = await runNode({
			type: MINGDAO,
			items: userBodies.map(() => ({})),
			continueOnFail: true,
			credentials: { mingdaoApi: md.credentials },
			parameters: {
				resource: 'user',
				operation: 'getMany',
				returnAll: false,
				limit: 1,
				options: { pageSize: 1, maxRetries: 0 },
			},
		});
		cases += userBodies.length;
		checkRun(users, { label: 'mingdao getUsers answers', inputs: userBodies.length });
	});

	test('WeLink status and submit batches, token answers', async () => {
		const statusTemplate = {
			code: '0',
			message: 'success',
			data: Array.from({ length: 10 }, (_, i) => ({
				corpUserId: `p${i}`,
				code: '47109',
				message: 'Operation success',
			})),
		};
		const statusBodies = sample(answers(statusTemplate), 300, 23);
		serve(wl.emulator, WELINK_PATHS.status, statusBodies);
		const statusItems = statusBodies.flatMap((_, b) =>
			Array.from({ length: 10 }, (__, i) => ({ id: `p${b}-${i}` })),
		);
		const status = await runNode({
			type: WELINK,
			items: statusItems,
			continueOnFail: true,
			credentials: { weLinkApi: wl.credentials },
			parameters: {
				resource: 'userSync',
				operation: 'getStatus',
				identifierType: 'corpUserId',
				identifier: '={{ $json.id }}',
				options: { ...WELINK_OPTIONS, maxRetries: 0, concurrency: 4 },
			},
		});
		cases += statusBodies.length;
		checkRun(status, { label: 'welink status answers', inputs: statusItems.length });

		const submitTemplate = {
			code: '0',
			message: 'success',
			data: Array.from({ length: 10 }, (_, i) => ({
				corpUserId: `n${i}`,
				code: '0',
				message: 'success',
			})),
		};
		const submitBodies = sample(answers(submitTemplate), 100, 24);
		serve(wl.emulator, WELINK_PATHS.bulk, submitBodies);
		const submitItems = submitBodies.flatMap((_, b) =>
			Array.from({ length: 10 }, (__, i) => ({ id: `n${b}-${i}` })),
		);
		const submit = await runNode({
			type: WELINK,
			items: submitItems,
			continueOnFail: true,
			credentials: { weLinkApi: wl.credentials },
			parameters: {
				resource: 'userSync',
				operation: 'submit',
				corpUserId: '={{ $json.id }}',
				userNameCn: '={{ $json.id }}',
				additionalFields: {},
				options: { ...WELINK_OPTIONS, maxRetries: 0 },
			},
		});
		cases += submitBodies.length;
		checkRun(submit, { label: 'welink submit answers', inputs: submitItems.length });

		// The token endpoint's answer, one execution per generated body (the token is fetched once per run).
		const tokenBodies = sample(
			answers({ code: '0', message: 'ok', access_token: 'a'.repeat(40), expires_in: 7200 }),
			40,
			25,
		);
		for (const body of tokenBodies) {
			clearTokenCache();
			serve(wl.emulator, WELINK_PATHS.tickets, [body]);
			const result = await runNode({
				type: WELINK,
				items: [{ id: 'demo0001' }],
				continueOnFail: true,
				credentials: { weLinkApi: wl.credentials },
				parameters: {
					resource: 'userSync',
					operation: 'getStatus',
					identifierType: 'corpUserId',
					identifier: '={{ $json.id }}',
					options: { ...WELINK_OPTIONS, maxRetries: 0 },
				},
			});
			cases += 1;
			wl.emulator.clearFaults();
			checkRun(result, { label: 'welink token answer', inputs: 1 });
		}
	});

	test('Aliyun IoT listing pages and Create by Auth Code', async () => {
		const listTemplate = {
			id: 'x',
			code: 200,
			message: null,
			localizedMsg: null,
			data: {
				total: 2,
				pageNo: 1,
				pageSize: 2,
				pageCount: 1,
				employeeList: [
					{ employeeId: 'e1', nickName: '王伟' },
					{ employeeId: 'e2', nickName: '李芳' },
				],
			},
		};
		const listBodies = sample(answers(listTemplate), 550, 26);
		serve(al.emulator, ALIYUN_PATHS.queryByCompanyId, listBodies);
		const listing = await runNode({
			type: ALIYUN_TYPE,
			items: listBodies.map(() => ({ companyId: al.companyId })),
			continueOnFail: true,
			credentials: { aliyunIotApi: al.credentials },
			parameters: {
				resource: 'employee',
				operation: 'getManyByCompany',
				companyId: '={{ $json.companyId }}',
				returnAll: false,
				limit: 2,
				options: { pageSize: 2, maxRetries: 0 },
			},
		});
		cases += listBodies.length;
		checkRun(listing, { label: 'aliyun list answers', inputs: listBodies.length });

		const createTemplate = {
			id: 'x',
			code: 200,
			message: null,
			localizedMsg: null,
			data: { employeeId: 'e9', accountId: 'a9', phone: '13800000000', nickName: '新员工' },
		};
		const createBodies = sample(answers(createTemplate), 550, 27);
		serve(al.emulator, ALIYUN_PATHS.createByAuthCode, createBodies);
		const created = await runNode({
			type: ALIYUN_TYPE,
			items: createBodies.map((_, i) => ({ code: `FUZZ-${i}` })),
			continueOnFail: true,
			credentials: { aliyunIotApi: al.credentials },
			parameters: {
				resource: 'employee',
				operation: 'createByAuthCode',
				authCode: '={{ $json.code }}',
				codeType: 'AUTH_CODE',
				options: { maxRetries: 0 },
			},
		});
		cases += createBodies.length;
		checkRun(created, { label: 'aliyun create answers', inputs: createBodies.length });
		// Single use: at most one request per item, whatever came back. A refusal of the whole run
		// (issue 21: Invalid Signature, a refused AppKey, body 403) stops the sending; every item not
		// sent then carries an error of its own, and none is sent twice.
		const sent = al.emulator.count(ALIYUN_PATHS.createByAuthCode);
		expect(sent).toBeGreaterThan(0);
		expect(sent).toBeLessThanOrEqual(createBodies.length);
		const unsent = created.items.filter((item) => paired(item) >= sent);
		expect(unsent).toHaveLength(createBodies.length - sent);
		for (const item of unsent) expect(String(item.json.error)).toMatch(/Aliyun IoT/);
	});

	test('without Continue On Fail, a bad answer stops the run with a NodeApiError or NodeOperationError', async () => {
		const bodies = sample(
			answers({ code: '0', msg: null, traceId: 't', result: { pages: 1, result: [employee] } }),
			30,
			28,
		);
		for (const body of bodies) {
			sh.emulator.clearFaults();
			serve(sh.emulator, sh.employeePath, [body]);
			const result = await runNode({
				type: SHIHENG,
				items: [{}],
				credentials: { shihengApi: sh.credentials },
				parameters: {
					resource: 'employee',
					operation: 'getAll',
					endpointPath: sh.employeePath,
					returnAll: false,
					limit: 1,
					pageSize: 1,
					options: { maxRetries: 0 },
				} as INodeParameters,
			});
			cases += 1;
			const expected = shihengPageOutcome(body, 1);
			if (expected.kind === 'error') expect(result.error).toBeDefined();
			if (expected.kind === 'rows') expect(result.error).toBeUndefined();
			if (result.error) {
				expect(['NodeApiError', 'NodeOperationError']).toContain(result.error.name);
				expect(result.error.message).toContain('item 0');
				expect(result.items).toEqual([]);
			} else {
				checkPageItem(result.items, expected, 0, 1);
			}
		}
	});
});

test('at least 10,000 generated cases ran', () => {
	expect(cases).toBeGreaterThanOrEqual(Math.round(10_000 * SCALE));
});
