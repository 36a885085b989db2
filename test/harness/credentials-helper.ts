import { Credentials } from 'n8n-core';
import { ICredentialsHelper } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';

import { credentialTypesByName } from './registry';

/**
 * Holds decrypted credentials in memory and applies our credential types' own code the way n8n's
 * CredentialsHelper does: `authenticate` (function or generic), and `preAuthentication` for an
 * expirable hidden field, run when the field is empty or the last request came back 401.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly byId = new Map<string, ICredentialDataDecryptedObject>();

	/** How often each credential type's preAuthentication ran (token fetches through n8n). */
	readonly preAuthenticationRuns = new Map<string, number>();

	store(id: string, data: ICredentialDataDecryptedObject): void {
		this.byId.set(id, { ...data });
	}

	stored(id: string): ICredentialDataDecryptedObject | undefined {
		return this.byId.get(id);
	}

	private type(name: string): ICredentialType {
		const type = credentialTypesByName().get(name);
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = this.type(typeName);
		const options = requestOptions as IHttpRequestOptions;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, options);
		}
		if (type.authenticate?.type === 'generic') {
			const { headers, qs, body } = type.authenticate.properties;
			const resolve = (values: IDataObject | undefined): IDataObject =>
				Object.fromEntries(
					Object.entries(values ?? {}).map(([key, value]) => [
						key,
						resolveCredentialExpression(value, credentials),
					]),
				) as IDataObject;
			if (headers) options.headers = { ...options.headers, ...resolve(headers as IDataObject) };
			if (qs) options.qs = { ...options.qs, ...resolve(qs as IDataObject) };
			if (body)
				options.body = { ...(options.body as IDataObject), ...resolve(body as IDataObject) };
		}
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: { credentials?: Record<string, INodeCredentialsDetails> },
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (
			credentials[expirable.name] !== '' &&
			credentials[expirable.name] !== undefined &&
			!credentialsExpired
		) {
			return undefined;
		}
		const output = await this.runPreAuthentication(helpers, credentials, typeName);
		if (!output) return undefined;
		const id = node.credentials?.[typeName]?.id;
		if (id) this.byId.set(id, { ...credentials, ...output });
		return { ...credentials, ...output };
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		this.preAuthenticationRuns.set(typeName, (this.preAuthenticationRuns.get(typeName) ?? 0) + 1);
		return (await type.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, '');
	}

	async getDecrypted(
		_additionalData: unknown,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = nodeCredentials.id ? this.byId.get(nodeCredentials.id) : undefined;
		if (!data) throw new Error(`No test credential "${nodeCredentials.id}" of type ${type}`);
		// Like n8n, fill in property defaults the stored data leaves out.
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.type(type).properties) {
			if (property.default !== undefined) withDefaults[property.name] = property.default as never;
		}
		return { ...withDefaults, ...data };
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		if (nodeCredentials.id) this.byId.set(nodeCredentials.id, { ...data });
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

/** Resolves the `={{$credentials.name}}` form generic authentication uses. */
export function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): string | unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_match, name: string) =>
			String(credentials[name] ?? ''),
		);
}
