import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SIGN_PRESETS } from '../../nodes/Shiheng/transport/auth';
import type { SignScheme } from '../../nodes/Shiheng/transport/auth';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { WRONG_SECRET, employees as listEmployees, ids, range, useShihengEmulator } from './fixtures';

/** The client's signing against the emulator's own verification, and Shiheng's refusals. */

const emulator = useShihengEmulator();
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});

const employees = (parameters: IDataObject, extra: { items?: IDataObject[]; continueOnFail?: boolean; credentials?: ICredentialDataDecryptedObject } = {}) =>
	listEmployees(sh, parameters, extra);

describe('signing', () => {
	const custom: SignScheme = { join: 'concat', algorithm: 'sha256', secretPlacement: 'wrap', hexCase: 'lower', timestampUnit: 's' };
	const customHmac: SignScheme = { join: 'concat', algorithm: 'hmac-sha256', secretPlacement: 'append', hexCase: 'upper', timestampUnit: 's' };

	test.each([...SIGN_PRESETS.map((preset) => [preset.value, preset.value] as const), ['custom sha256', custom] as const, ['custom hmac', customHmac] as const])(
		'scheme %s is accepted by the emulator',
		async (_label, scheme) => {
			sh.setSigningScheme(scheme);
			const { items, error } = await employees({ returnAll: false, limit: 5, pageSize: 5 });
			expect(error).toBeUndefined();
			expect(ids(items)).toEqual(range(5, sh.employeeId));
		},
	);

	test('a wrong secret is refused with a clear error that contains no secret', async () => {
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5 }, { credentials: { appSecret: WRONG_SECRET } });
		expect(error?.message).toMatch(/Shiheng error \[40004\]: sign verification failed \(item 0\)/);
		const description = (error as Error & { description?: string }).description ?? '';
		expect(description).toMatch(/Signing Scheme/);
		expect(description).toMatch(/Request ID: [0-9a-f]{32}/);
		const everything = JSON.stringify(error) + String(error?.message) + description + String(error?.stack);
		expect(everything).not.toContain(WRONG_SECRET);
		expect(everything).not.toContain(String(sh.credentials.appSecret));
	});

	test('a scheme other than the one in force is refused', async () => {
		sh.setSigningScheme('hmacSha256QueryLowerMs');
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5 }, { credentials: { signingScheme: 'md5QueryAppendLowerMs' } });
		expect(error?.message).toContain('[40004]');
	});

	test('a plain http:// Base URL on a remote host is refused before any request', async () => {
		const { error } = await employees({ returnAll: false, limit: 5, pageSize: 5 }, { credentials: { baseUrl: 'http://shiheng.example.com' } });
		expect(error?.message).toMatch(/Base URL uses plain HTTP/);
	});
});
