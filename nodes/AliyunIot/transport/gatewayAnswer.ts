import { defaultTransientVerdict } from '../../shared/http/classify';
import { jsonOf } from '../../shared/http/body';
import type { HttpResponse, TransientVerdict } from '../../shared/http/types';

import { THROTTLED } from '../helpers/codes';

/** The gateway's answer: its JSON body, and which answers are passing. */

export interface GatewayBody {
	id?: string;
	code?: number | string;
	message?: string | null;
	localizedMsg?: string | null;
	data?: unknown;
}

/** The body as the gateway's JSON object, or undefined (parsed once per response by the transport). */
export function gatewayBody(response: HttpResponse): GatewayBody | undefined {
	const parsed = jsonOf(response);
	return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
		? (parsed as GatewayBody)
		: undefined;
}

/**
 * Which answers are passing. HTTP 403 throttling comes from the gateway before the service, so
 * even a single-use call may be repeated after it. Body 429, 20056 (backend invocation timeout)
 * and unreadable bodies come from behind the gateway: repeated only for calls safe to repeat.
 */
export function aliyunTransientAnswer(response: HttpResponse): TransientVerdict | undefined {
	if (response.status === 403) {
		const message = response.headers['x-ca-error-message'] ?? gatewayBody(response)?.message ?? '';
		if (THROTTLED.test(message))
			return { reason: 'gateway throttling (HTTP 403)', reachedService: false };
		return undefined;
	}
	if (response.status === 200) {
		// An unreadable 200 is left to the transport, which treats it as transient for every vendor.
		const body = gatewayBody(response);
		if (!body) return undefined;
		const code = Number(body.code);
		if (code === 429) return { reason: 'too many requests (code 429)', reachedService: true };
		if (code === 20056)
			return { reason: 'backend invocation timeout (code 20056)', reachedService: true };
		return undefined;
	}
	return defaultTransientVerdict(response);
}
