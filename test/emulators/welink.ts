import { randomBytes } from 'node:crypto';

import { Emulator } from './frame';
import type { EmulatorReply, EmulatorRequest, VendorEmulatorHandle } from './frame';

/**
 * Huawei WeLink emulator: the token endpoint, the asynchronous person sync (`users/bulk` feeds a
 * provisioning lifecycle that `users/status` reports on, one step per poll), `users/accounts`,
 * WeLink's batch limits, its per-API sliding-window rate limit (48503), token expiry codes, an
 * app's API permissions (501) and answers in another order or with an entry missing.
 */

export interface WeLinkEmulatorOptions {
	port?: number;
	latencyMs?: number;
	clientId?: string;
	clientSecret?: string;
	/** expires_in of issued tokens, in seconds (default 7200). */
	tokenLifetimeSeconds?: number;
	/** Accepted calls per API in any 1 s window before 48503 (default 40). */
	ratePerSecond?: number;
	/** Persons per users/status or users/bulk request (default 10). */
	maxBatch?: number;
	/** Ids per users/accounts request (default 50). */
	maxAccountsBatch?: number;
	/** Demo persons seeded as `demo0001`…; they are final (opened) unless `seedPending`. */
	demoPersons?: number;
	seedPending?: boolean;
	/** Status polls a person spends in each non-final stage (default 1). */
	pollsPerStage?: number;
	/**
	 * The API paths this app has been granted (default: every path). Any other path answers HTTP 501
	 * with 47102, as WeLink does for an API the app has no permission for.
	 */
	permissions?: string[];
	/**
	 * Each API call reaches WeLink's rate limiter a random 0 to this many ms after it arrived (a
	 * jittery network on the way): the limiter counts it then (default 0).
	 */
	arrivalJitterMs?: number;
	/** Departments that exist from the start (default D001, D002, D003). */
	departments?: string[];
	/** departments/status polls a submitted department spends processing (47118) before it is final (default 2). */
	departmentPolls?: number;
}

/**
 * How users/status lists its `data`. The seed shows one entry per person asked but promises no
 * order, so a client must cope with another order or a missing entry:
 * - `as-asked`: in the order of `personInfo` (default);
 * - `reversed`: in reverse order;
 * - `drop-first`: in order, but an answer for two or more persons leaves out the first one.
 */
export type StatusAnswerMode = 'as-asked' | 'reversed' | 'drop-first';

type Outcome =
	'opened' | 'failed' | 'saved' | 'removed' | 'secretaryMissing' | 'parentDepartmentMissing';

export interface EmulatedPerson {
	corpUserId: string;
	userNameCn: string;
	mobileNumber?: string;
	userEmail?: string;
	corpDeptCode?: string;
	userId: string;
	outcome: Outcome;
	/** Status polls answered so far. */
	polls: number;
	/** False while the provisioning lifecycle runs. */
	settled: boolean;
}

export interface WeLinkEmulatorHandle extends VendorEmulatorHandle {
	/** Makes every token issued so far answer 47103 (expired) from now on. */
	expireAllTokens(): void;
	/** 48503 answers given so far. */
	rateLimitedCount(): number;
	/** Tokens issued so far. */
	tokensIssued(): number;
	persons: Map<string, EmulatedPerson>;
	/** Adds (or resets) persons that start the provisioning lifecycle at "pending". */
	addPendingPersons(ids: string[], outcome?: Outcome): void;
	setRatePerSecond(limit: number): void;
	/** Expires every token once this many more API calls have been answered. */
	expireTokensAfter(calls: number): void;
	/** Every token issued (tests assert none leaks into outputs or errors). */
	issuedTokens(): string[];
	setStatusAnswerMode(mode: StatusAnswerMode): void;
	/** The JSON bodies users/status received, in order. */
	statusBodies(): unknown[];
	departments: Map<string, EmulatedDepartment>;
	/** The department codes departments/bulk received, in order of arrival. */
	submittedDepartments(): string[];
	/** The JSON bodies a contact path received, in order (departments and the user writes). */
	bodiesOf(path: string): unknown[];
	/** user/users states a total this much off the persons it has (a listing that changes under paging). */
	setListingTotalOffset(offset: number): void;
}

/**
 * A department in WeLink's asynchronous department sync. Whether it succeeds is decided when it
 * is submitted: its parent ("0" = top) must exist by then, else it ends 47114.
 */
export interface EmulatedDepartment {
	corpDeptCode: string;
	corpParentCode: string;
	deptNameCn: string;
	outcome: 'succeeded' | 'failed';
	/** valid "0": the department is removed once the sync succeeds. */
	removal: boolean;
	polls: number;
	settled: boolean;
	/** Exists for persons and children: settled, succeeded, not removed. */
	exists: boolean;
}

const STAGES = [
	{ code: '47100', message: 'Pending' },
	{ code: '47104', message: 'Processing' },
	{ code: '47108', message: 'Opening the account' },
];

const FINAL: Record<Outcome, { code: string; message: string }> = {
	opened: { code: '47109', message: 'Operation success' },
	failed: { code: '47110', message: 'Failed to get the company email suffix information.' },
	saved: { code: '47107', message: 'No need to operate, just save into the admin table' },
	removed: { code: '47111', message: 'Account not exist.' },
	secretaryMissing: { code: '47105', message: 'The secretary account is not created.' },
	parentDepartmentMissing: { code: '47106', message: 'The parent department is not created.' },
};

const KEYS = ['corpUserId', 'mobileNumber', 'userEmail'] as const;
type Key = (typeof KEYS)[number];

export async function startWeLinkEmulator(
	options: WeLinkEmulatorOptions = {},
): Promise<WeLinkEmulatorHandle> {
	const clientId = options.clientId ?? 'welink-demo-client';
	const clientSecret = options.clientSecret ?? 'welink-demo-secret-3f9a';
	const lifetime = options.tokenLifetimeSeconds ?? 7200;
	let ratePerSecond = options.ratePerSecond ?? 40;
	const maxBatch = options.maxBatch ?? 10;
	const maxAccounts = options.maxAccountsBatch ?? 50;
	const pollsPerStage = Math.max(1, options.pollsPerStage ?? 1);
	const permissions = options.permissions ? new Set(options.permissions) : undefined;
	const departmentPolls = Math.max(0, options.departmentPolls ?? 2);
	const departments = new Map<string, EmulatedDepartment>();
	const submittedDepartments: string[] = [];
	for (const code of options.departments ?? ['D001', 'D002', 'D003']) {
		departments.set(code, {
			corpDeptCode: code,
			corpParentCode: '0',
			deptNameCn: code,
			outcome: 'succeeded',
			removal: false,
			polls: 0,
			settled: true,
			exists: true,
		});
	}
	const bodies = new Map<string, unknown[]>();
	const record = (request: EmulatorRequest, body: unknown) =>
		bodies.set(request.path, [...(bodies.get(request.path) ?? []), body]);
	let listingTotalOffset = 0;
	const departmentExists = (code: string) => code === '0' || departments.get(code)?.exists === true;
	let statusAnswerMode: StatusAnswerMode = 'as-asked';
	const statusBodies: unknown[] = [];

	const emulator = new Emulator('WeLink', { latencyMs: options.latencyMs });
	const jitterMs = options.arrivalJitterMs ?? 0;
	/** An API route whose calls pass the arrival jitter before the handler (and its rate limit) sees them. */
	const apiRoute = (path: string, handler: (request: EmulatorRequest) => EmulatorReply): void => {
		emulator.route('POST', path, async (request) => {
			if (jitterMs > 0)
				await new Promise((resolveLater) => setTimeout(resolveLater, Math.random() * jitterMs));
			return handler(request);
		});
	};
	const tokens = new Map<string, number>();
	const persons = new Map<string, EmulatedPerson>();
	const byMobile = new Map<string, EmulatedPerson>();
	const byEmail = new Map<string, EmulatedPerson>();
	const accepted = new Map<string, number[]>();
	let rateLimited = 0;
	let issued = 0;
	let expireCountdown: number | undefined;
	const expireAll = () => {
		for (const token of tokens.keys()) tokens.set(token, 0);
	};

	const index = (person: EmulatedPerson) => {
		persons.set(person.corpUserId, person);
		if (person.mobileNumber) byMobile.set(person.mobileNumber, person);
		if (person.userEmail) byEmail.set(person.userEmail.toLowerCase(), person);
	};
	const addPerson = (
		fields: Partial<EmulatedPerson> & { corpUserId: string },
		settled: boolean,
		outcome: Outcome,
	) => {
		index({
			userNameCn: fields.corpUserId,
			...fields,
			userId: `wl-${fields.corpUserId}`,
			outcome,
			polls: 0,
			settled,
		});
	};
	for (let i = 1; i <= (options.demoPersons ?? 20); i++) {
		const id = `demo${String(i).padStart(4, '0')}`;
		addPerson(
			{
				corpUserId: id,
				userNameCn: `演示用户${i}`,
				mobileNumber: `1380000${String(i).padStart(4, '0')}`,
				userEmail: `${id}@example.com`,
				corpDeptCode: 'D001',
			},
			!options.seedPending,
			'opened',
		);
	}

	const reply = (
		code: string,
		message: string,
		extra: Record<string, unknown> = {},
	): EmulatorReply => ({
		json: { code, message, ...extra },
	});

	/** The per-API gate: rate limit first (like WeLink's gateway), then the token. */
	const gate = (request: EmulatorRequest): EmulatorReply | undefined => {
		if (expireCountdown !== undefined && expireCountdown-- <= 0) {
			expireCountdown = undefined;
			expireAll();
		}
		const now = Date.now();
		const starts = (accepted.get(request.path) ?? []).filter((at) => at > now - 1_000);
		accepted.set(request.path, starts);
		if (starts.length >= ratePerSecond) {
			rateLimited++;
			return reply('48503', 'The request frequency exceeds the limit', { data: [] });
		}
		starts.push(now);
		if (permissions && !permissions.has(request.path)) {
			return {
				status: 501,
				json: { code: '47102', message: 'No permission to call this API', data: [] },
			};
		}
		const token = request.headers['x-wlk-authorization'];
		if (typeof token !== 'string' || !/^[0-9a-f]{40}$/.test(token)) {
			return reply('47101', 'Token format error', { data: [] });
		}
		const expiresAt = tokens.get(token);
		if (expiresAt === undefined) return reply('1000', 'Token invalid', { data: [] });
		if (expiresAt <= now) return reply('47103', 'Authentication failed', { data: [] });
		return undefined;
	};

	const parse = (request: EmulatorRequest): Record<string, unknown> | undefined => {
		try {
			const body = JSON.parse(request.text) as unknown;
			return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
		} catch {
			return undefined;
		}
	};

	emulator.route('POST', '/api/auth/v2/tickets', (request) => {
		const body = parse(request) ?? {};
		if (!body.client_id) return reply('41579', 'client_id is empty');
		if (!body.client_secret) return reply('41580', 'client_secret is empty');
		if (body.client_id !== clientId || body.client_secret !== clientSecret) {
			return reply('10007', 'client_id or client_secret is wrong');
		}
		const token = randomBytes(20).toString('hex');
		tokens.set(token, Date.now() + lifetime * 1000);
		issued++;
		return reply('0', 'ok', { access_token: token, expires_in: lifetime });
	});

	const lookup = (
		entry: Record<string, unknown>,
	): { key: Key; value: string; person?: EmulatedPerson } | undefined => {
		for (const key of KEYS) {
			const value = entry[key];
			if (typeof value === 'string' && value !== '') {
				const person =
					key === 'corpUserId'
						? persons.get(value)
						: key === 'mobileNumber'
							? byMobile.get(value)
							: byEmail.get(value.toLowerCase());
				return { key, value, person };
			}
		}
		return undefined;
	};

	/** Answers a person's status and moves the lifecycle on by one poll. */
	const statusOf = (person: EmulatedPerson): { code: string; message: string } => {
		if (person.settled) return FINAL[person.outcome];
		const stage = Math.floor(person.polls / pollsPerStage);
		person.polls++;
		if (stage < STAGES.length) return STAGES[stage];
		person.settled = true;
		return FINAL[person.outcome];
	};

	const personList = (body: Record<string, unknown> | undefined, field: string, max: number) => {
		const list = body?.[field];
		if (!Array.isArray(list) || list.length === 0)
			return reply('47003', `${field} is empty`, { data: [] });
		if (list.length > max) {
			return reply(
				'47013',
				`At most ${max} records may be sent in one request, got ${list.length}`,
				{ data: [] },
			);
		}
		return list as unknown[];
	};

	apiRoute('/api/contact/v1/users/status', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const body = parse(request);
		statusBodies.push(body);
		const list = personList(body, 'personInfo', maxBatch);
		if (!Array.isArray(list)) return list;
		const data: Array<Record<string, unknown>> = [];
		for (const raw of list) {
			const found = lookup((raw ?? {}) as Record<string, unknown>);
			if (!found)
				return reply('47003', 'corpUserId, mobileNumber and userEmail cannot all be empty', {
					data: [],
				});
			// Only what the seed shows: corpUserId, code, message (the mobile or email asked is not echoed).
			const corpUserId =
				found.person?.corpUserId ?? (found.key === 'corpUserId' ? found.value : '');
			data.push({ corpUserId, ...(found.person ? statusOf(found.person) : FINAL.removed) });
		}
		if (statusAnswerMode === 'reversed') data.reverse();
		if (statusAnswerMode === 'drop-first' && data.length >= 2) data.shift();
		return reply('0', 'success', { data });
	});

	apiRoute('/api/contact/v1/users/bulk', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const list = personList(parse(request), 'personInfo', maxBatch);
		if (!Array.isArray(list)) return list;
		const data: Array<Record<string, unknown>> = [];
		for (const raw of list) {
			const p = (raw ?? {}) as Record<string, unknown>;
			const corpUserId = typeof p.corpUserId === 'string' ? p.corpUserId : '';
			const text = (key: string) =>
				typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : undefined;
			if (!corpUserId || !text('userNameCn')) {
				data.push({
					corpUserId,
					code: '47003',
					message: 'corpUserId and userNameCn cannot be empty',
				});
				continue;
			}
			const email = text('userEmail');
			const mobile = text('mobileNumber');
			if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
				data.push({ corpUserId, code: '47004', message: 'The email format is wrong' });
				continue;
			}
			if (mobile !== undefined && !/^\+?[0-9-]{5,20}$/.test(mobile)) {
				data.push({ corpUserId, code: '47004', message: 'The mobile number is wrong' });
				continue;
			}
			const dept = text('corpDeptCode');
			const outcome: Outcome =
				p.valid === '0'
					? 'removed'
					: dept !== undefined && !departmentExists(dept)
						? 'parentDepartmentMissing'
						: p.isOpenAccount === '0'
							? 'saved'
							: email?.includes('fail')
								? 'failed'
								: 'opened';
			addPerson(
				{
					corpUserId,
					userNameCn: text('userNameCn'),
					mobileNumber: mobile,
					userEmail: email,
					corpDeptCode: text('corpDeptCode'),
				},
				false,
				outcome,
			);
			data.push({ corpUserId, code: '0', message: 'success' });
		}
		return reply('0', 'success', { data });
	});

	apiRoute('/api/contact/v1/users/accounts', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const list = personList(parse(request), 'corpUserIds', maxAccounts);
		if (!Array.isArray(list)) return list;
		const data = list
			.map((id) => (typeof id === 'string' ? persons.get(id) : undefined))
			.filter(
				(person): person is EmulatedPerson => person !== undefined && person.outcome !== 'removed',
			)
			.map((person) => ({ corpUserId: person.corpUserId, userId: person.userId }));
		// At least one WeLink endpoint answers a numeric 0: this one does, to keep clients honest.
		return { json: { code: 0, message: 'success', data } };
	});

	const departmentStatus = (department: EmulatedDepartment): { code: string; message: string } => {
		if (!department.settled) {
			if (department.polls < departmentPolls) {
				department.polls++;
				return { code: '47118', message: 'Processing' };
			}
			department.settled = true;
			department.exists = department.outcome === 'succeeded' && !department.removal;
		}
		return department.outcome === 'succeeded'
			? { code: '47119', message: 'success' }
			: { code: '47114', message: 'The parent department does not exist' };
	};

	emulator.route('POST', '/api/contact/v2/departments/bulk', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const body = parse(request);
		record(request, body);
		const list = personList(body, 'deptInfo', maxBatch);
		if (!Array.isArray(list)) return list;
		const data: Array<Record<string, unknown>> = [];
		for (const raw of list) {
			const d = (raw ?? {}) as Record<string, unknown>;
			const text = (key: string) =>
				typeof d[key] === 'string' && d[key] !== '' ? (d[key] as string) : undefined;
			const corpDeptCode = text('corpDeptCode') ?? '';
			const corpParentCode = text('corpParentCode');
			const deptNameCn = text('deptNameCn');
			if (!corpDeptCode || !corpParentCode || !deptNameCn) {
				data.push({
					corpDeptCode,
					code: '47003',
					message: 'corpDeptCode, corpParentCode and deptNameCn cannot be empty',
				});
				continue;
			}
			submittedDepartments.push(corpDeptCode);
			const removal = d.valid === '0';
			const existing = departments.get(corpDeptCode);
			departments.set(corpDeptCode, {
				corpDeptCode,
				corpParentCode,
				deptNameCn,
				outcome: removal || departmentExists(corpParentCode) ? 'succeeded' : 'failed',
				removal,
				polls: 0,
				settled: false,
				// An existing department stays usable while its update is processed.
				exists: existing?.exists === true && !removal,
			});
			data.push({ corpDeptCode, code: '0', message: 'success' });
		}
		return reply('0', 'success', { data });
	});

	emulator.route('POST', '/api/contact/v2/departments/status', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const body = parse(request);
		record(request, body);
		const list = personList(body, 'deptInfo', maxBatch);
		if (!Array.isArray(list)) return list;
		const data = list.map((raw) => {
			const code = String(((raw ?? {}) as Record<string, unknown>).corpDeptCode ?? '');
			const department = departments.get(code);
			return {
				corpDeptCode: code,
				...(department
					? departmentStatus(department)
					: { code: '47114', message: 'The department does not exist' }),
			};
		});
		return reply('0', 'success', { data });
	});

	emulator.route('PUT', '/api/contact/v1/users/update', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const body = parse(request);
		record(request, body);
		// The body is not published: a personInfo list (like users/bulk) or one person's fields.
		const list =
			body && Array.isArray(body.personInfo)
				? personList(body, 'personInfo', maxBatch)
				: body
					? [body]
					: [];
		if (!Array.isArray(list)) return list;
		const data = list.map((raw) => {
			const p = (raw ?? {}) as Record<string, unknown>;
			const corpUserId = typeof p.corpUserId === 'string' ? p.corpUserId : '';
			const person = persons.get(corpUserId);
			if (!person || person.outcome === 'removed') return { corpUserId, ...FINAL.removed };
			const text = (key: string) =>
				typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : undefined;
			const email = text('userEmail');
			if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
				return { corpUserId, code: '47004', message: 'The email format is wrong' };
			const dept = text('corpDeptCode');
			index({
				...person,
				userNameCn: text('userNameCn') ?? person.userNameCn,
				mobileNumber: text('mobileNumber') ?? person.mobileNumber,
				userEmail: email ?? person.userEmail,
				corpDeptCode: dept ?? person.corpDeptCode,
				outcome:
					p.valid === '0'
						? 'removed'
						: dept !== undefined && !departmentExists(dept)
							? 'parentDepartmentMissing'
							: person.outcome,
				polls: 0,
				settled: false,
			});
			return { corpUserId, code: '0', message: 'success' };
		});
		return reply('0', 'success', { data });
	});

	emulator.route('GET', '/api/contact/v1/user/users', (request) => {
		const refused = gate(request);
		if (refused) return refused;
		const query = request.query;
		const deptCode = query.get('deptCode') ?? '';
		const pageNo = Number(query.get('pageNo') ?? '1');
		const pageSize = Number(query.get('pageSize') ?? '10');
		if (!deptCode) return reply('47003', 'deptCode is empty', { data: [] });
		if (!Number.isInteger(pageNo) || pageNo < 1 || !Number.isInteger(pageSize) || pageSize < 1)
			return reply('47004', 'pageNo or pageSize is wrong', { data: [] });
		if (pageSize > 50) return reply('47013', 'pageSize may be at most 50', { data: [] });
		const members = [...persons.values()]
			.filter((person) => person.corpDeptCode === deptCode && person.outcome !== 'removed')
			.sort((a, b) => a.corpUserId.localeCompare(b.corpUserId));
		const total = members.length + listingTotalOffset;
		const data = members.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((person) => ({
			corpUserId: person.corpUserId,
			userId: person.userId,
			userNameCn: person.userNameCn,
			mobileNumber: person.mobileNumber,
			userEmail: person.userEmail,
			corpDeptCode: person.corpDeptCode,
		}));
		return reply('0', 'success', {
			pageNo,
			pages: Math.ceil(Math.max(0, total) / pageSize),
			pageSize,
			total,
			data,
		});
	});

	const baseUrl = await emulator.start(options.port);
	return {
		emulator,
		baseUrl,
		credentialType: 'weLinkApi',
		credentials: { clientId, clientSecret, baseUrl, allowInsecureHttp: false },
		stop: async () => await emulator.stop(),
		expireAllTokens: expireAll,
		expireTokensAfter: (calls) => {
			expireCountdown = calls;
		},
		issuedTokens: () => [...tokens.keys()],
		rateLimitedCount: () => rateLimited,
		tokensIssued: () => issued,
		persons,
		addPendingPersons: (ids, outcome = 'opened') => {
			for (const id of ids)
				addPerson(
					{ corpUserId: id, userNameCn: id, userEmail: `${id}@example.com` },
					false,
					outcome,
				);
		},
		setRatePerSecond: (limit) => {
			ratePerSecond = limit;
			accepted.clear();
		},
		setStatusAnswerMode: (mode) => {
			statusAnswerMode = mode;
		},
		statusBodies: () => [...statusBodies],
		departments,
		submittedDepartments: () => [...submittedDepartments],
		bodiesOf: (path) => [...(bodies.get(path) ?? [])],
		setListingTotalOffset: (offset) => {
			listingTotalOffset = offset;
		},
	};
}
