import type { IAuthenticateRuleResponseSuccessBody } from 'n8n-workflow';

/**
 * The IoT Living Link code tables: the auth code types Create by Auth Code accepts, the answers
 * that mean throttling, the error codes the platform documents in HTTP 200 bodies (with their
 * messages, from the createbyauthcode page's error table and the gateway's error list), and short
 * advice for the codes users meet most, shown under the error.
 */

/** `codeType` of createbyauthcode: a PC (web) login's auth code or an app login's session id. */
export const CODE_TYPES = ['AUTH_CODE', 'SESSION_ID'] as const;

/** The body code of a successful answer. */
export const SUCCESS_CODE = 200;

/** The gateway's throttling answers ("Request Limited", "Throttled by … Flow Control"). */
export const THROTTLED = /request limited|throttl|flow control/i;

export interface DocumentedMessage {
	message: string;
	/** `localizedMsg`, or the page's description where it differs from the message. */
	localized?: string;
}

export interface DocumentedCode {
	/** What the platform says with this code; one code carries several messages. */
	messages: DocumentedMessage[];
	hint?: string;
}

/** Body codes of HTTP 200 answers: every one means the call failed. */
export const BODY_CODES: Record<string, DocumentedCode> = {
	'401': {
		messages: [{ message: 'Request Authorized Error' }],
		hint: 'The request was not authorised. Check the AppKey, and the iotToken / cloudToken if the API needs one.',
	},
	'403': {
		messages: [
			{ message: 'Request Forbidden' },
			{ message: 'request forbidden.', localized: '请求被禁止' },
			{ message: 'request forbidden', localized: '访问被禁止' },
		],
		hint: 'The request was forbidden: the AppKey is wrong or the app has no permission for this API. Check the API authorisation in the IoT Living Link console.',
	},
	'404': { messages: [] },
	'429': {
		messages: [{ message: 'too many requests' }],
		hint: 'Too many requests. Lower Concurrency or run the workflow later.',
	},
	'460': {
		messages: [
			{ message: 'request parameter error.', localized: '入参不正确' },
			{ message: 'identityIds need between 1-50', localized: '入参错误' },
			{ message: 'dingdingbind employee not exist', localized: '请求参数错误' },
		],
		hint: 'A request parameter is missing or invalid.',
	},
	'500': { messages: [{ message: 'Server Error' }] },
	'2401': { messages: [{ message: 'refreshToken invalid', localized: 'refreshToken已经失效' }] },
	'2402': {
		messages: [
			{ message: 'iotToken not exist' },
			{ message: 'registerAccount failed', localized: '账号注册失败' },
		],
	},
	'2404': {
		messages: [{ message: 'oa error message', localized: '手机号格式不正确' }],
		hint: 'The phone number in the OA profile has an invalid format.',
	},
	'2405': {
		messages: [{ message: 'identity is not existed', localized: '公司未初始化' }],
		hint: 'The company has not been initialised on the platform.',
	},
	'2441': {
		messages: [{ message: 'employee is already existed', localized: '该手机号对应的员工已经存在' }],
		hint: 'An employee with this phone number already exists in the company.',
	},
	'2442': { messages: [{ message: 'employee is not exist', localized: '未找到绑定的员工信息' }] },
	'2459': {
		messages: [{ message: 'oa error message', localized: '会话Id不存在' }],
		hint: 'The auth code or session id was not found. Auth codes are single-use and short-lived: get a fresh one from the OA login.',
	},
	'20003': { messages: [{ message: 'Find Backend Error' }] },
	'20004': { messages: [{ message: 'Backend Service Error' }] },
	'20055': {
		messages: [{ message: 'Backend Service Invalid', localized: 'Request Format Error' }],
	},
	'20056': {
		messages: [{ message: 'Hsf Invoke Timeout' }],
		hint: "The platform's backend did not answer in time.",
	},
};

/** Advice by the gateway's message (HTTP refusals carry it in X-Ca-Error-Message). */
const GATEWAY_HINTS: Array<[RegExp, string]> = [
	[
		/signature/i,
		'The gateway computed another signature. Check the AppKey and AppSecret in the credential (no extra spaces) and that the host matches the region of the app.',
	],
	[
		/timestamp/i,
		"The request timestamp is outside the gateway's 15-minute window: the clock of the machine running n8n is probably wrong. Synchronise it (NTP).",
	],
	[
		/nonce/i,
		'The gateway has already seen this request nonce (a replay). Every request carries a fresh nonce, so look for a proxy that resends requests.',
	],
	[
		/content-md5/i,
		'The body arrived changed on the way (Content-MD5 mismatch); look for a proxy that rewrites bodies.',
	],
	[
		/appkey/i,
		'The gateway does not know this AppKey. Check the credential and the host (China or international).',
	],
];

/** Gateway refusals of the signature or the AppKey (X-Ca-Error-Message), whatever the request. */
const GATEWAY_CREDENTIAL_REFUSAL = /invalid signature|empty signature|appkey/i;

/**
 * Whether a refusal holds for every request of the run: the gateway refusing the signature as a
 * whole (HTTP 400 Invalid Signature, 401 Empty Signature) or the AppKey, or the body's 403
 * "request forbidden" (a wrong AppKey, or no permission for the API). Throttling is not one.
 */
export function refusesAliyunRun(code: string, message: string, gateway: boolean): boolean {
	if (gateway) return GATEWAY_CREDENTIAL_REFUSAL.test(message) && !THROTTLED.test(message);
	return code === '403';
}

export function hintFor(code: string, message: string, status: number): string | undefined {
	for (const [pattern, hint] of GATEWAY_HINTS) if (pattern.test(message)) return hint;
	if (status === 403 && THROTTLED.test(message))
		return "The gateway's rate limit was reached. Lower Concurrency or run the workflow later.";
	return Object.hasOwn(BODY_CODES, code) ? BODY_CODES[code].hint : undefined;
}

function describeCode(code: string, documented: DocumentedCode): string {
	const messages = documented.messages.map(({ message, localized }) =>
		localized ? `${message} (${localized})` : message,
	);
	const said = messages.length > 0 ? `: ${messages.join(' / ')}` : '';
	return [`Aliyun IoT answered code ${code}${said}.`, documented.hint].filter(Boolean).join(' ');
}

/**
 * The credential Test's rules. n8n compares one body key with one value per rule, so a success
 * cannot be stated as "code is 200"; instead every documented error code fails the Test with the
 * platform's message for it, and any other failure is caught by what a successful answer always
 * has: a code, and a `data` (errors answer `data: null` or none).
 */
export function credentialTestRules(): IAuthenticateRuleResponseSuccessBody[] {
	const byCode = Object.entries(BODY_CODES).map(
		([code, documented]): IAuthenticateRuleResponseSuccessBody => ({
			type: 'responseSuccessBody',
			properties: { key: 'code', value: Number(code), message: describeCode(code, documented) },
		}),
	);
	const otherFailure =
		'Aliyun IoT answered with an error instead of data. Run a node with this credential to see its code and message.';
	return [
		...byCode,
		{
			type: 'responseSuccessBody',
			properties: {
				key: 'code',
				value: undefined,
				message:
					"The answer is not the IoT Living Link envelope (it has no code). Check the host: it must be the platform's API gateway.",
			},
		},
		{
			type: 'responseSuccessBody',
			properties: { key: 'data', value: null, message: otherFailure },
		},
		{
			type: 'responseSuccessBody',
			properties: { key: 'data', value: undefined, message: otherFailure },
		},
	];
}
