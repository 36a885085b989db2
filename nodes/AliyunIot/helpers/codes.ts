/**
 * The IoT Living Link code tables: the auth code types Create by Auth Code accepts, the answers
 * that mean throttling, and short advice for the codes users meet most, shown under the error.
 */

/** `codeType` of createbyauthcode: a PC (web) login's auth code or an app login's session id. */
export const CODE_TYPES = ['AUTH_CODE', 'SESSION_ID'] as const;

/** The gateway's throttling answers ("Request Limited", "Throttled by … Flow Control"). */
export const THROTTLED = /request limited|throttl|flow control/i;

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
	[/content-md5/i, 'The body arrived changed on the way (Content-MD5 mismatch); look for a proxy that rewrites bodies.'],
	[/appkey/i, 'The gateway does not know this AppKey. Check the credential and the host (China or international).'],
];

/** Advice by code (body codes of HTTP 200 answers, and gateway codes). */
const CODE_HINTS: Record<string, string> = {
	'2459': 'The auth code or session id was not found. Auth codes are single-use and short-lived: get a fresh one from the OA login.',
	'2441': 'An employee with this phone number already exists in the company.',
	'2404': 'The phone number in the OA profile has an invalid format.',
	'2405': 'The company has not been initialised on the platform.',
	'403': 'The request was forbidden: the AppKey is wrong or the app has no permission for this API. Check the API authorisation in the IoT Living Link console.',
	'401': 'The request was not authorised. Check the AppKey, and the iotToken / cloudToken if the API needs one.',
	'460': 'A request parameter is missing or invalid.',
	'429': 'Too many requests. Lower Concurrency or run the workflow later.',
	'20056': "The platform's backend did not answer in time.",
};

export function hintFor(code: string, message: string, status: number): string | undefined {
	for (const [pattern, hint] of GATEWAY_HINTS) if (pattern.test(message)) return hint;
	if (status === 403 && THROTTLED.test(message)) return "The gateway's rate limit was reached. Lower Concurrency or run the workflow later.";
	return Object.hasOwn(CODE_HINTS, code) ? CODE_HINTS[code] : undefined;
}
