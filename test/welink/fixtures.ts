import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { clearTokenCache } from '../../nodes/WeLink/transport/auth';
import { startWeLinkEmulator } from '../emulators/welink';
import type { WeLinkEmulatorHandle, WeLinkEmulatorOptions } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';

/** What every WeLink test file shares: the emulator, credentials, a Get Status run, checks. */

export const TYPE = 'n8n-nodes-employee-sync.weLink';
export const STATUS = '/api/contact/v1/users/status';
export const BULK = '/api/contact/v1/users/bulk';
export const ACCOUNTS = '/api/contact/v1/users/accounts';
export const TICKETS = '/api/auth/v2/tickets';

/** The emulator of the running test file (each jest test file has its own module instance). */
let current: WeLinkEmulatorHandle | undefined;

export function currentEmulator(): WeLinkEmulatorHandle {
	if (!current) throw new Error('useWeLinkEmulator() was not called in this test file');
	return current;
}

/**
 * Starts one emulator for the test file and resets it (and this process's token cache) before
 * each test; `currentEmulator()` returns it.
 */
export function useWeLinkEmulator(
	options: WeLinkEmulatorOptions = { latencyMs: 2, demoPersons: 60 },
): void {
	beforeAll(async () => {
		current = await startWeLinkEmulator(options);
	});
	afterAll(async () => await currentEmulator().stop());
	beforeEach(() => {
		clearTokenCache();
		const welink = currentEmulator();
		welink.emulator.resetCounters();
		welink.emulator.clearFaults();
		welink.setRatePerSecond(40);
	});
}

export function creds(
	overrides: ICredentialDataDecryptedObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	return { weLinkApi: { ...currentEmulator().credentials, ...overrides } };
}

export const demoIds = (count: number, from = 1) =>
	Array.from({ length: count }, (_, i) => `demo${String(from + i).padStart(4, '0')}`);

/** User Sync → Get Status by corpUserId, one person per item (`{ id }`). */
export async function getStatus(
	items: IDataObject[],
	options: INodeParameters = {},
	extra: { continueOnFail?: boolean } = {},
) {
	return await runNode({
		type: TYPE,
		items,
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: 'corpUserId',
			identifier: '={{ $json.id }}',
			options,
		},
		credentials: creds(),
		continueOnFail: extra.continueOnFail,
	});
}

export function paired(items: INodeExecutionData[]): number[] {
	return items.map((item) => (item.pairedItem as { item: number }).item);
}

/** Everything a user could see of a run: outputs, errors, descriptions. */
export function visible(result: { items: INodeExecutionData[]; error: Error | undefined }): string {
	const error = result.error as (Error & { description?: string }) | undefined;
	return (
		JSON.stringify(result.items) + (error ? `${error.message} ${error.description ?? ''}` : '')
	);
}
