import { jsonOf } from '../../shared/http/body';
import type { HttpResponse, VendorProfile } from '../../shared/http/types';

/**
 * WeLink's codes: what a body code means, which ones are worth a retry, which ones call for a new
 * token, and the per-person states `users/status` reports. Sources: the seed page, WeLink's error
 * code page (open-doc.welink.huaweicloud.com err_code) and its access-token page (start-09).
 */

export const WELINK_VENDOR = 'WeLink';

/** Body code of WeLink's rate limiter: the call was refused before the service saw it. */
export const RATE_LIMITED_CODE = '48503';

/** Body codes meaning "this token is no good": drop it, fetch a new one, retry once. */
export const TOKEN_INVALID_CODES = new Set(['1000', '47101', '47103']);

/** The envelope's top-level `code` as text ("0" and 0 both occur), or undefined. */
export function bodyCode(response: HttpResponse): string | undefined {
	const body = jsonOf(response);
	if (body && typeof body === 'object' && 'code' in body) {
		const code = (body as { code: unknown }).code;
		return code === undefined || code === null ? undefined : String(code);
	}
	return undefined;
}

/** Which WeLink answers are passing, for the shared transport's retry loop. */
export const WELINK_PROFILE: VendorProfile = {
	name: WELINK_VENDOR,
	transientAnswer: (response) => {
		if (bodyCode(response) === RATE_LIMITED_CODE)
			return { reason: 'WeLink rate limit (48503)', reachedService: false };
		if (response.status === 429) return { reason: 'HTTP 429', reachedService: false };
		// 501 means "no permission for this API": retrying cannot help.
		if (response.status >= 500 && response.status !== 501) {
			return { reason: `HTTP ${response.status}`, reachedService: true };
		}
		return undefined;
	},
};

/** Token errors and what to do about them (support.huaweicloud.com/devg-welink/start-09.html). */
export const TOKEN_ERROR_HINTS: Record<string, string> = {
	'10007': 'The Client ID or Client Secret is wrong. Check both in the WeLink credential.',
	'41403': 'Too many failed attempts: WeLink has locked this client for a while.',
	'41500': 'WeLink could not issue a token. Try again later.',
	'41579': 'The Client ID is empty.',
	'41580': 'The Client Secret is empty.',
};

/**
 * Token answers that refuse the credential itself (start-09): wrong id or secret, empty id or
 * secret, client locked after too many failures, or no token issued. Every request of the run
 * needs a token, so none is sent after one of them, and the fetch is not repeated per batch: a
 * burst of failed fetches is what makes WeLink lock the client (41403).
 */
export const TOKEN_REFUSAL_CODES = new Set(['10007', '41403', '41500', '41579', '41580']);

/** Envelope code of an API the app has no permission for (start-11); WeLink answers it with HTTP 501. */
export const NO_PERMISSION_CODE = '47102';

/**
 * Whether an API call's refusal holds for every call of the run: no permission for the API (the
 * envelope's 47102, or HTTP 501). A person's 47102 inside `data` is that person's state, not this.
 */
export function refusesWeLinkRun(code: string, httpStatus: number): boolean {
	return code === NO_PERMISSION_CODE || httpStatus === 501;
}

/** Hints for the body codes a user can act on. */
export const CODE_HINTS: Record<string, string> = {
	'47003': 'A required value is empty (for example the email or the department).',
	'47004': 'A value has the wrong format (for example the email or the mobile number).',
	'47008': 'WeLink rejected the values during validation.',
	'47013': 'Too many entries were queried at once.',
	'47102':
		'The app has no permission for this API. Grant it in the WeLink console; WeLink then needs a new token.',
	'48503':
		'WeLink rate limit: the call was retried and still refused. Lower the rate limit or concurrency options.',
};

/** The states a person's sync can be in, as the node outputs them in `state`. */
export type SyncStateName =
	| 'succeeded'
	| 'pending'
	| 'processing'
	| 'opening'
	| 'saved'
	| 'opened'
	| 'failed'
	| 'notExist'
	| 'unknown';

export interface SyncCode {
	state: SyncStateName;
	/** False while WeLink is still working on the person: Wait Until Final asks again. */
	final: boolean;
	/** What the code means (the seed's table, in English); a failure's `reason`. */
	meaning: string;
	/** WeLink's message carries the reason of this failure (47110). */
	reasonInMessage?: boolean;
}

/**
 * Every code of the seed's error code table as a per-person code of users/status. Codes still in
 * progress keep Wait Until Final polling; every other code is final, and a failure carries its
 * reason. A code outside this table is `unknown` and not final: the node never guesses.
 */
export const SYNC_CODES: Record<string, SyncCode> = {
	'0': { state: 'succeeded', final: true, meaning: 'Success' },
	'47003': {
		state: 'failed',
		final: true,
		meaning: 'A required value is empty (for example the email or the department)',
	},
	'47004': {
		state: 'failed',
		final: true,
		meaning: 'A value is wrong (for example the email format or the mobile number)',
	},
	'47100': { state: 'pending', final: false, meaning: 'Waiting to be processed' },
	'47101': { state: 'failed', final: true, meaning: 'The access token has a wrong format' },
	'47102': { state: 'failed', final: true, meaning: 'The app has no permission' },
	'47103': { state: 'failed', final: true, meaning: 'The access token has expired' },
	'47104': { state: 'processing', final: false, meaning: 'Being processed' },
	'47105': { state: 'failed', final: true, meaning: 'The secretary account has not been created' },
	'47106': { state: 'failed', final: true, meaning: 'The parent department has not been created' },
	'47107': {
		state: 'saved',
		final: true,
		meaning: 'Saved only: no account opened (provider state 1)',
	},
	'47108': {
		state: 'opening',
		final: false,
		meaning: 'The account is being opened (provider state 2)',
	},
	'47109': { state: 'opened', final: true, meaning: 'The account was opened (provider state 3)' },
	'47110': {
		state: 'failed',
		final: true,
		meaning: 'Opening the account failed (provider state 4)',
		reasonInMessage: true,
	},
	'47111': {
		state: 'notExist',
		final: true,
		meaning: 'The account does not exist (provider state -1)',
	},
	'47112': {
		state: 'processing',
		final: false,
		meaning: 'Being processed; do not submit this person again',
	},
	'47113': {
		state: 'pending',
		final: false,
		meaning: 'Waiting to be processed; do not submit this person again',
	},
};

/** users/bulk: codes meaning the person was taken into the sync queue (or is already in it). */
export const ACCEPTED_CODES = new Set([
	'0',
	'47100',
	'47104',
	'47107',
	'47108',
	'47109',
	'47112',
	'47113',
]);

/** users/bulk: codes meaning the person's values were refused (item errors, with WeLink's message). */
export const REFUSED_CODES: Record<string, string> = {
	'47003': CODE_HINTS['47003'],
	'47004': CODE_HINTS['47004'],
	'47008': CODE_HINTS['47008'],
};

/**
 * departments/status: the per-department codes vendor-facts lists for the asynchronous
 * department sync (contact v2). Any other code is `unknown` and not final: the node never guesses.
 */
export type DepartmentStateName = 'succeeded' | 'processing' | 'failed' | 'unknown';

export const DEPARTMENT_CODES: Record<
	string,
	{ state: DepartmentStateName; final: boolean; meaning: string }
> = {
	'47114': { state: 'failed', final: true, meaning: 'The department sync failed' },
	'47118': { state: 'processing', final: false, meaning: 'The department is being processed' },
	'47119': { state: 'succeeded', final: true, meaning: 'The department sync succeeded' },
};
