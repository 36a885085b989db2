/** The Mingdao credential's Test button, run as a test function of the Mingdao node. */
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { ParameterError, TransportError, VendorApiError } from '../../shared/errors';
import { readRequestTuning } from '../../shared/descriptions/options';
import { transportSettings } from '../../shared/execution/transport-settings';
import { viaLegacyRequestHelper } from '../../shared/http/n8n-request';
import { Redactor } from '../../shared/redact';
import { joinSentences } from '../../shared/text';
import { SAAS_RELATIONS_HINT } from '../helpers/codes';
import { CREDENTIAL_TEST_USER_ID } from './auth';
import { MINGDAO_DEFAULT_CONCURRENCY, MingdaoClient } from './client';
import { readConnection } from './connection';

/** The Test's verdict on a refused check: Mingdao's code and message, and what to look at. */
function credentialTestMessage(error: unknown): string {
	if (error instanceof ParameterError) return `Mingdao credential: ${error.message}`;
	if (error instanceof VendorApiError) {
		const { code, message, hint, httpStatus } = error.details;
		const hints = hint?.includes(SAAS_RELATIONS_HINT) ? [hint] : [hint, SAAS_RELATIONS_HINT];
		const answer = code === undefined ? `HTTP ${String(httpStatus)}` : `code ${code}`;
		return joinSentences([`Mingdao refused the credential (${answer}): ${message}`, ...hints]);
	}
	if (error instanceof TransportError) return `Mingdao could not be asked: ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}

/**
 * The Mingdao credential's Test button: one harmless signed read (getUserRelations of an id
 * nobody has). Any answer but code 1 fails, with Mingdao's code and message and never a secret.
 *
 * A test function of the Mingdao node, not a request with rules on the credential: n8n's rules
 * only match "this key equals this value", so none can fail every code but 1, nor show Mingdao's
 * message. And n8n gives a test function its own request helper, which applies n8n's outbound
 * network policy (2.41); the credential's `authenticate` gets none, so it only signs.
 */
export async function testMingdaoCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const redactor = new Redactor();
	try {
		const connection = readConnection(credential.data ?? {}, redactor);
		const tuning = readRequestTuning({}, { concurrency: MINGDAO_DEFAULT_CONCURRENCY });
		// `request` is the only request helper n8n gives a credential test (its httpRequest is not there).
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		const sender = viaLegacyRequestHelper(async (options) => await this.helpers.request(options));
		const client = new MingdaoClient(
			connection,
			{ ...transportSettings(tuning, { idempotent: true, egress: undefined }), sender },
			redactor,
		);
		await client.getUserRelations([CREDENTIAL_TEST_USER_ID]);
	} catch (error) {
		return { status: 'Error', message: redactor.redact(credentialTestMessage(error)) };
	}
	return { status: 'OK', message: 'Connection tested successfully' };
}
