import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	IDataObject,
} from 'n8n-workflow';

import { resolveCredentialExpression } from './credentials-helper';
import { credentialTypesByName, nodeTypesByName } from './registry';
import { runNode } from './run-workflow';

/**
 * What n8n's credential Test button does. With a credential's `test` property: resolve its request
 * against the credential's values, authenticate it with the credential type's own code, send it
 * through n8n's request helper, and judge the answer by the `rules`. Without one, like n8n: run
 * the test function a node names for it (`testedBy`) in n8n-core's own CredentialTestContext.
 * (The end-to-end suite also presses the real button through n8n's REST API.)
 */
export async function testCredential(
	typeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<{ ok: boolean; message: string }> {
	const type = credentialTypesByName().get(typeName);
	if (!type) throw new Error(`Unknown credential type ${typeName}`);
	if (!type.test) {
		const testFunction = testFunctionOf(typeName);
		if (!testFunction)
			throw new Error(`Credential type ${typeName} has no test request and no node tests it`);
		const result = await testFunction.call(new CredentialTestContext(), {
			id: `${typeName}:credential-test`,
			name: typeName,
			type: typeName,
			data,
		});
		return { ok: result.status === 'OK', message: result.message };
	}
	const { request, rules } = type.test;
	const resolve = (value: unknown) => resolveCredentialExpression(value, data);
	const base = String(resolve(request.baseURL ?? '') ?? '');
	const url = `${base}${String(resolve(request.url ?? '') ?? '')}`;
	const id = `${typeName}:credential-test`;
	const { items, error } = await runNode({
		type: 'test.authenticatedRequest',
		parameters: {
			credentialType: typeName,
			method: request.method ?? 'GET',
			url,
			body: request.body ? JSON.stringify(request.body) : '',
			qs: request.qs ? JSON.stringify(request.qs) : '',
		},
		credentials: { [id]: data },
	});
	if (error) return { ok: false, message: error.message };
	const body = items[0]?.json ?? {};
	for (const rule of rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const value = lookup(body, rule.properties.key);
			if (value === rule.properties.value) return { ok: false, message: rule.properties.message };
		}
	}
	return { ok: true, message: 'Connection tested successfully' };
}

function lookup(body: IDataObject, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], body);
}

/** The test function a node of the package names for the credential type, as n8n looks it up. */
export function testFunctionOf(typeName: string): ICredentialTestFunction | undefined {
	for (const node of nodeTypesByName().values()) {
		const testedBy = node.description.credentials?.find(
			(credential) => credential.name === typeName,
		)?.testedBy;
		if (typeof testedBy === 'string') return node.methods?.credentialTest?.[testedBy];
	}
	return undefined;
}
