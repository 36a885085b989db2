/** The relation look-ups across items: ids read (or Read IDs From Field), batched, and Only Found / Fail When Not Found applied. */

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readRequestTuning } from '../../shared/descriptions/options';
import { ParameterError } from '../../shared/errors';
import type { UniqueRequest } from '../../shared/execution/batching';
import type { CrossItemLookup } from '../../shared/execution/lookup';
import { itemParameterReader } from '../../shared/execution/parameters';
import { intInRange, stringList } from '../../shared/validate';
import { MINGDAO_DEFAULT_BATCH_SIZE, MINGDAO_DEFAULT_CONCURRENCY } from '../transport/client';
import { ID_FIELD_OPTION } from './output';

/** How many missing ids an error message lists before it abbreviates. */
const LISTED_MISSING = 10;

/** A field of an item's JSON, with dots reaching into nested objects. */
function fieldValue(json: IDataObject, path: string): unknown {
	if (path in json) return json[path];
	return path
		.split('.')
		.reduce<unknown>(
			(value, key) =>
				value && typeof value === 'object' ? (value as IDataObject)[key] : undefined,
			json,
		);
}

export interface RelationLookup<A> {
	/** Parameter holding the id (or list of ids) of each item. */
	parameter: string;
	/** Its display name, for error messages. */
	field: string;
	/** "account" / "department", for the not-found message. */
	noun: string;
	/** Extra check of one id before anything is sent. */
	check?: (id: string) => void;
	send: (ids: string[]) => Promise<Map<string, A>>;
	toJson: (id: string, answer: A | undefined) => IDataObject;
}

/**
 * The cross-item look-up of relations: the ids of every item, de-duplicated and sent in batches,
 * one output item per asked id in input order. Batch Size, Concurrency and Read IDs From Field are
 * the node's (one request carries ids of many items); Only Found and Fail When Not Found are each
 * item's own.
 */
export function relationLookup<A>(
	ctx: IExecuteFunctions,
	signal: AbortSignal | undefined,
	lookup: RelationLookup<A>,
): CrossItemLookup<string, A | undefined> {
	const items = ctx.getInputData();
	// Read per item as cheaply as the parameter's form allows (a plain `{{ $json.id }}` is read
	// straight from the item): with thousands of items this reading is most of the node's time.
	const optionsOf = itemParameterReader(ctx, 'options', {}) as (
		itemIndex: number,
	) => IDataObject | undefined;
	const idsOf = itemParameterReader(ctx, lookup.parameter);
	const first = optionsOf(0) ?? {};
	// Reading a field directly skips n8n's per-item expression evaluation (the bulk of the time
	// with thousands of items); the field name itself is the node's, not an item's.
	const idField = typeof first.idField === 'string' ? first.idField.trim() : '';
	return {
		read: (itemIndex) => {
			const ids =
				idField === ''
					? stringList(idsOf(itemIndex), lookup.field)
					: stringList(
							fieldValue(items[itemIndex].json, idField),
							`${ID_FIELD_OPTION} "${idField}"`,
						);
			ids.forEach((id) => lookup.check?.(id));
			return ids;
		},
		key: (id) => id,
		batchSize: intInRange(first.batchSize ?? MINGDAO_DEFAULT_BATCH_SIZE, 'Batch Size', 1, 10_000),
		concurrency: readRequestTuning(first, { concurrency: MINGDAO_DEFAULT_CONCURRENCY }).concurrency,
		signal,
		send: async (batch: Array<UniqueRequest<string>>) =>
			await lookup.send(batch.map((entry) => entry.value)),
		missing: () => ({ ok: true, value: undefined }),
		toItems: (itemIndex, ids, answers) => {
			const options = optionsOf(itemIndex) ?? {};
			if (options.failWhenNotFound === true) {
				const missing = ids.filter((_id, i) => answers[i] === undefined);
				if (missing.length > 0) {
					const listed = missing.slice(0, LISTED_MISSING).join(', ');
					const more =
						missing.length > LISTED_MISSING ? ` and ${missing.length - LISTED_MISSING} more` : '';
					throw new ParameterError(
						lookup.field,
						`No Mingdao ${lookup.noun} is linked to ${missing.length === 1 ? 'ID' : `${missing.length} IDs`}: ${listed}${more}`,
						'Turn off "Fail When Not Found" to output these IDs with found = false',
					);
				}
			}
			return ids
				.map((id, i) => ({ id, answer: answers[i] }))
				.filter(({ answer }) => options.onlyFound !== true || answer !== undefined)
				.map(({ id, answer }) => lookup.toJson(id, answer));
		},
	};
}
