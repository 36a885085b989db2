import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../harness/run-workflow';
import { startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle, MingdaoEmulatorOptions } from '../emulators/mingdao';

/** What the Mingdao tests share: one emulator per file, the node's type, and ways to run it. */

export const MINGDAO_TYPE = 'n8n-nodes-employee-sync.mingdao';

/** getUserRelations under the private-deployment prefix the emulator's credentials point at. */
export const RELATIONS_PATH = '/generalintegrateapi/v2/user/getUserRelations';

/**
 * Starts an emulator for the test file (stopped after it) and clears its counters, faults and
 * recorded calls before each test. Read `.md` inside tests, once `beforeAll` has run.
 */
export function useMingdaoEmulator(options: MingdaoEmulatorOptions): { md: MingdaoEmulatorHandle } {
	const holder = {} as { md: MingdaoEmulatorHandle };
	beforeAll(async () => {
		holder.md = await startMingdaoEmulator(options);
	});
	afterAll(async () => await holder.md?.stop());
	beforeEach(() => {
		holder.md.emulator.resetCounters();
		holder.md.emulator.clearFaults();
		holder.md.relationCalls.length = 0;
		holder.md.writeCalls.length = 0;
		holder.md.setIntegrated(true);
	});
	return holder;
}

/** Credentials keyed the way `runNode` expects, from the emulator's working set. */
export function mingdaoCredentials(
	md: MingdaoEmulatorHandle,
	overrides: Record<string, string | boolean> = {},
) {
	return { mingdaoApi: { ...md.credentials, ...overrides } };
}

/** User → Create or Update with every field mapped from `{ id, name, email, mobile }` items. */
export const UPSERT_MAPPED = {
	resource: 'user',
	operation: 'upsert',
	corpUserId: '={{ $json.id }}',
	name: '={{ $json.name }}',
	email: '={{ $json.email }}',
	mobilePhone: '={{ $json.mobile }}',
};

export function paired(item: INodeExecutionData): number {
	return (item.pairedItem as { item: number }).item;
}

/** User → Get Relations over the given items, ids read from `$json.id` unless `extra` says otherwise. */
export async function runGetRelations(
	md: MingdaoEmulatorHandle,
	items: IDataObject[],
	extra: IDataObject = {},
	continueOnFail = false,
	creds = mingdaoCredentials(md),
) {
	return await runNode({
		type: MINGDAO_TYPE,
		items,
		credentials: creds,
		continueOnFail,
		parameters: {
			resource: 'user',
			operation: 'getRelations',
			corpUserIds: '={{ $json.id }}',
			...extra,
		},
	});
}

/** One request through n8n's `httpRequestWithAuthentication`, as the HTTP Request node sends it. */
export async function viaHttpRequestNode(
	md: MingdaoEmulatorHandle,
	method: 'GET' | 'POST',
	url: string,
	extra: { body?: object; qs?: object },
) {
	return await runNode({
		type: 'test.authenticatedRequest',
		credentials: { 'mingdaoApi:http': { ...md.credentials } },
		parameters: {
			credentialType: 'mingdaoApi',
			method,
			url,
			body: extra.body ? JSON.stringify(extra.body) : '',
			qs: extra.qs ? JSON.stringify(extra.qs) : '',
		},
	});
}
