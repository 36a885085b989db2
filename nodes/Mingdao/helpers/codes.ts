import { joinSentences } from '../../shared/text';

/**
 * What Mingdao's answers mean. The documentation publishes code 1 (success, `message` empty),
 * the failure example 10001, and HTTP 400 (bad parameters), 403 (timestamp or signature wrong) and
 * 500 (data error); any other code is a failure whose meaning is in its `message`.
 */

/** `code` of a successful answer (compared as text: the envelope may carry it as a number or a string). */
export const MINGDAO_SUCCESS_CODE = '1';

/** The parameter failure of the documentation's example. */
export const MINGDAO_PARAMETER_CODE = '10001';

export const SAAS_RELATIONS_HINT =
	'On Mingdao SaaS the relation APIs only work for organisations integrated with WeCom, DingTalk or a similar platform';

const SIGNATURE_HINT =
	"Mingdao refused the signature or timestamp: check App Key, Secret Key and Project ID in the credential, and that this machine's clock is correct";

const PARAMETER_HINT =
	'Mingdao did not accept the parameters: check the IDs sent and the Project ID in the credential';

/** Why Upsert and Remove are refused on SaaS, before anything is sent. */
export const PRIVATE_DEPLOYMENT_MESSAGE =
	'needs a private deployment of Mingdao: Mingdao documents upsertUsers and removeUser as not supported on its public cloud (SaaS)';

export const PRIVATE_DEPLOYMENT_HINT =
	'Upsert and Remove only work on a private deployment of Mingdao; if this Custom API Base URL leads to Mingdao SaaS, it refuses them';

export interface HintContext {
	/** The credential points at Mingdao SaaS. */
	saas: boolean;
	/** The call was one of the relation look-ups (limited on SaaS). */
	relations: boolean;
	/** A write Mingdao documents as private-deployment only, sent through a custom base URL. */
	privateOnly?: boolean;
}

/** What the user can do about a failed answer, or undefined when there is nothing to add. */
export function mingdaoHint(
	httpStatus: number,
	code: string | undefined,
	context: HintContext,
): string | undefined {
	const hints: string[] = [];
	if (httpStatus === 403) hints.push(SIGNATURE_HINT);
	else if (httpStatus === 400 || code === MINGDAO_PARAMETER_CODE) hints.push(PARAMETER_HINT);
	if (context.saas && context.relations) hints.push(SAAS_RELATIONS_HINT);
	if (context.privateOnly === true) hints.push(PRIVATE_DEPLOYMENT_HINT);
	return hints.length > 0 ? joinSentences(hints) : undefined;
}

/**
 * Whether a refusal holds for every request of the run. Mingdao documents HTTP 403 as "timestamp or
 * signature wrong": a wrong App Key, Secret Key or Project ID, or this machine's clock, none of which
 * changes between requests. Its body codes (10001 and the rest) are about the request and are not.
 */
export function refusesMingdaoRun(httpStatus: number): boolean {
	return httpStatus === 403;
}
