import type { IDataObject } from 'n8n-workflow';

import type { Answer, UniqueRequest } from '../../shared/execution/batching';
import { VendorApiError } from '../../shared/errors';
import { asText } from '../../shared/text';
import { objectRows } from '../../shared/http/body';

import { ACCEPTED_CODES, REFUSED_CODES, SYNC_CODES, WELINK_VENDOR } from './codes';
import type { SyncStateName } from './codes';

/** How WeLink's answers become output items. */

/**
 * A field of WeLink's answer as text without surrounding spaces: WeLink pads its messages with a
 * leading space (the seed's example answer), which is layout, not content.
 */
export function text(value: unknown): string {
	return asText(value).trim();
}

export interface PersonStatus extends IDataObject {
	corpUserId: string;
	code: string;
	state: SyncStateName;
	final: boolean;
	message: string;
	/** Only for `failed`: why, from WeLink's code table or (47110) WeLink's own message. */
	reason?: string;
}

/** With Wait Until Final: how often the person was asked, and whether Max Wait cut it short. */
export interface PolledStatus extends PersonStatus {
	polls?: number;
	timedOut?: boolean;
}

export function statusOf(entry: Record<string, unknown>): PersonStatus {
	const code = text(entry.code);
	const message = text(entry.message);
	const known = Object.hasOwn(SYNC_CODES, code) ? SYNC_CODES[code] : undefined;
	const status: PersonStatus = {
		corpUserId: text(entry.corpUserId),
		code,
		state: known?.state ?? 'unknown',
		final: known?.final ?? false,
		message,
	};
	if (known?.state === 'failed')
		status.reason = (known.reasonInMessage && message) || known.meaning;
	return status;
}

export const NOT_REPORTED_MESSAGE = 'WeLink did not report this person';

export function unreportedStatus(): PersonStatus {
	return {
		corpUserId: '',
		code: '',
		state: 'unknown',
		final: false,
		message: NOT_REPORTED_MESSAGE,
	};
}

/**
 * Pairs answer entries with the persons asked about by the corpUserId each entry names — the only
 * field of an entry that says whom it is about. Each entry serves one person (the same person
 * submitted twice gets two entries); a person no entry names is left out: WeLink did not report it.
 */
export function pairByCorpUserId<V, A>(
	batch: Array<UniqueRequest<V>>,
	entries: Array<Record<string, unknown>>,
	corpUserIdOf: (value: V) => string,
	convert: (entry: Record<string, unknown>) => A,
): Map<string, A> {
	return pairByField('corpUserId', batch, entries, corpUserIdOf, convert);
}

/** The same pairing by another field that names the record (corpDeptCode for departments). */
export function pairByField<V, A>(
	field: string,
	batch: Array<UniqueRequest<V>>,
	entries: Array<Record<string, unknown>>,
	idOf: (value: V) => string,
	convert: (entry: Record<string, unknown>) => A,
): Map<string, A> {
	const used = new Set<number>();
	const out = new Map<string, A>();
	for (const request of batch) {
		const wanted = idOf(request.value);
		const found = entries.findIndex(
			(entry, index) => !used.has(index) && text(entry[field]) === wanted,
		);
		if (found >= 0) {
			used.add(found);
			out.set(request.key, convert(entries[found]));
		}
	}
	return out;
}

export interface SubmitResult extends IDataObject {
	corpUserId: string;
	accepted: boolean;
	code: string;
	message: string;
}

/** A person's users/bulk answer: accepted (or not) into the sync, or refused with WeLink's message. */
export function submitResultOf(entry: Record<string, unknown>): Answer<SubmitResult> {
	const code = text(entry.code);
	const message = text(entry.message);
	if (REFUSED_CODES[code]) {
		return {
			ok: false,
			error: new VendorApiError({
				vendor: WELINK_VENDOR,
				code,
				message: message || 'WeLink refused the person',
				hint: REFUSED_CODES[code],
			}),
		};
	}
	return {
		ok: true,
		value: {
			corpUserId: text(entry.corpUserId),
			accepted: ACCEPTED_CODES.has(code),
			code,
			message,
		},
	};
}

/**
 * A users/bulk or users/update answer as one Answer per person of the batch: paired by corpUserId
 * when WeLink lists persons, else (no per-person detail) the whole batch was taken.
 */
export function personWriteAnswers<V extends Record<string, string>>(
	batch: Array<UniqueRequest<V>>,
	answer: { message: string; data?: unknown },
): Map<string, Answer<SubmitResult>> {
	if (!Array.isArray(answer.data)) {
		return new Map(
			batch.map((request): [string, Answer<SubmitResult>] => [
				request.key,
				{
					ok: true,
					value: {
						corpUserId: request.value.corpUserId,
						accepted: true,
						code: '0',
						message: answer.message,
					},
				},
			]),
		);
	}
	return pairByCorpUserId(
		batch,
		objectRows(answer.data),
		(person) => person.corpUserId,
		submitResultOf,
	);
}

export interface WeLinkIdResult extends IDataObject {
	corpUserId: string;
	userId: string | null;
	found: boolean;
}

/** users/accounts answers by corpUserId; ids WeLink does not know are left out. */
export function weLinkIdsOf(data: unknown): Map<string, WeLinkIdResult> {
	const out = new Map<string, WeLinkIdResult>();
	for (const entry of objectRows(data)) {
		const corpUserId = text(entry.corpUserId);
		const userId = text(entry.userId);
		if (corpUserId && userId) out.set(corpUserId, { corpUserId, userId, found: true });
	}
	return out;
}

export function weLinkIdNotFound(corpUserId: string): WeLinkIdResult {
	return { corpUserId, userId: null, found: false };
}
