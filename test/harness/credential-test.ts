import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { resolveCredentialExpression } from './credentials-helper';
import { credentialTypesByName } from './registry';
import { runNode } from './run-workflow';

/**
 * What n8n's credential Test button does with a credential's `test` property: resolve its request
 * against the credential's values, authenticate it with the credential type's own code, send it
 * through n8n's request helper, and judge the answer by the `rules`. (The end-to-end suite also
 * presses the real button through n8n's REST API.)
 */
export async function testCredential(
	typeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<{ ok: boolean; message: string }> {
	const type = credentialTypesByName().get(typeName);
	if (!type?.test) throw new Error(`Credential type ${typeName} has no test request`);
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
	return path.split('.').reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], body);
}
