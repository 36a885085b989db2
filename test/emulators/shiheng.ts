import { createHash, createHmac, randomBytes } from 'node:crypto';

import { Emulator } from './frame';
import type { EmulatorReply, EmulatorRequest, VendorEmulatorHandle } from './frame';

/**
 * An emulator of the Shiheng open platform's WeCom employee and customer lists.
 *
 * What follows the vendor's doc pages: the common parameters (appId, sign, version, timestamp,
 * paramContent), the answer envelope `{code: "0", msg, traceId, result}`, pageNum ≥ 1 and pageSize
 * 1..50 for employees, the startId cursor with pageSize 1..100 for customers, the employee status
 * values (plus the undocumented 6 seen in the doc's own example).
 *
 * What is the emulator's OWN invention, because Shiheng does not publish it: the paths (defaults
 * below), the error codes and messages, the timestamp window, the version value, and which signing
 * scheme is in force (chosen by option). The schemes and their check are written here from the
 * written description of each preset (the option names in the credential's Signing Scheme list,
 * and vendor-facts.md), never imported from the node: a signer bug cannot hide behind the same
 * code on both sides.
 */

/** A signing scheme as the emulator understands one. */
export interface EmulatorSignScheme {
	/** "Sorted k=v&…" or "Sorted Keys and Values Concatenated". */
	join: 'query' | 'concat';
	algorithm: 'md5' | 'sha256' | 'hmac-sha256';
	/** "+ Secret" (appended) or "Secret + … + Secret" (wrapped); HMAC keys with the secret instead. */
	secretPlacement: 'append' | 'wrap';
	hexCase: 'upper' | 'lower';
	timestampUnit: 'ms' | 's';
}

/**
 * The credential's presets, each written from its option name in the credential's Signing Scheme
 * list (quoted beside it). Every preset sorts the parameters by name and skips sign and empty values.
 */
const PRESETS: Record<string, EmulatorSignScheme> = {
	// "MD5 of Sorted k=v&… + Secret, Upper-Case Hex, Timestamp in Ms (Default)"
	md5QueryAppendUpperMs: {
		join: 'query',
		algorithm: 'md5',
		secretPlacement: 'append',
		hexCase: 'upper',
		timestampUnit: 'ms',
	},
	// "MD5 of Sorted k=v&… + Secret, Lower-Case Hex, Timestamp in Ms"
	md5QueryAppendLowerMs: {
		join: 'query',
		algorithm: 'md5',
		secretPlacement: 'append',
		hexCase: 'lower',
		timestampUnit: 'ms',
	},
	// "MD5 of Sorted k=v&… + Secret, Lower-Case Hex, Timestamp in Seconds"
	md5QueryAppendLowerS: {
		join: 'query',
		algorithm: 'md5',
		secretPlacement: 'append',
		hexCase: 'lower',
		timestampUnit: 's',
	},
	// "MD5 of Secret + Sorted Keys and Values Concatenated + Secret, Upper-Case Hex, Timestamp in Ms"
	md5ConcatWrapUpperMs: {
		join: 'concat',
		algorithm: 'md5',
		secretPlacement: 'wrap',
		hexCase: 'upper',
		timestampUnit: 'ms',
	},
	// "SHA-256 of Sorted k=v&… + Secret, Lower-Case Hex, Timestamp in Ms"
	sha256QueryAppendLowerMs: {
		join: 'query',
		algorithm: 'sha256',
		secretPlacement: 'append',
		hexCase: 'lower',
		timestampUnit: 'ms',
	},
	// "HMAC-SHA256 (Key = Secret) of Sorted k=v&…, Lower-Case Hex, Timestamp in Ms"
	hmacSha256QueryLowerMs: {
		join: 'query',
		algorithm: 'hmac-sha256',
		secretPlacement: 'append',
		hexCase: 'lower',
		timestampUnit: 'ms',
	},
};

/**
 * How requests must arrive. Shiheng publishes neither method nor encoding; the emulator takes the
 * combinations such platforms use, one at a time, each decoded on its own: a JSON body, a form body
 * (application/x-www-form-urlencoded) or the query string, where text styles carry paramContent as
 * its JSON text and numbers as digits.
 */
export interface EmulatorRequestStyle {
	method: 'POST' | 'GET';
	encoding: 'json' | 'form' | 'query';
}

export const EMULATOR_REQUEST_STYLES: readonly EmulatorRequestStyle[] = [
	{ method: 'POST', encoding: 'json' },
	{ method: 'POST', encoding: 'form' },
	{ method: 'POST', encoding: 'query' },
	{ method: 'GET', encoding: 'query' },
];

/** The preset values the emulator knows, in the credential's order; the first is its default. */
export const EMULATOR_PRESETS: readonly string[] = Object.keys(PRESETS);

export const DEFAULT_EMPLOYEE_PATH = '/open/api/wecom/employee/list';
export const DEFAULT_CUSTOMER_PATH = '/open/api/wecom/customer/list';

/** The emulator's own error codes (Shiheng's are not published). */
export const EMULATOR_CODES = {
	badBody: '40000',
	badAppId: '40001',
	badVersion: '40002',
	badTimestamp: '40003',
	badSign: '40004',
	badPageNum: '40010',
	badPageSize: '40011',
	badStartId: '40012',
	badMethod: '40005',
	emulatedFailure: '50001',
} as const;

/**
 * The emulator's admin API (HTTP, on the emulator itself; not part of Shiheng's): tests change the
 * company between polls with it as an outside system would.
 * - `POST /__admin/employees` `{add?: [{...fields, position?}], change?: [{id, ...fields}], remove?: [id]}` → `{added: [id]}`
 * - `POST /__admin/fail-page` `{pageNum, times?}`: the employee page answers a failure `times` times (default: until cleared)
 * - `POST /__admin/clear-failures`
 */
export const ADMIN_PATHS = {
	employees: '/__admin/employees',
	failPage: '/__admin/fail-page',
	clearFailures: '/__admin/clear-failures',
} as const;

const EMPLOYEE_ID_BASE = 1_000_000;
const CUSTOMER_ID_BASE = 5_000_000;
/** Customer ids have gaps, so a client cannot treat the cursor as a row number. */
const CUSTOMER_ID_STEP = 7;

export interface ShihengEmulatorOptions {
	port?: number;
	latencyMs?: number;
	/** Employees in the generated data set (default 10,000; 100,000 is fine: rows are computed on demand). */
	employees?: number;
	/** Customers in the generated data set (default 2,000). */
	customers?: number;
	appId?: string;
	appSecret?: string;
	/** The version value the emulator expects (its own choice; Shiheng's values are not published). */
	version?: string;
	/** A preset value from the credential's Signing Scheme list, or a custom scheme. */
	signingScheme?: string | EmulatorSignScheme;
	employeePath?: string;
	customerPath?: string;
	/** How far a request's timestamp may be from the emulator's clock (default 5 minutes). */
	timestampWindowMs?: number;
	/** Method and encoding requests must use (default POST with a JSON body). */
	requestStyle?: EmulatorRequestStyle;
}

export interface ChurnRule {
	every: number;
	remove?: number;
	insert?: number;
	times?: number;
}

export interface ShihengEmulatorHandle extends VendorEmulatorHandle {
	employeePath: string;
	customerPath: string;
	/** Employee id at a 0-based position of the list (the order the API returns). */
	employeeId(index: number): number;
	/** Every employee id, in list order. */
	employeeIds(): number[];
	/** The employee as the API returns it now. */
	employee(id: number): Record<string, unknown> | undefined;
	/** Adds employees (fields given or generated) at a position (default: the end); returns their ids. */
	addEmployees(rows: Array<Record<string, unknown>>, position?: number): number[];
	/** Calls the emulator's admin API over HTTP (see ADMIN_PATHS). */
	admin(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
	/** Changes fields of an employee (the id stays). */
	changeEmployee(id: number, fields: Record<string, unknown>): void;
	/** Removes employees from the list (they are no longer listed at all). */
	removeEmployees(ids: number[]): void;
	/**
	 * Changes the list while it is being read: after every `every`-th employee page served,
	 * removes `remove` employees from the front and inserts `insert` new ones at the front,
	 * `times` times at most (default: for good). Undefined stops it.
	 */
	churnBetweenPages(rule: ChurnRule | undefined): void;
	/**
	 * Calls `hook` after each employee page is cut from the list and before it is answered (the
	 * hook may change the list: the next page sees it). With `statedTotal: 'after'` the answer
	 * states the total after the hook's change, else the total the page was cut from. Undefined stops it.
	 */
	afterEmployeePage(
		hook: ((pageNum: number) => void) | undefined,
		statedTotal?: 'before' | 'after',
	): void;
	/** Moves an employee to a position of the list (0-based); one removed earlier is listed again, under the same id. */
	moveEmployee(id: number, position: number): void;
	customerId(index: number): number;
	employeeCount(): number;
	customerCount(): number;
	/** Adds customers at the end of the list (a schedule picking up only new ones). */
	addCustomers(count: number): void;
	/** Changes the scheme the emulator verifies (and the credentials it hands out). */
	setSigningScheme(scheme: string | EmulatorSignScheme): void;
	/** Changes the method and encoding the emulator accepts (and the credentials it hands out). */
	setRequestStyle(style: EmulatorRequestStyle): void;
	/** The parameters of every request that could be decoded, as they arrived (types kept), in arrival order. */
	received: Array<{ method: string; path: string; params: Record<string, unknown> }>;
	/**
	 * Answers every accepted employee-list request with exactly this text (e.g. a doc's example
	 * answer, byte for byte) instead of the generated list. Undefined goes back to the list.
	 */
	serveEmployeeAnswerText(text: string | undefined): void;
	/** pageNum / startId of every request that passed the checks, per path, in arrival order. */
	served: Array<{ path: string; pageNum?: number; startId?: number; pageSize: number }>;
}

const EMPLOYEE_STATUSES = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 5, 0, 6, 1, 1, 5];

/** The generated employee with this id (ids from EMPLOYEE_ID_BASE up, one per position at start). */
function generatedEmployee(id: number): Record<string, unknown> {
	const index = id - EMPLOYEE_ID_BASE;
	const n = index + 1;
	const documented = index % 4 !== 3;
	return {
		id,
		weComUserId: `wx-emp-${n}`,
		status: EMPLOYEE_STATUSES[index % EMPLOYEE_STATUSES.length],
		name: `Employee ${n}`,
		corpId: 'ww-demo-corp',
		followUserFlag: index % 3 === 0,
		userId: documented ? `user${n}` : null,
		gender: documented ? String(index % 3) : null,
		avatarUrl: null,
		qrCodeUrl: null,
		mobileNumber: documented ? `138${String(n).padStart(8, '0')}` : null,
		emailAddress: documented ? `employee${n}@example.com` : null,
		businessEmail: documented ? `e${n}@corp.example.com` : null,
		address: null,
		phone: null,
	};
}

function customerAt(index: number): Record<string, unknown> {
	const n = index + 1;
	return {
		id: CUSTOMER_ID_BASE + index * CUSTOMER_ID_STEP,
		externalUserId: `wm-cust-${n}`,
		name: `Customer ${n}`,
		type: index % 5 === 0 ? 2 : 1,
		corpId: 'ww-demo-corp',
		followUserId: `user${(index % 50) + 1}`,
		shCreateTime: 1_700_000_000_000 + index * 60_000,
	};
}

function schemeOf(value: string | EmulatorSignScheme): EmulatorSignScheme {
	if (typeof value !== 'string') return { ...value };
	const preset = PRESETS[value];
	if (!preset) throw new Error(`Unknown signing scheme preset ${value}`);
	return { ...preset };
}

/** The string to sign and the signature, computed the emulator's own way. */
function expectedSign(
	params: Record<string, unknown>,
	secret: string,
	scheme: EmulatorSignScheme,
): string {
	const parts: string[] = [];
	for (const key of Object.keys(params).sort()) {
		const value = params[key];
		if (key === 'sign' || value === null || value === undefined || value === '') continue;
		const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
		parts.push(scheme.join === 'query' ? `${key}=${text}` : `${key}${text}`);
	}
	const base = parts.join(scheme.join === 'query' ? '&' : '');
	const digest =
		scheme.algorithm === 'hmac-sha256'
			? createHmac('sha256', secret).update(base).digest('hex')
			: createHash(scheme.algorithm === 'md5' ? 'md5' : 'sha256')
					.update(scheme.secretPlacement === 'wrap' ? secret + base + secret : base + secret)
					.digest('hex');
	return scheme.hexCase === 'upper' ? digest.toUpperCase() : digest.toLowerCase();
}

function isWholeNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value);
}

export async function startShihengEmulator(
	options: ShihengEmulatorOptions = {},
): Promise<ShihengEmulatorHandle> {
	const emulator = new Emulator('Shiheng', { latencyMs: options.latencyMs });
	const appId = options.appId ?? 'sh-demo-app';
	const appSecret = options.appSecret ?? 'sh-demo-secret-7f3a9c';
	const version = options.version ?? '1.0';
	const employeePath = options.employeePath ?? DEFAULT_EMPLOYEE_PATH;
	const customerPath = options.customerPath ?? DEFAULT_CUSTOMER_PATH;
	const windowMs = options.timestampWindowMs ?? 5 * 60_000;
	// The list as ids in API order; rows are generated on demand unless added or changed.
	const order: number[] = Array.from(
		{ length: options.employees ?? 10_000 },
		(_, index) => EMPLOYEE_ID_BASE + index,
	);
	const changed = new Map<number, Record<string, unknown>>();
	let nextEmployeeId = EMPLOYEE_ID_BASE + order.length;
	const employeeRow = (id: number): Record<string, unknown> =>
		changed.get(id) ?? generatedEmployee(id);
	const addEmployees = (
		rows: Array<Record<string, unknown>>,
		position = order.length,
	): number[] => {
		const ids = rows.map((row) => {
			const id = nextEmployeeId++;
			changed.set(id, { ...generatedEmployee(id), ...row, id });
			return id;
		});
		order.splice(Math.max(0, Math.min(position, order.length)), 0, ...ids);
		return ids;
	};
	const removeEmployees = (ids: number[]): void => {
		const gone = new Set(ids);
		for (let index = order.length - 1; index >= 0; index--)
			if (gone.has(order[index])) order.splice(index, 1);
		for (const id of gone) changed.delete(id);
	};
	let churn: (ChurnRule & { pagesServed: number; applied: number }) | undefined;
	const churnAfterPage = (): void => {
		if (!churn) return;
		churn.pagesServed++;
		if (
			churn.pagesServed % churn.every !== 0 ||
			(churn.times !== undefined && churn.applied >= churn.times)
		)
			return;
		churn.applied++;
		removeEmployees(order.slice(0, churn.remove ?? 0));
		addEmployees(
			Array.from({ length: churn.insert ?? 0 }, () => ({})),
			0,
		);
	};
	let customers = options.customers ?? 2_000;
	let schemeSetting: string | EmulatorSignScheme = options.signingScheme ?? EMULATOR_PRESETS[0];
	let scheme = schemeOf(schemeSetting);
	let style: EmulatorRequestStyle = options.requestStyle ?? EMULATOR_REQUEST_STYLES[0];
	const served: ShihengEmulatorHandle['served'] = [];
	const received: ShihengEmulatorHandle['received'] = [];
	let employeeAnswerText: string | undefined;
	let pageHook: ((pageNum: number) => void) | undefined;
	let totalAfterHook = false;
	const failingPages = new Map<number, number>();

	const answer = (code: string, msg: string | null, result: unknown = null): EmulatorReply => ({
		json: { code, msg, traceId: randomBytes(16).toString('hex'), result },
	});

	type Decoded = { params: Record<string, unknown>; text: boolean };

	/** The parameters as the style in force carries them; text styles give every value as text. */
	const decode = (request: EmulatorRequest): Decoded | EmulatorReply => {
		if (request.method !== style.method) {
			return {
				status: 405,
				json: {
					code: EMULATOR_CODES.badMethod,
					msg: `this API takes ${style.method}`,
					traceId: null,
					result: null,
				},
			};
		}
		const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
		if (style.method === 'GET' || style.encoding === 'query') {
			if (request.rawBody.length > 0)
				return answer(
					EMULATOR_CODES.badBody,
					'parameters belong in the query string; the body must be empty',
				);
			return { params: Object.fromEntries(request.query), text: true };
		}
		if (style.encoding === 'form') {
			if (!contentType.startsWith('application/x-www-form-urlencoded')) {
				return answer(
					EMULATOR_CODES.badBody,
					'request body must be a form (application/x-www-form-urlencoded)',
				);
			}
			return { params: Object.fromEntries(new URLSearchParams(request.text)), text: true };
		}
		if (!contentType.startsWith('application/json'))
			return answer(EMULATOR_CODES.badBody, 'request body must be JSON');
		let body: unknown;
		try {
			body = JSON.parse(request.text);
		} catch {
			return answer(EMULATOR_CODES.badBody, 'request body is not JSON');
		}
		if (!body || typeof body !== 'object' || Array.isArray(body)) {
			return answer(EMULATOR_CODES.badBody, 'request body must be a JSON object');
		}
		return { params: body as Record<string, unknown>, text: false };
	};

	/** The common checks every API shares; returns paramContent, or the refusal. */
	const authenticate = (request: EmulatorRequest): Record<string, unknown> | EmulatorReply => {
		const decoded = decode(request);
		if (!('params' in decoded)) return decoded;
		received.push({ method: request.method, path: request.path, params: decoded.params });
		const { params, text } = decoded;
		if (params.appId !== appId)
			return answer(EMULATOR_CODES.badAppId, 'appId is missing or unknown');
		if (params.version === undefined || String(params.version) !== version) {
			return answer(EMULATOR_CODES.badVersion, 'version is missing or not supported');
		}
		const timestamp =
			text && typeof params.timestamp === 'string' && /^\d+$/.test(params.timestamp)
				? Number(params.timestamp)
				: params.timestamp;
		const nowInUnit = scheme.timestampUnit === 's' ? Date.now() / 1000 : Date.now();
		const windowInUnit = scheme.timestampUnit === 's' ? windowMs / 1000 : windowMs;
		if (!isWholeNumber(timestamp) || Math.abs(nowInUnit - timestamp) > windowInUnit) {
			return answer(
				EMULATOR_CODES.badTimestamp,
				'timestamp is missing or outside the allowed window',
			);
		}
		// The signature covers the values as they arrived (paramContent's JSON text in text styles).
		if (
			typeof params.sign !== 'string' ||
			params.sign !== expectedSign(params, appSecret, scheme)
		) {
			return answer(EMULATOR_CODES.badSign, 'sign verification failed');
		}
		let content = params.paramContent;
		if (content === undefined) return {};
		if (text && typeof content === 'string') {
			try {
				content = JSON.parse(content);
			} catch {
				return answer(EMULATOR_CODES.badBody, 'paramContent is not JSON text');
			}
		}
		if (!content || typeof content !== 'object' || Array.isArray(content)) {
			return answer(EMULATOR_CODES.badBody, 'paramContent must be an object');
		}
		return content as Record<string, unknown>;
	};

	const isReply = (value: Record<string, unknown> | EmulatorReply): value is EmulatorReply =>
		'json' in value && typeof (value as EmulatorReply).json === 'object';

	const listEmployees = (request: EmulatorRequest): EmulatorReply => {
		const content = authenticate(request);
		if (isReply(content)) return content;
		const { pageNum, pageSize } = content;
		if (!isWholeNumber(pageNum) || pageNum < 1)
			return answer(EMULATOR_CODES.badPageNum, 'pageNum must be an integer >= 1');
		if (!isWholeNumber(pageSize) || pageSize < 1 || pageSize > 50) {
			return answer(EMULATOR_CODES.badPageSize, 'pageSize must be an integer from 1 to 50');
		}
		const failures = failingPages.get(pageNum) ?? 0;
		if (failures > 0) {
			failingPages.set(pageNum, failures - 1);
			return answer(EMULATOR_CODES.emulatedFailure, `emulated failure of page ${pageNum}`);
		}
		served.push({ path: employeePath, pageNum, pageSize });
		if (employeeAnswerText !== undefined) {
			return {
				headers: { 'content-type': 'application/json; charset=utf-8' },
				text: employeeAnswerText,
			};
		}
		const result: Array<Record<string, unknown>> = [];
		const totalBefore = order.length;
		for (const id of order.slice((pageNum - 1) * pageSize, pageNum * pageSize))
			result.push(employeeRow(id));
		churnAfterPage();
		pageHook?.(pageNum);
		const total = totalAfterHook ? order.length : totalBefore;
		return answer('0', null, { pages: Math.ceil(total / pageSize), total, result });
	};

	const listCustomers = (request: EmulatorRequest): EmulatorReply => {
		const content = authenticate(request);
		if (isReply(content)) return content;
		const { startId, pageSize } = content;
		if (!isWholeNumber(startId) || startId < 0)
			return answer(EMULATOR_CODES.badStartId, 'startId must be an integer >= 0');
		if (!isWholeNumber(pageSize) || pageSize < 1 || pageSize > 100) {
			return answer(EMULATOR_CODES.badPageSize, 'pageSize must be an integer from 1 to 100');
		}
		served.push({ path: customerPath, startId, pageSize });
		// Customers with an id greater than startId, in id order.
		const first =
			startId < CUSTOMER_ID_BASE
				? 0
				: Math.floor((startId - CUSTOMER_ID_BASE) / CUSTOMER_ID_STEP) + 1;
		const end = Math.min(first + pageSize, customers);
		const result: Array<Record<string, unknown>> = [];
		for (let index = first; index < end; index++) result.push(customerAt(index));
		const nextStartId =
			end < customers && result.length > 0 ? (result[result.length - 1].id as number) : null;
		return answer('0', null, { nextStartId, pageSize, result });
	};

	const adminBody = (request: EmulatorRequest): Record<string, unknown> => {
		const body = JSON.parse(request.text || '{}') as unknown;
		if (!body || typeof body !== 'object' || Array.isArray(body))
			throw new Error('admin body must be a JSON object');
		return body as Record<string, unknown>;
	};
	emulator.route('POST', ADMIN_PATHS.employees, (request) => {
		const body = adminBody(request);
		const added: number[] = [];
		for (const row of (body.add ?? []) as Array<Record<string, unknown>>) {
			const { position, ...fields } = row;
			added.push(...addEmployees([fields], typeof position === 'number' ? position : undefined));
		}
		for (const { id, ...fields } of (body.change ?? []) as Array<Record<string, unknown>>) {
			if (typeof id !== 'number' || !order.includes(id))
				return { status: 404, json: { error: `no employee ${String(id)}` } };
			changed.set(id, { ...employeeRow(id), ...fields, id });
		}
		removeEmployees((body.remove ?? []) as number[]);
		return { json: { added, count: order.length } };
	});
	emulator.route('POST', ADMIN_PATHS.failPage, (request) => {
		const { pageNum, times } = adminBody(request);
		if (!isWholeNumber(pageNum) || pageNum < 1)
			return { status: 400, json: { error: 'pageNum must be a whole number >= 1' } };
		failingPages.set(pageNum, isWholeNumber(times) ? times : Number.MAX_SAFE_INTEGER);
		return { json: { failing: pageNum } };
	});
	emulator.route('POST', ADMIN_PATHS.clearFailures, () => {
		failingPages.clear();
		return { json: { cleared: true } };
	});

	// Both methods reach the handlers, which refuse the one the style in force does not use.
	for (const method of ['POST', 'GET']) {
		emulator.route(method, employeePath, listEmployees);
		emulator.route(method, customerPath, listCustomers);
	}

	const baseUrl = await emulator.start(options.port);

	const credentialsFor = (): Record<string, string | number | boolean> => {
		const common = {
			appId,
			appSecret,
			baseUrl,
			version,
			employeeListPath: employeePath,
			allowInsecureHttp: false,
			requestMethod: style.method,
			parameterEncoding: style.encoding,
		};
		if (typeof schemeSetting === 'string') return { ...common, signingScheme: schemeSetting };
		return {
			...common,
			signingScheme: 'custom',
			signJoin: schemeSetting.join,
			signAlgorithm: schemeSetting.algorithm,
			signSecretPlacement: schemeSetting.secretPlacement,
			signHexCase: schemeSetting.hexCase,
			timestampUnit: schemeSetting.timestampUnit,
		};
	};

	const handle: ShihengEmulatorHandle = {
		emulator,
		baseUrl,
		credentialType: 'shihengApi',
		credentials: credentialsFor(),
		employeePath,
		customerPath,
		served,
		received,
		serveEmployeeAnswerText: (text) => {
			employeeAnswerText = text;
		},
		employeeId: (index) => order[index],
		employeeIds: () => [...order],
		employee: (id) => (order.includes(id) ? { ...employeeRow(id) } : undefined),
		addEmployees,
		changeEmployee: (id, fields) => {
			changed.set(id, { ...employeeRow(id), ...fields, id });
		},
		admin: async (path, body) => {
			const response = await fetch(`${baseUrl}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			if (!response.ok)
				throw new Error(`admin ${path} answered ${response.status}: ${await response.text()}`);
			return (await response.json()) as Record<string, unknown>;
		},
		removeEmployees,
		churnBetweenPages: (rule) => {
			churn = rule ? { ...rule, pagesServed: 0, applied: 0 } : undefined;
		},
		afterEmployeePage: (hook, statedTotal = 'before') => {
			pageHook = hook;
			totalAfterHook = statedTotal === 'after';
		},
		moveEmployee: (id, position) => {
			const at = order.indexOf(id);
			if (at >= 0) order.splice(at, 1);
			else if (id < EMPLOYEE_ID_BASE || id >= nextEmployeeId) throw new Error(`no employee ${id}`);
			order.splice(Math.min(position, order.length), 0, id);
		},
		customerId: (index) => CUSTOMER_ID_BASE + index * CUSTOMER_ID_STEP,
		employeeCount: () => order.length,
		customerCount: () => customers,
		addCustomers: (count) => {
			customers += count;
		},
		setSigningScheme: (setting) => {
			scheme = schemeOf(setting);
			schemeSetting = setting;
			handle.credentials = credentialsFor();
		},
		setRequestStyle: (next) => {
			style = { ...next };
			handle.credentials = credentialsFor();
		},
		stop: async () => await emulator.stop(),
	};
	return handle;
}
