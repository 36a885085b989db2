import type { IDataObject } from 'n8n-workflow';

import { CODE_TYPES } from '../../nodes/AliyunIot/helpers/codes';
import { ALIYUN_IOT_PATHS, API_VERSIONS } from '../../nodes/AliyunIot/transport/client';
import { vendorPage } from '../fixtures/vendor-pages';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import { testCredential } from '../harness/credential-test';
import { createParams, runAliyun, visibleText } from './fixtures';

/**
 * The contract with the vendor's own page for createbyauthcode, transcribed in
 * test/fixtures/vendor-pages/aliyun-createbyauthcode.json (its drift check keeps it equal to the
 * page): its path, version and request example against what the client sends; its success and
 * error examples, served byte for byte, against what the node outputs and reports; its error table
 * against the credential Test.
 */

/** Field names, nesting and value types of a JSON value (not the values). */
function shape(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(shape);
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((key) => [key, shape((value as Record<string, unknown>)[key])]),
		);
	}
	return value === null ? 'null' : typeof value;
}

const { page } = vendorPage('aliyun-createbyauthcode');

const seedPath = page.endpoint.path;
const seedVersion = page.endpoint.version;
const requestExample = JSON.parse(page.examples.request) as {
	version: string;
	request: { apiVer: string };
	params: { authCode: string; codeType: string };
};
const successText = page.examples.success;
const errorText = page.examples.failure;
const successExample = JSON.parse(successText) as { data: IDataObject };
const errorExample = JSON.parse(errorText) as {
	code: number;
	message: string;
	localizedMsg: string;
};

let handle: AliyunIotEmulatorHandle;

beforeAll(async () => {
	handle = await startAliyunIotEmulator({ employees: 3, authCodes: [] });
});
afterAll(async () => await handle.stop());
beforeEach(() => handle.emulator.resetCounters());

/** One Create by Auth Code with the page's own example auth code, answered with `answer`. */
async function createAnswered(answer: string | object, continueOnFail = false) {
	handle.addAuthCode(requestExample.params.authCode);
	handle.answerNextWith(ALIYUN_IOT_PATHS.createByAuthCode, answer);
	return await runAliyun(handle, createParams(requestExample.params.authCode, CODE_TYPES[0]), {
		continueOnFail,
	});
}

test('the page is the one the node calls: same path, same version, same code types', () => {
	expect(seedPath).toBe(ALIYUN_IOT_PATHS.createByAuthCode);
	expect(seedPath).toBe(ALIYUN_PATHS.createByAuthCode);
	expect(seedVersion).toBe(API_VERSIONS.createByAuthCode);
	expect(requestExample.request.apiVer).toBe(seedVersion);
	// "authcode的类型(AUTH_CODE表示pc端登陆,SESSION_ID表示app端登陆)": the values Code Type offers.
	expect([...page.codeTypes].sort()).toEqual([...CODE_TYPES].sort());
});

test('the client sends the envelope of the request example: field names, nesting, types and fixed values', async () => {
	const result = await createAnswered(successText);
	expect(result.error).toBeUndefined();
	const [sent] = handle.receivedEnvelopes(ALIYUN_IOT_PATHS.createByAuthCode).slice(-1);
	expect(shape(sent)).toEqual(shape(requestExample));
	expect(sent.version).toBe(requestExample.version);
	expect(sent.request?.apiVer).toBe(requestExample.request.apiVer);
	expect(sent.params).toEqual({
		authCode: requestExample.params.authCode,
		codeType: CODE_TYPES[0],
	});
	expect(typeof sent.id).toBe('string');
});

test('the success example, served byte for byte, becomes one output item holding its whole data', async () => {
	const result = await createAnswered(successText);
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	expect(result.items[0].pairedItem).toEqual({ item: 0 });
	expect(result.items[0].json).toEqual(successExample.data);
	// Every field the page's answer table lists under data, and only those.
	const documented = page.dataFields;
	expect(documented).toHaveLength(10);
	expect(Object.keys(result.items[0].json).sort()).toEqual([...documented].sort());
	expect(handle.createByAuthCodeCount()).toBeGreaterThanOrEqual(1);
});

test('the error example, served byte for byte, is the documented error on its item, and the create is not sent again', async () => {
	const stopped = await createAnswered(errorText);
	const error = stopped.error as
		(Error & { errorResponse?: IDataObject; context?: IDataObject }) | undefined;
	expect(error?.message).toContain(`[${errorExample.code}]`);
	expect(error?.message).toContain(errorExample.message);
	expect(error?.message).toContain(errorExample.localizedMsg);
	expect(error?.message).toMatch(/item 0/);
	expect(error?.errorResponse).toMatchObject({
		code: String(errorExample.code),
		message: errorExample.message,
		localizedMessage: errorExample.localizedMsg,
	});
	expect(error?.context).toMatchObject({ itemIndex: 0 });
	// One request, with retries allowed (Max Retries 3 by default): an auth code is single-use.
	expect(handle.emulator.count(ALIYUN_IOT_PATHS.createByAuthCode)).toBe(1);

	handle.emulator.resetCounters();
	const continued = await createAnswered(errorText, true);
	expect(continued.items).toHaveLength(1);
	expect(continued.items[0].pairedItem).toEqual({ item: 0 });
	expect(String(continued.items[0].json.error)).toContain(
		`[${errorExample.code}]: ${errorExample.message} (${errorExample.localizedMsg}) (item 0)`,
	);
	expect(handle.emulator.count(ALIYUN_IOT_PATHS.createByAuthCode)).toBe(1);
	expect(visibleText(continued)).not.toContain(handle.appSecret);
});

const bodyRows = page.errors.filter((row) => row.httpCode === 200);
const httpRows = page.errors.filter((row) => row.httpCode !== 200);

test('the page lists error codes in HTTP 200 bodies and HTTP refusals', () => {
	expect(bodyRows.length).toBeGreaterThanOrEqual(15);
	expect(httpRows.length).toBeGreaterThanOrEqual(5);
});

describe('every error code of the page fails the credential Test with its message', () => {
	test.each(bodyRows.map((row) => [row.code, row.text] as const))(
		'HTTP 200, code %s: %s',
		async (code, text) => {
			handle.answerNextWith(ALIYUN_IOT_PATHS.ping, {
				id: 'contract',
				code,
				message: text,
				localizedMsg: null,
				data: null,
			});
			const result = await testCredential('aliyunIotApi', handle.credentials);
			expect(result.ok).toBe(false);
			expect(result.message).toContain(`code ${code}`);
			// The row's message and its Chinese description are what the Test shows.
			const words = text.split(' ');
			const english = words.filter((word) => !/[\u4e00-\u9fff]/.test(word));
			expect(result.message.toLowerCase()).toContain(english.slice(0, 2).join(' ').toLowerCase());
			for (const chinese of words.filter((word) => /[\u4e00-\u9fff]/.test(word)))
				expect(result.message).toContain(chinese);
		},
	);

	test.each(httpRows.map((row) => [row.httpCode, row.text] as const))(
		'HTTP %s: %s',
		async (status, text) => {
			// For as long as it lasts: n8n itself sends a request again once after an HTTP 401.
			handle.emulator.injectFault({
				path: ALIYUN_IOT_PATHS.ping,
				times: 3,
				fault: {
					kind: 'status',
					status,
					headers: { 'X-Ca-Error-Message': text },
					json: { code: status, message: text, localizedMsg: null, data: null },
				},
			});
			const result = await testCredential('aliyunIotApi', handle.credentials);
			expect(result.ok).toBe(false);
			handle.emulator.clearFaults();
		},
	);
});

test.each(bodyRows.map((row) => [row.code, row.text] as const))(
	'Create by Auth Code reports code %s (%s) on its item and sends the code once',
	async (code, text) => {
		const result = await createAnswered(
			{ id: 'contract', code, message: text, localizedMsg: null, data: null },
			true,
		);
		expect(String(result.items[0].json.error)).toContain(`[${code}]: ${text} (item 0)`);
		expect(handle.emulator.count(ALIYUN_IOT_PATHS.createByAuthCode)).toBe(1);
	},
);
