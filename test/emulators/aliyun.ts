import { createHash, createHmac, randomUUID } from 'node:crypto';

import { Emulator } from './frame';
import type { EmulatorReply, EmulatorRequest, VendorEmulatorHandle } from './frame';

/**
 * An emulator of the Alibaba Cloud IoT Living Link API gateway and its employee APIs. The gateway
 * part checks requests the way the real one does, from its own reading of the scheme (it shares
 * no code with the node's signer): Content-MD5 of the received bytes, the X-Ca-* headers, the
 * 15-minute timestamp window, nonce reuse and the HMAC-SHA256 signature over the string it
 * rebuilds. Refusals are HTTP errors with X-Ca-Error-Message; business outcomes are codes in the
 * JSON body. Counters tell how many requests reached the service behind the gateway.
 */

export const ALIYUN_PATHS = {
	createByAuthCode: '/user/account/employee/createbyauthcode',
	queryByCompanyId: '/user/account/employee/querybycompanyid',
	create: '/user/account/employee/create',
	/** The connectivity test API (help.aliyun.com/document_detail/604822.html). */
	ping: '/kit/debug/ping',
} as const;

/** The envelope the platform documents for every request (id, version, request.apiVer, params). */
export interface ReceivedEnvelope {
	id?: unknown;
	version?: unknown;
	request?: { apiVer?: unknown; [key: string]: unknown };
	params?: unknown;
	[key: string]: unknown;
}

export interface EmulatedEmployee {
	accountId: string;
	mainPk: string;
	mainIdentityId: string;
	phone: string;
	email: string;
	employeeId: string;
	companyId: string;
	companyName: string;
	nickName: string;
	avatarUrl: string;
}

/** What an OA login behind an auth code resolves to. */
export interface AuthCodeProfile {
	code: string;
	phone?: string;
	nickName?: string;
	email?: string;
}

export type ThrottleKind = 'gateway-403' | 'body-429';

export interface AliyunIotEmulatorOptions {
	port?: number;
	latencyMs?: number;
	appKey?: string;
	appSecret?: string;
	companyId?: string;
	companyName?: string;
	/** Employees of the demo company (default 250). */
	employees?: number;
	/** Valid single-use auth codes (default: a demo set, see DEMO_AUTH_CODES). */
	authCodes?: Array<string | AuthCodeProfile>;
	/** Sliding-window throttle in front of the service (off by default). */
	throttle?: { limit: number; intervalMs: number; kind?: ThrottleKind };
	/** Timestamp validity either side of "now", default 15 minutes. */
	timestampWindowMs?: number;
	/** Gateway refusals carry a JSON body as well as X-Ca-Error-Message (default true). */
	gatewayErrorBody?: boolean;
}

export interface AliyunIotEmulatorHandle extends VendorEmulatorHandle {
	appKey: string;
	appSecret: string;
	companyId: string;
	/** Requests that passed the gateway and reached the service, per path (or all). */
	serviceCount(path?: string): number;
	/** createbyauthcode calls that reached the service: proves a single-use call was sent once. */
	createByAuthCodeCount(): number;
	/** Auth codes still unused. */
	unusedAuthCodes(): string[];
	addAuthCode(profile: string | AuthCodeProfile): void;
	/** Every X-Ca-Signature received, so tests can assert none leaks into outputs or errors. */
	receivedSignatures(): string[];
	/** Nonces accepted so far, oldest first. */
	acceptedNonces(): string[];
	/** Shifts the gateway's clock (a stale or future timestamp test). */
	setClockOffset(ms: number): void;
	/** Turns throttling on (or off with undefined). */
	setThrottle(throttle: AliyunIotEmulatorOptions['throttle']): void;
	/** Refuse the next n requests that pass the signature check as throttled. */
	throttleNext(n: number, kind?: ThrottleKind): void;
	companyEmployees(): EmulatedEmployee[];
	/**
	 * Takes the app's permission for an API away (the console's API authorisation): the platform
	 * then answers HTTP 200 with code 403 "request forbidden." (请求被禁止), as the API page documents.
	 */
	forbid(path: string): void;
	/** Gives back every permission taken with forbid. */
	allowAll(): void;
	/**
	 * The next request on this path that passes the gateway is answered with exactly these bytes
	 * (a JSON text) or this object, HTTP 200, after reaching the service: for answers a test takes
	 * from the vendor's documents.
	 */
	answerNextWith(path: string, body: string | object): void;
	/** Envelopes that passed the gateway on a path, oldest first, as parsed from the bytes received. */
	receivedEnvelopes(path: string): ReceivedEnvelope[];
}

export const DEMO_APP_KEY = '24567890';
export const DEMO_APP_SECRET = 'demo-app-secret-9f3c7a1e5b2d4c68';
export const DEMO_COMPANY_ID = '694D76676F5C4E0E9900BBFAC9DEMO01';
/** An auth code whose OA phone number belongs to an existing employee (→ 2441). */
export const DUPLICATE_PHONE_CODE = 'DEMO-AUTH-DUPLICATE';
/** An auth code whose OA phone number is malformed (→ 2404). */
export const BAD_PHONE_CODE = 'DEMO-AUTH-BADPHONE';

export function demoAuthCodes(count = 20): string[] {
	return Array.from({ length: count }, (_, i) => `DEMO-AUTH-${String(i + 1).padStart(4, '0')}`);
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟'];

function hex(seed: string, length: number): string {
	return createHash('sha1').update(seed).digest('hex').slice(0, length).toUpperCase();
}

function makeEmployee(
	index: number,
	companyId: string,
	companyName: string,
	over: Partial<EmulatedEmployee> = {},
): EmulatedEmployee {
	const n = String(index).padStart(6, '0');
	return {
		accountId: `acc${hex(`acc${index}${companyId}`, 30).toLowerCase()}`,
		mainPk: '1547227215737730',
		mainIdentityId: `5008${hex(`id${index}`, 28).toLowerCase()}`,
		phone: `138${String(10_000_000 + index).slice(-8)}`,
		email: `employee${n}@example.com`,
		employeeId: `emp${hex(`emp${index}${companyId}`, 29).toLowerCase()}`,
		companyId,
		companyName,
		nickName: `${SURNAMES[index % SURNAMES.length]}${GIVEN[index % GIVEN.length]}${index}`,
		avatarUrl: `https://avatars.example.com/${n}.jpg`,
		...over,
	};
}

interface GatewayRefusal {
	status: number;
	message: string;
}

/** The string the gateway signs, rebuilt from what arrived (independent of the node's signer). */
function serverStringToSign(request: EmulatorRequest, signedNames: string[]): string {
	const h = (name: string): string => {
		const value = request.headers[name];
		return Array.isArray(value) ? value.join(',') : (value ?? '');
	};
	const lines = [
		request.method.toUpperCase(),
		h('accept'),
		h('content-md5'),
		h('content-type'),
		h('date'),
	];
	for (const name of [...signedNames].sort()) lines.push(`${name}:${h(name)}`);
	const keys = [...new Set([...request.query.keys()])].sort();
	const query = keys
		.flatMap((key) =>
			request.query.getAll(key).map((value) => (value === '' ? key : `${key}=${value}`)),
		)
		.join('&');
	lines.push(query ? `${request.path}?${query}` : request.path);
	return lines.join('\n');
}

export async function startAliyunIotEmulator(
	options: AliyunIotEmulatorOptions = {},
): Promise<AliyunIotEmulatorHandle> {
	const appKey = options.appKey ?? DEMO_APP_KEY;
	const appSecret = options.appSecret ?? DEMO_APP_SECRET;
	const companyId = options.companyId ?? DEMO_COMPANY_ID;
	const companyName = options.companyName ?? '示例科技有限公司';
	const windowMs = options.timestampWindowMs ?? 15 * 60_000;
	const gatewayErrorBody = options.gatewayErrorBody ?? true;

	const employees: EmulatedEmployee[] = Array.from({ length: options.employees ?? 250 }, (_, i) =>
		makeEmployee(i + 1, companyId, companyName),
	);
	let nextIndex = employees.length + 1;

	const codes = new Map<string, AuthCodeProfile>();
	const addAuthCode = (profile: string | AuthCodeProfile) => {
		const p = typeof profile === 'string' ? { code: profile } : profile;
		codes.set(p.code, p);
	};
	for (const code of options.authCodes ?? demoAuthCodes()) addAuthCode(code);
	if (!options.authCodes) {
		addAuthCode({ code: DUPLICATE_PHONE_CODE, phone: employees[0]?.phone ?? '13800000001' });
		addAuthCode({ code: BAD_PHONE_CODE, phone: '12-34' });
	}

	const nonces = new Map<string, number>();
	const acceptedNonces: string[] = [];
	const signatures: string[] = [];
	const serviceCounts = new Map<string, number>();
	let clockOffsetMs = 0;
	let throttle = options.throttle;
	let throttleStarts: number[] = [];
	let forcedThrottles: Array<ThrottleKind> = [];
	const forbidden = new Set<string>();
	const scripted = new Map<string, Array<string | object>>();
	const envelopes = new Map<string, ReceivedEnvelope[]>();

	const emulator = new Emulator('Aliyun IoT', { latencyMs: options.latencyMs });

	const gatewayReply = (refusal: GatewayRefusal): EmulatorReply => {
		const headers = {
			'X-Ca-Request-Id': randomUUID(),
			'X-Ca-Error-Message': refusal.message.replace(/[\r\n]+/g, '#'),
		};
		if (!gatewayErrorBody) return { status: refusal.status, headers, text: '' };
		const short = refusal.message.split(',')[0];
		return {
			status: refusal.status,
			headers,
			json: {
				id: randomUUID(),
				code: refusal.status,
				message: short,
				localizedMsg: null,
				data: null,
			},
		};
	};

	/** The gateway's checks; undefined when the request may go on to the service. */
	const checkGateway = (request: EmulatorRequest, now: number): GatewayRefusal | undefined => {
		const header = (name: string): string | undefined => {
			const value = request.headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const signature = header('x-ca-signature');
		if (!signature) return { status: 401, message: 'Empty Signature' };
		signatures.push(signature);
		if (header('x-ca-key') !== appKey) return { status: 400, message: 'Invalid AppKey' };
		const method = header('x-ca-signature-method') ?? 'HmacSHA256';
		if (method !== 'HmacSHA256' && method !== 'HmacSHA1') {
			return { status: 400, message: `Invalid Signature Method ${method}` };
		}
		const timestamp = Number(header('x-ca-timestamp'));
		if (!Number.isFinite(timestamp) || header('x-ca-timestamp') === undefined) {
			return { status: 400, message: 'Invalid Timestamp' };
		}
		if (Math.abs(now - timestamp) > windowMs) return { status: 400, message: 'Timestamp Expired' };
		const nonce = header('x-ca-nonce');
		if (!nonce) return { status: 400, message: 'Invalid Nonce' };

		if (request.rawBody.length > 0) {
			const md5 = createHash('md5').update(request.rawBody).digest('base64');
			if (header('content-md5') !== md5) return { status: 400, message: 'Invalid Content-MD5' };
		}
		const signedNames = (header('x-ca-signature-headers') ?? '')
			.split(',')
			.map((name) => name.trim().toLowerCase())
			.filter((name) => name !== '');
		if (!signedNames.includes('x-ca-timestamp') || !signedNames.includes('x-ca-nonce')) {
			return {
				status: 400,
				message: 'Invalid Signature Headers, X-Ca-Timestamp and X-Ca-Nonce must be signed',
			};
		}
		const stringToSign = serverStringToSign(request, signedNames);
		const expected = createHmac(method === 'HmacSHA1' ? 'sha1' : 'sha256', appSecret)
			.update(stringToSign, 'utf8')
			.digest('base64');
		if (expected !== signature) {
			return {
				status: 400,
				message: `Invalid Signature, Server StringToSign:\`${stringToSign.replace(/\n/g, '#')}\``,
			};
		}
		// Only signed nonces are remembered, for as long as their timestamp could be accepted.
		for (const [seen, at] of nonces) if (now - at > 2 * windowMs) nonces.delete(seen);
		if (nonces.has(nonce)) return { status: 400, message: 'Nonce Used' };
		nonces.set(nonce, now);
		acceptedNonces.push(nonce);
		return undefined;
	};

	const throttled = (now: number): ThrottleKind | undefined => {
		const forced = forcedThrottles.shift();
		if (forced) return forced;
		if (!throttle) return undefined;
		throttleStarts = throttleStarts.filter((at) => now - at < throttle!.intervalMs);
		if (throttleStarts.length >= throttle.limit) return throttle.kind ?? 'gateway-403';
		throttleStarts.push(now);
		return undefined;
	};

	const ok = (id: string, data: unknown): EmulatorReply => ({
		status: 200,
		headers: { 'X-Ca-Request-Id': randomUUID() },
		json: { id, code: 200, message: null, localizedMsg: null, data },
	});
	const fail = (
		id: string,
		code: number,
		message: string,
		localizedMsg: string,
	): EmulatorReply => ({
		status: 200,
		headers: { 'X-Ca-Request-Id': randomUUID() },
		json: { id, code, message, localizedMsg, data: null },
	});

	type Service = (id: string, params: Record<string, unknown>, apiVer: string) => EmulatorReply;

	const route = (path: string, apiVer: string, service: Service) => {
		emulator.route('POST', path, (request) => {
			const now = Date.now() + clockOffsetMs;
			const refusal = checkGateway(request, now);
			if (refusal) return gatewayReply(refusal);
			const limited = throttled(now);
			if (limited === 'gateway-403')
				return gatewayReply({ status: 403, message: 'Request Limited' });
			let envelope: ReceivedEnvelope;
			try {
				envelope = JSON.parse(request.text) as ReceivedEnvelope;
			} catch {
				return gatewayReply({ status: 400, message: 'Request Format Error' });
			}
			envelopes.set(path, [...(envelopes.get(path) ?? []), envelope]);
			const id = typeof envelope.id === 'string' ? envelope.id : randomUUID();
			if (limited === 'body-429') return fail(id, 429, 'too many requests', '请求过于频繁');
			if (forbidden.has(path)) return fail(id, 403, 'request forbidden.', '请求被禁止');
			serviceCounts.set(path, (serviceCounts.get(path) ?? 0) + 1);
			const script = scripted.get(path)?.shift();
			if (script !== undefined) {
				const text = typeof script === 'string' ? script : JSON.stringify(script);
				return {
					status: 200,
					headers: {
						'X-Ca-Request-Id': randomUUID(),
						'content-type': 'application/json; charset=UTF-8',
					},
					text,
				};
			}
			const version = envelope.request?.apiVer;
			if (version !== apiVer)
				return fail(
					id,
					460,
					`request parameter error. apiVer ${String(version)} is not supported`,
					'入参不正确',
				);
			const params =
				envelope.params && typeof envelope.params === 'object'
					? (envelope.params as Record<string, unknown>)
					: {};
			return service(id, params, apiVer);
		});
	};

	const validPhone = (phone: string) => /^1\d{10}$/.test(phone);

	route(ALIYUN_PATHS.createByAuthCode, '1.0.0', (id, params) => {
		const code = params.authCode;
		const codeType = params.codeType;
		if (
			typeof code !== 'string' ||
			code === '' ||
			(codeType !== 'AUTH_CODE' && codeType !== 'SESSION_ID')
		) {
			return fail(id, 460, 'request parameter error.', '入参不正确');
		}
		const profile = codes.get(code);
		// Single use: the code is gone as soon as the service looks at it.
		codes.delete(code);
		if (!profile) return fail(id, 2459, 'oa error message', '会话Id不存在');
		const index = nextIndex++;
		const employee = makeEmployee(index, companyId, companyName, {
			...(profile.phone !== undefined ? { phone: profile.phone } : {}),
			...(profile.nickName !== undefined ? { nickName: profile.nickName } : {}),
			...(profile.email !== undefined ? { email: profile.email } : {}),
		});
		if (!validPhone(employee.phone)) return fail(id, 2404, 'oa error message', '手机号格式不正确');
		if (employees.some((e) => e.phone === employee.phone))
			return fail(id, 2441, 'employee is already existed', '该手机号对应的员工已经存在');
		employees.push(employee);
		return ok(id, employee);
	});

	route(ALIYUN_PATHS.queryByCompanyId, '1.0.0', (id, params) => {
		const pageNo = Number(params.pageNo ?? 1);
		const pageSize = Number(params.pageSize ?? 20);
		if (typeof params.companyId !== 'string' || params.companyId === '') {
			return fail(id, 460, 'request parameter error.', '入参不正确');
		}
		if (
			!Number.isInteger(pageNo) ||
			pageNo < 1 ||
			!Number.isInteger(pageSize) ||
			pageSize < 1 ||
			pageSize > 100
		) {
			return fail(id, 460, 'request parameter error.', '入参不正确');
		}
		if (params.companyId !== companyId)
			return fail(id, 2405, 'identity is not existed', '公司未初始化');
		const start = (pageNo - 1) * pageSize;
		return ok(id, {
			total: employees.length,
			pageNo,
			pageSize,
			pageCount: Math.ceil(employees.length / pageSize),
			employeeList: employees.slice(start, start + pageSize),
		});
	});

	// A sibling API (apiVer 1.0.4) the Custom API Call can reach.
	route(ALIYUN_PATHS.create, '1.0.4', (id, params) => {
		const phone = typeof params.phone === 'string' ? params.phone : '';
		if (!validPhone(phone)) return fail(id, 2404, 'oa error message', '手机号格式不正确');
		if (employees.some((e) => e.phone === phone))
			return fail(id, 2441, 'employee is already existed', '该手机号对应的员工已经存在');
		const employee = makeEmployee(nextIndex++, companyId, companyName, {
			phone,
			...(typeof params.nickName === 'string' ? { nickName: params.nickName } : {}),
			...(typeof params.email === 'string' ? { email: params.email } : {}),
		});
		employees.push(employee);
		return ok(id, employee);
	});

	// The connectivity test: data is the input, unchanged.
	route(ALIYUN_PATHS.ping, '1.0.0', (id, params) => {
		if (typeof params.input !== 'string' || params.input === '')
			return fail(id, 460, 'request parameter error.', '入参不正确');
		return ok(id, params.input);
	});

	const baseUrl = await emulator.start(options.port ?? 0);
	return {
		emulator,
		baseUrl,
		credentialType: 'aliyunIotApi',
		credentials: {
			appKey,
			appSecret,
			host: 'custom',
			customHost: baseUrl,
			allowInsecureHttp: false,
		},
		appKey,
		appSecret,
		companyId,
		stop: async () => await emulator.stop(),
		serviceCount: (path?: string) =>
			path === undefined
				? [...serviceCounts.values()].reduce((a, b) => a + b, 0)
				: (serviceCounts.get(path) ?? 0),
		createByAuthCodeCount: () => serviceCounts.get(ALIYUN_PATHS.createByAuthCode) ?? 0,
		unusedAuthCodes: () => [...codes.keys()],
		addAuthCode,
		acceptedNonces: () => [...acceptedNonces],
		receivedSignatures: () => [...signatures],
		setClockOffset: (ms: number) => {
			clockOffsetMs = ms;
		},
		setThrottle: (value) => {
			throttle = value;
			throttleStarts = [];
		},
		throttleNext: (n: number, kind: ThrottleKind = 'gateway-403') => {
			forcedThrottles = [...forcedThrottles, ...Array.from({ length: n }, () => kind)];
		},
		companyEmployees: () => [...employees],
		forbid: (path: string) => {
			forbidden.add(path);
		},
		allowAll: () => forbidden.clear(),
		answerNextWith: (path: string, body: string | object) => {
			scripted.set(path, [...(scripted.get(path) ?? []), body]);
		},
		receivedEnvelopes: (path: string) => [...(envelopes.get(path) ?? [])],
	};
}
