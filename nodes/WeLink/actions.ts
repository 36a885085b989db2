import type { IDataObject } from 'n8n-workflow';

import { VendorApiError } from '../shared/errors';
import { ParameterError } from '../shared/errors';
import { runBatched } from '../shared/batching';
import type { Answer, Request, UniqueRequest } from '../shared/batching';
import { sleep } from '../shared/retry';
import { requiredString } from '../shared/validate';

import { WELINK_VENDOR } from './WeLinkAuth';
import type { WeLinkClient } from './WeLinkClient';

/**
 * The WeLink operations, independent of n8n: they take prepared requests (one per valid item) and
 * return one answer per request, in order.
 */

export const STATUS_PATH = '/api/contact/v1/users/status';
export const BULK_PATH = '/api/contact/v1/users/bulk';
export const ACCOUNTS_PATH = '/api/contact/v1/users/accounts';

/** WeLink's SDK limit for users/status and users/bulk, and the documented one for users/accounts. */
export const PERSON_BATCH = 10;
export const ACCOUNTS_BATCH = 50;

export type IdentifierType = 'corpUserId' | 'mobileNumber' | 'userEmail';

const IDENTIFIER_ALIASES: Record<string, IdentifierType> = {
	corpuserid: 'corpUserId',
	mobilenumber: 'mobileNumber',
	mobile: 'mobileNumber',
	useremail: 'userEmail',
	email: 'userEmail',
};

export function identifierType(value: unknown): IdentifierType {
	const type = typeof value === 'string' ? IDENTIFIER_ALIASES[value.trim().toLowerCase()] : undefined;
	if (!type) {
		throw new ParameterError(
			'Identify By',
			`Identify By must be corpUserId, mobileNumber or userEmail, got ${JSON.stringify(value ?? null)}`,
		);
	}
	return type;
}

export interface PersonRef {
	type: IdentifierType;
	value: string;
}

export function personRef(typeValue: unknown, identifier: unknown): PersonRef {
	const type = identifierType(typeValue);
	const value = requiredString(
		identifier,
		'Identifier',
		`The item needs a ${type} to look the person up. Check the expression in "Identifier".`,
	);
	return { type, value };
}

/** Per-person codes of users/status (open-doc.welink.huaweicloud.com err_code). */
const STATES: Record<string, { state: string; final: boolean }> = {
	'47100': { state: 'pending', final: false },
	'47113': { state: 'pending', final: false },
	'47104': { state: 'processing', final: false },
	'47112': { state: 'processing', final: false },
	'47108': { state: 'opening', final: false },
	'47107': { state: 'saved', final: true },
	'47109': { state: 'opened', final: true },
	'47110': { state: 'failed', final: true },
	'47111': { state: 'notExist', final: true },
};

export interface PersonStatus {
	corpUserId: string;
	code: string;
	state: string;
	final: boolean;
	message: string;
}

function text(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

export function statusOf(entry: Record<string, unknown>): PersonStatus {
	const code = text(entry.code);
	const known = STATES[code];
	return {
		corpUserId: text(entry.corpUserId),
		code,
		state: known?.state ?? 'unknown',
		final: known?.final ?? false,
		message: text(entry.message),
	};
}

function sameValue(type: IdentifierType, a: unknown, b: string): boolean {
	if (typeof a !== 'string') return false;
	return type === 'userEmail' ? a.trim().toLowerCase() === b.toLowerCase() : a.trim() === b;
}

/**
 * Pairs answers with the persons asked about: by the identifier echoed in the answer, else by
 * position when WeLink answered every entry (the documented answer only shows corpUserId).
 */
function pairAnswers<V, A>(
	batch: Array<UniqueRequest<V>>,
	data: unknown,
	matches: (value: V, entry: Record<string, unknown>) => boolean,
	convert: (entry: Record<string, unknown>) => A,
): Map<string, A> {
	const entries = (Array.isArray(data) ? data : []).filter(
		(entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object',
	);
	const used = new Set<number>();
	const out = new Map<string, A>();
	batch.forEach((request, position) => {
		let found = entries.findIndex((entry, index) => !used.has(index) && matches(request.value, entry));
		if (found < 0 && entries.length === batch.length && !used.has(position)) found = position;
		if (found >= 0) {
			used.add(found);
			out.set(request.key, convert(entries[found]));
		}
	});
	return out;
}

export interface BatchRunSettings {
	concurrency: number;
	signal?: AbortSignal;
}

export async function queryStatuses(
	client: WeLinkClient,
	requests: Array<Request<PersonRef>>,
	settings: BatchRunSettings,
): Promise<Array<Answer<PersonStatus>>> {
	return await runBatched<PersonRef, PersonStatus>(requests, {
		batchSize: PERSON_BATCH,
		concurrency: settings.concurrency,
		signal: settings.signal,
		send: async (batch) => {
			const body = { personInfo: batch.map((request) => ({ [request.value.type]: request.value.value })) };
			const answer = await client.post(STATUS_PATH, body, true);
			return pairAnswers(batch, answer.data, (ref, entry) => sameValue(ref.type, entry[ref.type], ref.value), statusOf);
		},
		missing: () => ({
			ok: true,
			value: { corpUserId: '', code: '', state: 'unknown', final: false, message: 'WeLink did not report this person' },
		}),
	});
}

export interface WaitSettings extends BatchRunSettings {
	maxWaitMs: number;
	pollIntervalMs: number;
}

const MAX_POLL_INTERVAL_MS = 30_000;

export interface PolledStatus extends PersonStatus {
	polls: number;
	timedOut: boolean;
}

/**
 * Polls the persons that are not final yet, with growing pauses, until all are final or the
 * maximum wait would be passed. Persons still open then are marked `timedOut`.
 */
export async function waitUntilFinal(
	client: WeLinkClient,
	requests: Array<Request<PersonRef>>,
	settings: WaitSettings,
): Promise<Array<Answer<PolledStatus>>> {
	const deadline = Date.now() + settings.maxWaitMs;
	const first = await queryStatuses(client, requests, settings);
	const answers: Array<Answer<PolledStatus>> = first.map((answer) =>
		answer.ok ? { ok: true, value: { ...answer.value, polls: 1, timedOut: false } } : answer,
	);
	let interval = Math.max(1, settings.pollIntervalMs);
	for (;;) {
		const open = answers
			.map((answer, position) => ({ answer, position }))
			.filter(({ answer }) => answer.ok && !answer.value.final)
			.map(({ position }) => position);
		if (open.length === 0) break;
		if (Date.now() + interval > deadline) {
			for (const position of open) {
				const answer = answers[position];
				if (answer.ok) answer.value.timedOut = true;
			}
			break;
		}
		await sleep(interval, settings.signal);
		interval = Math.min(MAX_POLL_INTERVAL_MS, Math.round(interval * 1.5));
		const again = await queryStatuses(client, open.map((position) => requests[position]), settings);
		again.forEach((answer, index) => {
			const position = open[index];
			const previous = answers[position];
			const polls = previous.ok ? previous.value.polls + 1 : 1;
			answers[position] = answer.ok ? { ok: true, value: { ...answer.value, polls, timedOut: false } } : answer;
		});
	}
	return answers;
}

/** The person fields users/bulk takes, as WeLink spells them. */
export type PersonInfo = Record<string, string>;

const SUBMIT_TEXT_FIELDS = ['corpDeptCode', 'mobileNumber', 'phoneNumber', 'sex', 'userEmail', 'userNameEn'];

export function personInfo(corpUserId: unknown, userNameCn: unknown, additional: IDataObject): PersonInfo {
	const person: PersonInfo = {
		corpUserId: requiredString(corpUserId, 'Corp User ID'),
		userNameCn: requiredString(userNameCn, 'Name (Chinese)'),
	};
	for (const field of SUBMIT_TEXT_FIELDS) {
		const value = additional[field];
		if (value !== undefined && value !== null && String(value).trim() !== '') person[field] = String(value).trim();
	}
	if (additional.isOpenAccount !== undefined) person.isOpenAccount = additional.isOpenAccount === false ? '0' : '1';
	if (additional.valid !== undefined) person.valid = additional.valid === false ? '0' : '1';
	return person;
}

export interface SubmitResult {
	corpUserId: string;
	accepted: boolean;
	code: string;
	message: string;
}

/** Codes meaning the person was taken into the sync queue (or is already in it). */
const ACCEPTED_CODES = new Set(['0', '47100', '47104', '47107', '47108', '47109', '47112', '47113']);
/** Codes meaning the person's values were refused: item errors, with WeLink's message. */
const REFUSED_CODES: Record<string, string> = {
	'47003': 'A required value is empty (for example the email or the department).',
	'47004': 'A value has the wrong format (for example the email or the mobile number).',
	'47008': 'WeLink rejected the values during validation.',
};

export async function submitPersons(
	client: WeLinkClient,
	requests: Array<Request<PersonInfo>>,
	settings: BatchRunSettings,
): Promise<Array<Answer<SubmitResult>>> {
	const answers = await runBatched<PersonInfo, Answer<SubmitResult>>(requests, {
		batchSize: PERSON_BATCH,
		concurrency: settings.concurrency,
		signal: settings.signal,
		// Every item is its own submission, even when two carry the same person.
		dedupe: false,
		send: async (batch) => {
			// Not idempotent: only refusals before the service (48503, invalid token) are repeated.
			const answer = await client.post(BULK_PATH, { personInfo: batch.map((request) => request.value) }, false);
			if (!Array.isArray(answer.data)) {
				// No per-person detail: the whole batch was taken.
				return new Map(
					batch.map((request) => [
						request.key,
						{ ok: true, value: { corpUserId: request.value.corpUserId, accepted: true, code: '0', message: answer.message } },
					]),
				);
			}
			return pairAnswers(
				batch,
				answer.data,
				(person, entry) => entry.corpUserId === person.corpUserId,
				(entry): Answer<SubmitResult> => {
					const code = text(entry.code);
					const message = text(entry.message);
					if (REFUSED_CODES[code]) {
						return {
							ok: false,
							error: new VendorApiError({ vendor: WELINK_VENDOR, code, message: message || 'WeLink refused the person', hint: REFUSED_CODES[code] }),
						};
					}
					return { ok: true, value: { corpUserId: text(entry.corpUserId), accepted: ACCEPTED_CODES.has(code), code, message } };
				},
			);
		},
		missing: (request) => ({
			ok: true,
			value: {
				ok: true,
				value: { corpUserId: request.value.corpUserId, accepted: false, code: '', message: 'WeLink did not report this person' },
			},
		}),
	});
	// Flatten: a batch failure is an Answer error; a refused person is an error inside an ok Answer.
	return answers.map((answer) => (answer.ok ? answer.value : answer));
}

export interface WeLinkIdResult {
	corpUserId: string;
	userId: string | null;
	found: boolean;
}

export async function lookUpWeLinkIds(
	client: WeLinkClient,
	requests: Array<Request<string>>,
	settings: BatchRunSettings,
): Promise<Array<Answer<WeLinkIdResult>>> {
	return await runBatched<string, WeLinkIdResult>(requests, {
		batchSize: ACCOUNTS_BATCH,
		concurrency: settings.concurrency,
		signal: settings.signal,
		send: async (batch) => {
			const answer = await client.post(ACCOUNTS_PATH, { corpUserIds: batch.map((request) => request.value) }, true);
			const out = new Map<string, WeLinkIdResult>();
			for (const entry of Array.isArray(answer.data) ? answer.data : []) {
				if (!entry || typeof entry !== 'object') continue;
				const record = entry as Record<string, unknown>;
				const corpUserId = text(record.corpUserId);
				const userId = text(record.userId);
				if (corpUserId && userId) out.set(corpUserId, { corpUserId, userId, found: true });
			}
			return out;
		},
		missing: (request) => ({ ok: true, value: { corpUserId: request.value, userId: null, found: false } }),
	});
}
