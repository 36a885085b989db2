import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import { SIGN_PRESETS } from '../../nodes/Shiheng/transport/signScheme';
import { PollingTrigger } from '../harness/run-poll';
import { runNode } from '../harness/run-workflow';
import { EMULATOR_REQUEST_STYLES, startShihengEmulator } from '../emulators/shiheng';
import type { ShihengEmulatorHandle, ShihengEmulatorOptions } from '../emulators/shiheng';

/** Shared set-up of the Shiheng tests: one emulator per test file, reset before each test. */

export const TYPE = 'n8n-nodes-employee-sync.shiheng';
export const WRONG_SECRET = 'wrong-secret-9d8e7f';

/** Starts an emulator for the file's tests and returns a getter (the handle exists once beforeAll ran). */
export function useShihengEmulator(
	options: ShihengEmulatorOptions = { employees: 10_000, customers: 2_000 },
): () => ShihengEmulatorHandle {
	let sh: ShihengEmulatorHandle | undefined;
	beforeAll(async () => {
		sh = await startShihengEmulator(options);
	});
	afterAll(async () => await sh?.stop());
	beforeEach(() => {
		if (!sh) return;
		sh.emulator.resetCounters();
		sh.emulator.clearFaults();
		sh.served.length = 0;
		sh.received.length = 0;
		sh.serveEmployeeAnswerText(undefined);
		sh.setSigningScheme(SIGN_PRESETS[0].value);
		sh.setRequestStyle(EMULATOR_REQUEST_STYLES[0]);
		sh.churnBetweenPages(undefined);
		sh.afterEmployeePage(undefined);
	});
	return () => {
		if (!sh) throw new Error('The Shiheng emulator has not started');
		return sh;
	};
}

export function employees(
	sh: ShihengEmulatorHandle,
	parameters: IDataObject,
	extra: {
		items?: IDataObject[];
		continueOnFail?: boolean;
		credentials?: ICredentialDataDecryptedObject;
	} = {},
) {
	return runNode({
		type: TYPE,
		parameters: {
			resource: 'employee',
			operation: 'getAll',
			endpointPath: sh.employeePath,
			...parameters,
		},
		items: extra.items,
		continueOnFail: extra.continueOnFail,
		credentials: { shihengApi: { ...sh.credentials, ...extra.credentials } },
	});
}

export function customers(sh: ShihengEmulatorHandle, parameters: IDataObject) {
	return runNode({
		type: TYPE,
		parameters: {
			resource: 'customer',
			operation: 'getAll',
			endpointPath: sh.customerPath,
			...parameters,
		},
		credentials: { shihengApi: sh.credentials },
	});
}

export const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.id);
export const range = (count: number, at: (i: number) => number, from = 0) =>
	Array.from({ length: count }, (_, i) => at(from + i));

export const TRIGGER_TYPE = 'n8n-nodes-employee-sync.shihengTrigger';

/** A Shiheng Trigger in an active workflow of its own, polled through n8n-core's PollContext. */
export function shihengTrigger(
	sh: ShihengEmulatorHandle,
	parameters: IDataObject = {},
): PollingTrigger {
	return new PollingTrigger({
		type: TRIGGER_TYPE,
		parameters: {
			employeeListPath: sh.employeePath,
			customerListPath: sh.customerPath,
			...parameters,
		} as INode['parameters'],
		credentials: { shihengApi: sh.credentials },
	});
}
