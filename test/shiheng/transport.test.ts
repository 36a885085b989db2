import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SIGN_PRESETS } from '../../nodes/Shiheng/transport/signScheme';
import type { SignScheme } from '../../nodes/Shiheng/transport/signScheme';
import { EMULATOR_PRESETS, EMULATOR_REQUEST_STYLES } from '../emulators/shiheng';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import {
	WRONG_SECRET,
	employees as listEmployees,
	ids,
	range,
	useShihengEmulator,
} from './fixtures';

/** The client's signing against the emulator's own verification, and Shiheng's refusals. */

const emulator = useShihengEmulator();
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});

const employees = (
	parameters: IDataObject,
	extra: {
		items?: IDataObject[];
		continueOnFail?: boolean;
		credentials?: ICredentialDataDecryptedObject;
	} = {},
) => listEmployees(sh, parameters, extra);

describe('signing', () => {
	const custom: SignScheme = {
		join: 'concat',
		algorithm: 'sha256',
		secretPlacement: 'wrap',
		hexCase: 'lower',
		timestampUnit: 's',
	};
	const customHmac: SignScheme = {
		join: 'concat',
		algorithm: 'hmac-sha256',
		secretPlacement: 'append',
		hexCase: 'upper',
		timestampUnit: 's',
	};

	test.each([
		...SIGN_PRESETS.map((preset) => [preset.value, preset.value] as const),
		['custom sha256', custom] as const,
		['custom hmac', customHmac] as const,
	])('scheme %s is accepted by the emulator', async (_label, scheme) => {
		sh.setSigningScheme(scheme);
		const { items, error } = await employees({ returnAll: false, limit: 5, pageSize: 5 });
		expect(error).toBeUndefined();
		expect(ids(items)).toEqual(range(5, sh.employeeId));
	});

	test('a wrong secret is refused with a clear error that contains no secret', async () => {
		const { error } = await employees(
			{ returnAll: false, limit: 5, pageSize: 5 },
			{ credentials: { appSecret: WRONG_SECRET } },
		);
		expect(error?.message).toMatch(/Shiheng error \[40004\]: sign verification failed \(item 0\)/);
		const description = (error as Error & { description?: string }).description ?? '';
		expect(description).toMatch(/Signing Scheme/);
		expect(description).toMatch(/Request ID: [0-9a-f]{32}/);
		const everything =
			JSON.stringify(error) + String(error?.message) + description + String(error?.stack);
		expect(everything).not.toContain(WRONG_SECRET);
		expect(everything).not.toContain(String(sh.credentials.appSecret));
	});

	test('a scheme other than the one in force is refused', async () => {
		sh.setSigningScheme('hmacSha256QueryLowerMs');
		const { error } = await employees(
			{ returnAll: false, limit: 5, pageSize: 5 },
			{ credentials: { signingScheme: 'md5QueryAppendLowerMs' } },
		);
		expect(error?.message).toContain('[40004]');
	});

	test('a plain http:// Base URL on a remote host is refused before any request', async () => {
		const { error } = await employees(
			{ returnAll: false, limit: 5, pageSize: 5 },
			{ credentials: { baseUrl: 'http://shiheng.example.com' } },
		);
		expect(error?.message).toMatch(/Base URL uses plain HTTP/);
	});
});

describe('HTTP method and parameter encoding (credential settings, not a published Shiheng rule)', () => {
	test.each(
		EMULATOR_REQUEST_STYLES.map((style) => [`${style.method} ${style.encoding}`, style] as const),
	)(
		'%s: the node lists employees when the credential names the style the app uses',
		async (_label, style) => {
			sh.setRequestStyle(style);
			expect(sh.credentials).toMatchObject({
				requestMethod: style.method,
				parameterEncoding: style.encoding,
			});
			const { items, error } = await employees({ returnAll: false, limit: 60, pageSize: 30 });
			expect(error).toBeUndefined();
			expect(ids(items)).toEqual(range(60, sh.employeeId));
			expect(sh.served.map((entry) => entry.pageNum)).toEqual([1, 2]);
		},
	);

	test.each(
		EMULATOR_REQUEST_STYLES.slice(1).map(
			(style) => [`${style.method} ${style.encoding}`, style] as const,
		),
	)(
		'the default (POST, JSON body) is refused by an app that uses %s: the setting is what decides',
		async (_label, style) => {
			sh.setRequestStyle(style);
			const { error } = await employees(
				{ returnAll: false, limit: 5, pageSize: 5 },
				{ credentials: { requestMethod: 'POST', parameterEncoding: 'json' } },
			);
			expect(error?.message).toMatch(/Shiheng error \[400(00|05)\]/);
		},
	);

	test('an unknown method in the credential is refused naming the field, before any request', async () => {
		const { error } = await employees(
			{ returnAll: false, limit: 5, pageSize: 5 },
			{ credentials: { requestMethod: 'PUT' } },
		);
		expect(error?.message).toMatch(/HTTP Method must be one of POST, GET.*"HTTP Method"/);
		expect(sh.emulator.count()).toBe(0);
	});
});

describe('the emulator stands on its own', () => {
	test('every signing preset the credential offers is one the emulator verifies', () => {
		expect([...EMULATOR_PRESETS]).toEqual(SIGN_PRESETS.map((preset) => preset.value));
	});
});
