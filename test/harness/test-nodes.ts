import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { egressFilterOf } from '../../nodes/shared/http/egress';
import { VendorApiError } from '../../nodes/shared/errors';
import { cancelSignal } from '../../nodes/shared/execution/cancellation';
import { forEachItem } from '../../nodes/shared/execution/item-loop';
import { readRequestTuning } from '../../nodes/shared/descriptions/options';
import { transportSettings } from '../../nodes/shared/execution/transport-settings';
import { fetchNumberedPages } from '../../nodes/shared/execution/paging';
import { Redactor } from '../../nodes/shared/redact';
import { parseJsonBody } from '../../nodes/shared/http/body';
import { sendWithRetry } from '../../nodes/shared/http/retry';
import { intInRange, requiredString } from '../../nodes/shared/validate';

/**
 * Two helper node types that exist only in tests:
 * - `test.items` starts a workflow with the items given in its `items` parameter (what a Manual
 *   Trigger followed by a Code node would do in the editor);
 * - `test.authenticatedRequest` sends one request per item through n8n's own
 *   `httpRequestWithAuthentication` helper — the path the HTTP Request node takes with a
 *   "predefined credential type" — so a test proves our credentials sign and authenticate there.
 */

function description(name: string, extra: Partial<INodeTypeDescription>): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: name,
		defaults: { name },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
		...extra,
	} as INodeTypeDescription;
}

class TestItems implements INodeType {
	description = description('testItems', {
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as unknown;
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [list.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

const CREDENTIAL_TYPES = ['weLinkApi', 'aliyunIotApi', 'mingdaoApi', 'shihengApi'];

class TestAuthenticatedRequest implements INodeType {
	description = description('testAuthenticatedRequest', {
		credentials: CREDENTIAL_TYPES.map((name) => ({ name, required: false })),
		properties: [
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: '' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
			{ displayName: 'Query', name: 'qs', type: 'json', default: '' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const credentialType = this.getNodeParameter('credentialType', i) as string;
			const body = this.getNodeParameter('body', i) as unknown;
			const qs = this.getNodeParameter('qs', i) as unknown;
			const options: IHttpRequestOptions = {
				method: this.getNodeParameter('method', i) as IHttpRequestMethods,
				url: this.getNodeParameter('url', i) as string,
				json: true,
			};
			if (body !== '' && body !== undefined) {
				options.body = (typeof body === 'string' ? JSON.parse(body) : body) as IDataObject;
			}
			if (qs !== '' && qs !== undefined) {
				options.qs = (typeof qs === 'string' ? JSON.parse(qs) : qs) as IDataObject;
			}
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				credentialType,
				options,
			)) as IDataObject;
			out.push({ json: response, pairedItem: { item: i } });
		}
		return [out];
	}
}

/**
 * `test.pagedList` exercises the shared kit end to end inside n8n: one listing per item from a
 * paged JSON API (`GET <baseUrl>/items?page=N` → `{pages, items}`), through the shared transport,
 * the concurrent pager and the per-item error handling. It lets the foundation be tested before
 * any vendor exists; vendor nodes are built from the same pieces.
 */
class TestPagedList implements INodeType {
	description = description('testPagedList', {
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Limit', name: 'limit', type: 'number', default: 0 },
			{ displayName: 'Page Size', name: 'pageSize', type: 'number', default: 10 },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const redactor = new Redactor(['test-secret-value']);
		const signal = cancelSignal(this);
		const out = await forEachItem(this, redactor, async (itemIndex) => {
			const baseUrl = requiredString(this.getNodeParameter('baseUrl', itemIndex), 'Base URL');
			const pageSize = intInRange(this.getNodeParameter('pageSize', itemIndex), 'Page Size', 1, 50);
			const limit = this.getNodeParameter('limit', itemIndex) as number;
			const settings = transportSettings(readRequestTuning({}, { concurrency: 4 }), {
				signal,
				idempotent: true,
				egress: egressFilterOf(this),
			});
			const profile = { name: 'Test API' };
			return await fetchNumberedPages<IDataObject>({
				pageSize,
				limit: limit > 0 ? limit : undefined,
				concurrency: 4,
				signal,
				fetchPage: async (page) => {
					const response = await sendWithRetry(
						() => ({ method: 'GET', url: `${baseUrl}/items`, query: { page, pageSize } }),
						settings,
						profile,
					);
					const body = parseJsonBody(response, profile) as {
						pages: number;
						items: IDataObject[];
						error?: string;
					};
					if (body.error)
						throw new VendorApiError({
							vendor: 'Test API',
							message: body.error,
							httpStatus: response.status,
						});
					return { items: body.items, totalPages: body.pages };
				},
			});
		});
		return [out];
	}
}

export const testNodeTypes: Record<string, INodeType> = {
	'test.items': new TestItems(),
	'test.authenticatedRequest': new TestAuthenticatedRequest(),
	'test.pagedList': new TestPagedList(),
};
