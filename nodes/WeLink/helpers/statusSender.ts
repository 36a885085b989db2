/** Asks WeLink for the sync status of a batch of persons or departments and pairs each answer entry with the person asked, never by guess. */

import type { UniqueRequest } from '../../shared/execution/batching';
import { objectRows } from '../../shared/http/body';
import type { WeLinkClient } from '../transport/client';
import { pairByCorpUserId, pairByField, statusOf } from './output';
import { departmentStatusOf } from './departmentOutput';
import type { PolledStatus } from './output';
import type { DepartmentStatus } from './departmentOutput';
import type { PersonRef } from './personRef';

/**
 * Sends one batch of persons and pairs WeLink's answer entries with them without guessing. An
 * entry names only a corpUserId (seed: corpUserId, code, message), so:
 * - corpUserId persons are asked together and paired by that id;
 * - mobile and email persons are asked in a request of their own and paired by position, only when
 *   the answer has exactly one entry per person asked; otherwise each is asked again alone (or
 *   always, with Ask Mobile/Email Persons One by One).
 * A person no entry can be paired with is left out: "WeLink did not report this person".
 */
export function statusSender(
	client: WeLinkClient,
	askContactsOneByOne: boolean,
): (batch: Array<UniqueRequest<PersonRef>>) => Promise<Map<string, PolledStatus>> {
	const ask = async (refs: PersonRef[]) =>
		objectRows((await client.queryStatus(refs.map((ref) => ({ [ref.type]: ref.value })))).data);

	const askByPosition = async (
		batch: Array<UniqueRequest<PersonRef>>,
		out: Map<string, PolledStatus>,
	) => {
		if (batch.length > 1 && !askContactsOneByOne) {
			const entries = await ask(batch.map((request) => request.value));
			if (entries.length === batch.length) {
				batch.forEach((request, position) => out.set(request.key, statusOf(entries[position])));
				return;
			}
		}
		for (const request of batch) {
			const entries = await ask([request.value]);
			if (entries.length === 1) out.set(request.key, statusOf(entries[0]));
		}
	};

	return async (batch) => {
		const out = new Map<string, PolledStatus>();
		const byId = batch.filter((request) => request.value.type === 'corpUserId');
		const byContact = batch.filter((request) => request.value.type !== 'corpUserId');
		if (byId.length > 0) {
			for (const [key, status] of pairByCorpUserId(
				byId,
				await ask(byId.map((request) => request.value)),
				(ref) => ref.value,
				statusOf,
			)) {
				out.set(key, status);
			}
		}
		if (byContact.length > 0) await askByPosition(byContact, out);
		return out;
	};
}

/** Asks departments/status about a batch and pairs the entries by the corpDeptCode each names. */
export function departmentStatusSender(
	client: WeLinkClient,
): (batch: Array<UniqueRequest<string>>) => Promise<Map<string, DepartmentStatus>> {
	return async (batch) =>
		pairByField(
			'corpDeptCode',
			batch,
			objectRows((await client.queryDepartmentStatus(batch.map((request) => request.value))).data),
			(code) => code,
			departmentStatusOf,
		);
}
