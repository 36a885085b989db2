import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatched } from '../shared/batching';
import type { Request } from '../shared/batching';
import { ParameterError, toNodeError } from '../shared/errors';
import { cancelSignal, failItem, forEachItem, readRequestTuning, transportSettings } from '../shared/node-kit';
import { fetchNumberedPages } from '../shared/paging';
import type { Redactor } from '../shared/redact';
import { intInRange, requiredString, stringList } from '../shared/validate';
import { readMingdaoCredentials } from './MingdaoAuth';
import { MingdaoClient } from './MingdaoClient';
import type { DepartmentRelation, UserRelation } from './MingdaoClient';
import { DEPARTMENT_IDS_FIELD } from './descriptions/DepartmentDescription';
import {
	ID_FIELD_OPTION,
	MINGDAO_DEFAULT_BATCH_SIZE,
	MINGDAO_DEFAULT_CONCURRENCY,
	MINGDAO_MAX_PAGE_SIZE,
	USER_IDS_FIELD,
	USER_ID_FIELD,
} from './descriptions/UserDescription';

/**
 * The Mingdao node's operations, kept apart from the node's description so each can be read on
 * its own. Errors thrown here are the shared kit's; `toNodeError` turns them into n8n errors.
 */

/** How many missing ids an error message lists before it abbreviates. */
const LISTED_MISSING = 10;

interface BatchedLookup<A> {
	/** Parameter holding the id (or list of ids) of each item. */
	parameter: string;
	/** Its display name, for error messages. */
	field: string;
	/** Extra check of one id before anything is sent. */
	check?: (id: string) => void;
	send: (ids: string[]) => Promise<Map<string, A>>;
	toJson: (id: string, answer: A | undefined) => IDataObject;
	/** "user" / "department", for the not-found message. */
	noun: string;
}

/** A field of an item's JSON, with dots reaching into nested objects. */
function fieldValue(json: IDataObject, path: string): unknown {
	if (path in json) return json[path];
	return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as IDataObject)[key] : undefined), json);
}

function options(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject) ?? {};
}

/**
 * Gathers the ids of every item, sends them de-duplicated in batches with bounded concurrency, and
 * outputs one item per requested id, in input order, paired with the item that asked. A bad id or
 * a failed batch only fails the items concerned.
 */
async function lookupInBatches<A>(
	ctx: IExecuteFunctions,
	redactor: Redactor,
	lookup: BatchedLookup<A>,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const first = options(ctx, 0);
	const batchSize = intInRange(first.batchSize ?? MINGDAO_DEFAULT_BATCH_SIZE, 'Batch Size', 1, 10_000);
	const concurrency = readRequestTuning(first, { concurrency: MINGDAO_DEFAULT_CONCURRENCY }).concurrency;

	// Reading a field directly skips n8n's per-item expression evaluation (the bulk of the time
	// with thousands of items); the field name itself is the node's, not an item's.
	const idField = typeof first.idField === 'string' ? first.idField.trim() : '';
	const idsOf = (itemIndex: number): string[] =>
		idField === ''
			? stringList(ctx.getNodeParameter(lookup.parameter, itemIndex), lookup.field)
			: stringList(fieldValue(items[itemIndex].json, idField), `${ID_FIELD_OPTION} "${idField}"`);

	const requests: Array<Request<string>> = [];
	const perItem: Array<{ ids: string[]; positions: number[] } | { error: unknown }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ids = idsOf(itemIndex);
			ids.forEach((id) => lookup.check?.(id));
			const positions = ids.map((id) => requests.push({ itemIndex, key: id, value: id }) - 1);
			perItem.push({ ids, positions });
		} catch (error) {
			// Stops the run here (before any request) unless Continue On Fail is on.
			failItem(ctx, error, itemIndex, redactor);
			perItem.push({ error });
		}
	}

	const answers = await runBatched<string, A>(requests, {
		batchSize,
		concurrency,
		signal: cancelSignal(ctx),
		send: async (batch) => await lookup.send(batch.map((entry) => entry.value)),
		missing: () => ({ ok: true, value: undefined as A }),
	});

	const out: INodeExecutionData[] = [];
	perItem.forEach((entry, itemIndex) => {
		if ('error' in entry) {
			out.push(failItem(ctx, entry.error, itemIndex, redactor));
			return;
		}
		const itemOptions = options(ctx, itemIndex);
		const results = entry.positions.map((position) => answers[position]);
		const failed = results.find((answer) => !answer.ok);
		if (failed && !failed.ok) {
			out.push(failItem(ctx, failed.error, itemIndex, redactor));
			return;
		}
		const values = results.map((answer) => (answer.ok ? answer.value : undefined));
		if (itemOptions.failWhenNotFound === true) {
			const missing = entry.ids.filter((_id, i) => values[i] === undefined);
			if (missing.length > 0) {
				const listed = missing.slice(0, LISTED_MISSING).join(', ');
				const more = missing.length > LISTED_MISSING ? ` and ${missing.length - LISTED_MISSING} more` : '';
				const error = new ParameterError(
					lookup.field,
					`No Mingdao ${lookup.noun} is linked to ${missing.length === 1 ? 'ID' : `${missing.length} IDs`}: ${listed}${more}`,
					'Turn off "Fail When Not Found" to output these IDs with found = false',
				);
				out.push(failItem(ctx, error, itemIndex, redactor));
				return;
			}
		}
		entry.ids.forEach((id, i) => {
			if (itemOptions.onlyFound === true && values[i] === undefined) return;
			out.push({ json: lookup.toJson(id, values[i]), pairedItem: { item: itemIndex } });
		});
	});
	return out;
}

function userRelationJson(corpUserId: string, relation: UserRelation | undefined): IDataObject {
	return {
		corpUserId,
		found: relation !== undefined,
		accountId: relation?.accountId ?? null,
		projectId: relation?.projectId ?? null,
	};
}

function departmentRelationJson(corpDepartmentId: string, relation: DepartmentRelation | undefined): IDataObject {
	if (!relation) return { corpDepartmentId, found: false, departmentId: null, projectId: null };
	return {
		departmentId: null,
		projectId: null,
		...(relation as IDataObject),
		corpDepartmentId,
		found: true,
	};
}

export async function userGetRelations(ctx: IExecuteFunctions, client: MingdaoClient, redactor: Redactor): Promise<INodeExecutionData[]> {
	return await lookupInBatches<UserRelation>(ctx, redactor, {
		parameter: 'corpUserIds',
		field: USER_IDS_FIELD,
		noun: 'account',
		send: async (ids) => await client.getUserRelations(ids),
		toJson: userRelationJson,
	});
}

export async function departmentGetRelations(ctx: IExecuteFunctions, client: MingdaoClient, redactor: Redactor): Promise<INodeExecutionData[]> {
	// One request carries ids of many items, so the flag is the node's, not an item's.
	const isNumber = ctx.getNodeParameter('isNumber', 0, true) as boolean;
	return await lookupInBatches<DepartmentRelation>(ctx, redactor, {
		parameter: 'corpDepartmentIds',
		field: DEPARTMENT_IDS_FIELD,
		noun: 'department',
		check: (id) => {
			if (isNumber && !/^-?\d+$/.test(id)) {
				throw new ParameterError(
					DEPARTMENT_IDS_FIELD,
					`${DEPARTMENT_IDS_FIELD} must be numbers when "Numeric IDs" is on, got "${id}"`,
					'Turn off "Numeric IDs" if your integration uses text department IDs',
				);
			}
		},
		send: async (ids) => await client.getDepartmentRelations(ids, isNumber),
		toJson: departmentRelationJson,
	});
}

export async function userGetRelation(ctx: IExecuteFunctions, client: MingdaoClient, redactor: Redactor): Promise<INodeExecutionData[]> {
	return await forEachItem(ctx, redactor, async (itemIndex) => {
		const corpUserId = requiredString(ctx.getNodeParameter('corpUserId', itemIndex), USER_ID_FIELD);
		const itemOptions = options(ctx, itemIndex);
		const relation = await client.getUserRelation(corpUserId);
		if (!relation && itemOptions.failWhenNotFound === true) {
			throw new ParameterError(USER_ID_FIELD, `No Mingdao account is linked to ID: ${corpUserId}`);
		}
		if (!relation && itemOptions.onlyFound === true) return [];
		return [userRelationJson(corpUserId, relation)];
	});
}

export async function userGetMany(
	ctx: IExecuteFunctions,
	client: MingdaoClient,
	redactor: Redactor,
	signal: AbortSignal | undefined,
): Promise<INodeExecutionData[]> {
	return await forEachItem(ctx, redactor, async (itemIndex) => {
		const itemOptions = options(ctx, itemIndex);
		const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll
			? undefined
			: intInRange(ctx.getNodeParameter('limit', itemIndex, 50), 'Limit', 1, Number.MAX_SAFE_INTEGER);
		const pageSize = intInRange(itemOptions.pageSize ?? 500, 'Page Size', 1, MINGDAO_MAX_PAGE_SIZE);
		const userStatus =
			filters.userStatus === undefined || filters.userStatus === ''
				? undefined
				: intInRange(filters.userStatus, 'User Status', 0, Number.MAX_SAFE_INTEGER);
		const concurrency = readRequestTuning(itemOptions, { concurrency: MINGDAO_DEFAULT_CONCURRENCY }).concurrency;
		const users = await fetchNumberedPages<Record<string, unknown>>({
			pageSize,
			limit,
			concurrency,
			signal,
			fetchPage: async (pageIndex) => {
				const page = await client.getUsersPage(pageIndex, pageSize, userStatus);
				return {
					items: page.users,
					totalPages: page.total === undefined ? undefined : Math.ceil(page.total / pageSize),
				};
			},
			// A user shifting between pages while listing must not be output twice.
			key: (user) => String(user.accountId ?? JSON.stringify(user)),
		});
		return users as IDataObject[];
	});
}

/** The client for this execution; a credential problem stops the run with an error naming the field. */
export async function createClient(ctx: IExecuteFunctions, redactor: Redactor, signal: AbortSignal | undefined): Promise<MingdaoClient> {
	try {
		const data = await ctx.getCredentials('mingdaoApi');
		// The App Key is entered as a password, so users expect it hidden like one.
		redactor.add(data.secretKey).add(data.appKey);
		const credentials = readMingdaoCredentials(data);
		const tuning = readRequestTuning(options(ctx, 0), { concurrency: MINGDAO_DEFAULT_CONCURRENCY });
		// Every Mingdao call used here is a read: safe to repeat after any failure.
		return new MingdaoClient(credentials, transportSettings(tuning, { signal, idempotent: true }), redactor);
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, 0, redactor);
	}
}

export function unknownOperation(ctx: IExecuteFunctions, redactor: Redactor, resource: string, operation: string): never {
	const error = new ParameterError('Operation', `The operation "${operation}" is not known for resource "${resource}"`);
	throw toNodeError(ctx.getNode(), error, 0, redactor);
}

