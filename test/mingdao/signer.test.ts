import { createHash } from 'node:crypto';

import {
	MINGDAO_SAAS_BASE_URL,
	mingdaoApiBaseUrl,
	mingdaoAuthParams,
	mingdaoSignature,
	readMingdaoCredentials,
} from '../../nodes/Mingdao/MingdaoAuth';
import { ParameterError } from '../../nodes/shared/errors';

/** The documented algorithm, step by step, independent of the signer under test. */
function documentedSignature(appKey: string, secretKey: string, timestamp: number): string {
	const plain = 'AppKey=' + appKey + '&SecretKey=' + secretKey + '&Timestamp=' + timestamp.toString();
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
	expect(expected).toBe('ZTI4YWQxMDQyNjBiNDVmYjVlYzkxY2MyOTU4YjhlYWNhNGYxNGM5NWU1Mzg0ZTFjOTAzZmI5NDEyNmY1ZDgyNg==');
	// base64 of the 64-character hex text is 88 characters; base64 of the raw digest would be 44.
	expect(expected).toHaveLength(88);
	expect(Buffer.from(expected, 'base64').toString('utf8')).toMatch(/^[0-9a-f]{64}$/);
	// Non-ASCII keys are hashed as UTF-8.
	expect(mingdaoSignature('明道', '密钥', timestamp)).toBe(documentedSignature('明道', '密钥', timestamp));
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
	const saas = readMingdaoCredentials({ ...base, deployment: 'saas', privateUrl: 'https://ignored.example.com' });
	expect(mingdaoApiBaseUrl(saas)).toBe('https://api.mingdao.com/generalintegrate');
	expect(MINGDAO_SAAS_BASE_URL).toBe('https://api.mingdao.com/generalintegrate');

	const privateUrl = (address: string) =>
		mingdaoApiBaseUrl(readMingdaoCredentials({ ...base, deployment: 'private', privateUrl: address }));
	expect(privateUrl('https://md.example.com')).toBe('https://md.example.com/generalintegrateapi');
	expect(privateUrl('https://md.example.com/')).toBe('https://md.example.com/generalintegrateapi');
	expect(privateUrl('https://md.example.com:8443/mingdao/')).toBe('https://md.example.com:8443/mingdao/generalintegrateapi');
	// Pasted with the API path already on it: not doubled.
	expect(privateUrl('https://md.example.com/generalintegrateapi/')).toBe('https://md.example.com/generalintegrateapi');

	const custom = readMingdaoCredentials({ ...base, deployment: 'custom', customBaseUrl: 'https://gw.example.com/generalintegrate/' });
	expect(mingdaoApiBaseUrl(custom)).toBe('https://gw.example.com/generalintegrate');
});

test('a private address over plain HTTP is refused unless the credential allows it', () => {
	const insecure = readMingdaoCredentials({ ...base, deployment: 'private', privateUrl: 'http://md.intranet' });
	expect(() => mingdaoApiBaseUrl(insecure)).toThrow(ParameterError);
	expect(() => mingdaoApiBaseUrl(insecure)).toThrow(/Mingdao Address uses plain HTTP/);
	const allowed = readMingdaoCredentials({
		...base,
		deployment: 'private',
		privateUrl: 'http://md.intranet',
		allowInsecureHttp: true,
	});
	expect(mingdaoApiBaseUrl(allowed)).toBe('http://md.intranet/generalintegrateapi');
	// The switches only apply to private or custom deployments.
	expect(readMingdaoCredentials({ ...base, deployment: 'saas', allowInsecureHttp: true, ignoreSslIssues: true })).toMatchObject({
		allowInsecureHttp: false,
		ignoreSslIssues: false,
	});
});

test('missing credential fields are named', () => {
	expect(() => readMingdaoCredentials({ ...base, secretKey: '' })).toThrow(/Secret Key is empty/);
	expect(() => readMingdaoCredentials({ ...base, projectId: ' ' })).toThrow(/Project ID is empty/);
	expect(() => mingdaoApiBaseUrl(readMingdaoCredentials({ ...base, deployment: 'private' }))).toThrow(/Mingdao Address is empty/);
});
