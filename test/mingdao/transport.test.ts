import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { mingdaoAuthParams, mingdaoSignature } from '../../nodes/Mingdao/transport/auth';
import {
	MINGDAO_SAAS_BASE_URL,
	mingdaoApiBaseUrl,
	readConnection,
} from '../../nodes/Mingdao/transport/connection';
import { ParameterError } from '../../nodes/shared/errors';
import { Redactor } from '../../nodes/shared/redact';
import { MINGDAO_CODES } from '../emulators/mingdao';
import { useMingdaoEmulator } from './fixtures';

const emulator = useMingdaoEmulator({ users: 100 });

function connectionFrom(data: ICredentialDataDecryptedObject) {
	return readConnection(data, new Redactor());
}

/** The documented algorithm, step by step, independent of the signer under test. */
function documentedSignature(appKey: string, secretKey: string, timestamp: number): string {
	const plain =
		'AppKey=' + appKey + '&SecretKey=' + secretKey + '&Timestamp=' + timestamp.toString();
	const digest = createHash('sha256');
	digest.update(Buffer.from(plain, 'utf8'));
	const hex = digest.digest('hex').toLowerCase();
	expect(hex).toMatch(/^[0-9a-f]{64}$/);
	return Buffer.from(hex, 'utf8').toString('base64');
}

const base = { appKey: 'AK-123', secretKey: 'SK-secret-456', projectId: 'P-789' };

test('the signature matches a vector computed from the documented algorithm', () => {
	const timestamp = 1_700_000_000_123;
	const expected = documentedSignature('AK-123', 'SK-secret-456', timestamp);
	expect(mingdaoSignature('AK-123', 'SK-secret-456', timestamp)).toBe(expected);
	// The same vector from coreutils: printf '%s' 'AppKey=…' | sha256sum | cut -d' ' -f1 | tr -d '\n' | base64
	expect(expected).toBe(
		'ZTI4YWQxMDQyNjBiNDVmYjVlYzkxY2MyOTU4YjhlYWNhNGYxNGM5NWU1Mzg0ZTFjOTAzZmI5NDEyNmY1ZDgyNg==',
	);
	// base64 of the 64-character hex text is 88 characters; base64 of the raw digest would be 44.
	expect(expected).toHaveLength(88);
	expect(Buffer.from(expected, 'base64').toString('utf8')).toMatch(/^[0-9a-f]{64}$/);
	// Non-ASCII keys are hashed as UTF-8.
	expect(mingdaoSignature('明道', '密钥', timestamp)).toBe(
		documentedSignature('明道', '密钥', timestamp),
	);
});

test('each call gets the given millisecond timestamp and the signature for it', () => {
	const params = mingdaoAuthParams(base, 1_700_000_000_999);
	expect(params).toEqual({
		appKey: 'AK-123',
		sign: documentedSignature('AK-123', 'SK-secret-456', 1_700_000_000_999),
		timestamp: 1_700_000_000_999,
		projectId: 'P-789',
	});
	expect(mingdaoAuthParams(base, 1).sign).not.toBe(mingdaoAuthParams(base, 2).sign);
});

test('SaaS, private and custom deployments build the right API base URL', () => {
	const saas = connectionFrom({
		...base,
		deployment: 'saas',
		privateUrl: 'https://ignored.example.com',
	});
	expect(mingdaoApiBaseUrl(saas)).toBe('https://api.mingdao.com/generalintegrate');
	expect(MINGDAO_SAAS_BASE_URL).toBe('https://api.mingdao.com/generalintegrate');

	const privateUrl = (address: string) =>
		mingdaoApiBaseUrl(connectionFrom({ ...base, deployment: 'private', privateUrl: address }));
	expect(privateUrl('https://md.example.com')).toBe('https://md.example.com/generalintegrateapi');
	expect(privateUrl('https://md.example.com/')).toBe('https://md.example.com/generalintegrateapi');
	expect(privateUrl('https://md.example.com:8443/mingdao/')).toBe(
		'https://md.example.com:8443/mingdao/generalintegrateapi',
	);
	// Pasted with the API path already on it: not doubled.
	expect(privateUrl('https://md.example.com/generalintegrateapi/')).toBe(
		'https://md.example.com/generalintegrateapi',
	);

	const custom = connectionFrom({
		...base,
		deployment: 'custom',
		customBaseUrl: 'https://gw.example.com/generalintegrate/',
	});
	expect(mingdaoApiBaseUrl(custom)).toBe('https://gw.example.com/generalintegrate');
});

test('a private address over plain HTTP is refused unless the credential allows it', () => {
	const insecure = connectionFrom({
		...base,
		deployment: 'private',
		privateUrl: 'http://md.intranet',
	});
	expect(() => mingdaoApiBaseUrl(insecure)).toThrow(ParameterError);
	expect(() => mingdaoApiBaseUrl(insecure)).toThrow(/Mingdao Address uses plain HTTP/);
	const allowed = connectionFrom({
		...base,
		deployment: 'private',
		privateUrl: 'http://md.intranet',
		allowInsecureHttp: true,
	});
	expect(mingdaoApiBaseUrl(allowed)).toBe('http://md.intranet/generalintegrateapi');
	// The switches only apply to private or custom deployments.
	expect(
		connectionFrom({ ...base, deployment: 'saas', allowInsecureHttp: true, ignoreSslIssues: true }),
	).toMatchObject({
		allowInsecureHttp: false,
		ignoreSslIssues: false,
	});
});

test('missing credential fields are named', () => {
	expect(() => connectionFrom({ ...base, secretKey: '' })).toThrow(/Secret Key is empty/);
	expect(() => connectionFrom({ ...base, projectId: ' ' })).toThrow(/Project ID is empty/);
	expect(() => mingdaoApiBaseUrl(connectionFrom({ ...base, deployment: 'private' }))).toThrow(
		/Mingdao Address is empty/,
	);
});

test('the emulator refuses a stale timestamp and a bad signature the way the node reports them', async () => {
	const md = emulator.md;
	const stale = Date.now() - 10 * 60_000;
	const post = async (timestamp: number, sign: string) => {
		const response = await fetch(`${md.baseUrl}/generalintegrateapi/v2/user/getUserRelations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				corpUserIds: ['x'],
				appKey: md.appKey,
				projectId: md.projectId,
				timestamp,
				sign,
			}),
		});
		return { status: response.status, body: (await response.json()) as { code: number } };
	};
	const staleAnswer = await post(stale, mingdaoSignature(md.appKey, md.secretKey, stale));
	expect(staleAnswer).toEqual({
		status: 403,
		body: expect.objectContaining({ code: MINGDAO_CODES.expiredTimestamp }),
	});
	const now = Date.now();
	const badSign = await post(now, mingdaoSignature(md.appKey, 'other', now));
	expect(badSign).toEqual({
		status: 403,
		body: expect.objectContaining({ code: MINGDAO_CODES.badSignature }),
	});
	const good = await post(now, mingdaoSignature(md.appKey, md.secretKey, now));
	expect(good).toEqual({ status: 200, body: { code: 1, message: '', data: [] } });
});
