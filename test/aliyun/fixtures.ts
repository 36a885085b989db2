import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeParameters,
} from 'n8n-workflow';

import { runNode } from '../harness/run-workflow';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';

/** What the Aliyun IoT tests share: running the node against an emulator, and what a user could see. */

export const NODE_TYPE = 'n8n-nodes-employee-sync.aliyunIot';

export function credentialsOf(
	handle: AliyunIotEmulatorHandle,
	over: IDataObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	return { aliyunIotApi: { ...handle.credentials, ...over } as ICredentialDataDecryptedObject };
}

export async function runAliyun(
	handle: AliyunIotEmulatorHandle,
	parameters: INode['parameters'],
	extra: { items?: IDataObject[]; continueOnFail?: boolean; credentials?: IDataObject } = {},
) {
	return await runNode({
		type: NODE_TYPE,
		parameters,
		items: extra.items,
		continueOnFail: extra.continueOnFail,
		credentials: credentialsOf(handle, extra.credentials),
	});
}

/** Everything a user could see from a run: output items, the error and its description. */
export function visibleText(result: {
	items: unknown;
	error: Error | undefined;
	run: unknown;
}): string {
	const error = result.error as (Error & { description?: string }) | undefined;
	return JSON.stringify([result.items, error?.message, error?.description, result.run]);
}

/** No AppSecret and no signature the emulator received appears anywhere the user can see. */
export function expectNoSecrets(handle: AliyunIotEmulatorHandle, text: string): void {
	expect(text).not.toContain(handle.appSecret);
	for (const signature of handle.receivedSignatures()) expect(text).not.toContain(signature);
}

export const createParams = (
	code = '={{ $json.code }}',
	codeType = 'AUTH_CODE',
): INodeParameters => ({
	resource: 'employee',
	operation: 'createByAuthCode',
	authCode: code,
	codeType,
	options: {},
});

export const listParams = (
	extra: INodeParameters = {},
	options: INodeParameters = {},
): INodeParameters => ({
	resource: 'employee',
	operation: 'getManyByCompany',
	companyId: '={{ $json.companyId }}',
	returnAll: true,
	...extra,
	options,
});
