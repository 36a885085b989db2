import type { IDataObject } from 'n8n-workflow';

import { CODE_TYPES } from '../../nodes/AliyunIot/helpers/codes';
import { API_VERSIONS, PATHS } from '../../nodes/AliyunIot/transport/client';
import { seedPage } from '../harness/seeds';
import { ALIYUN_PATHS, startAliyunIotEmulator } from '../emulators/aliyun';
import type { AliyunIotEmulatorHandle } from '../emulators/aliyun';
import { testCredential } from '../harness/credential-test';
import { createParams, runAliyun, visibleText } from './fixtures';

/**
 * The contract with the vendor's own page for createbyauthcode (the seed), read at test time:
 * its path, version and request example against what the client sends; its success and error
 * examples, served byte for byte, against what the node outputs and reports; its error table
 * against the credential Test. Nothing of the page is copied into this file.
 */

/** The line after a label line (`路径 /x`, `版本号 1.0.0`): its value. */
function labelled(page: string, label: string): string {
	const line = page.split('\n').find((entry) => entry.startsWith(`${label} `));
	if (!line) throw new Error(`The seed page has no "${label}" line`);
	return line.slice(label.length + 1).trim();
}

/** The literal JSON text of the first object after a heading, exactly as the page has it. */
function jsonAfter(page: string, heading: string): string {
	const at = page.indexOf(heading);
	if (at < 0) throw new Error(`The seed page has no "${heading}"`);
	const start = page.indexOf('{', at);
	let depth = 0;
	let inString = false;
	for (let index = start; index < page.length; index++) {
		const char = page[index];
		if (inString) {
			if (char === '\\') index++;
			else if (char === '"') inString = false;
		} else if (char === '"') inString = true;
		else if (char === '{') depth++;
		else if (char === '}' && --depth === 0) return page.slice(start, index + 1);
	}
	throw new Error(`The JSON after "${heading}" does not end`);
}

/** The fields the page's answer table (返回数据) lists under `data`. */
function documentedDataFields(page: string): string[] {
	const start = page.indexOf('返回数据');
	const lines = page.slice(start, page.indexOf('\n示例\n', start)).split('\n').map((line) => line.trim());
	const dataAt = lines.indexOf('data JSON');
	if (start < 0 || dataAt < 0) throw new Error('The seed page has no answer table with data');
	return lines.slice(dataAt + 1).filter((line) => /^\w+ String$/.test(line)).map((line) => line.split(' ')[0]);
}

interface ErrorRow {
	httpCode: number;
	code: number;
	/** The row's message and description as the page gives them. */
	text: string;
}

/** The rows of the page's error table (HttpCode, code, message, description), each once. */
function errorRows(page: string): ErrorRow[] {
	const table = page.slice(page.indexOf('错误码'));
	const rows = new Map<string, ErrorRow>();
	for (const line of table.split('\n')) {
		const match = /^(\d{3}) (\d+) (.+)$/.exec(line.trim());
		if (match) rows.set(line.trim(), { httpCode: Number(match[1]), code: Number(match[2]), text: match[3] });
	}
	return [...rows.values()];
}

/** Field names, nesting and value types of a JSON value (not the values). */
function shape(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(shape);
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.keys(value).sort().map((key) => [key, shape((value as Record<string, unknown>)[key])]));
	}
	return value === null ? 'null' : typeof value;
}

const page = seedPage('createbyauthcode', (text) =>
	text.split('\n').some((line) => line.startsWith('路径 ') && line.trim().endsWith('/createbyauthcode')),
).text.replace(/\r\n/g, '\n');

const seedPath = labelled(page, '路径');
const seedVersion = labelled(page, '版本号');
const requestExample = JSON.parse(jsonAfter(page, '请求示例')) as {
	version: string;
	request: { apiVer: string };
	params: { authCode: string; codeType: string };
};
const successText = jsonAfter(page, '正常返回示例');
const errorText = jsonAfter(page, '异常返回示例');
const successExample = JSON.parse(successText) as { data: IDataObject };
const errorExample = JSON.parse(errorText) as { code: number; message: string; localizedMsg: string };

let handle: AliyunIotEmulatorHandle;

beforeAll(async () => {
	handle = await startAliyunIotEmulator({ employees: 3, authCodes: [] });
});
afterAll(async () => await handle.stop());
beforeEach(() => handle.emulator.resetCounters());

/** One Create by Auth Code with the page's own example auth code, answered with `answer`. */
async function createAnswered(answer: string | object, continueOnFail = false) {
	handle.addAuthCode(requestExample.params.authCode);
	handle.answerNextWith(PATHS.createByAuthCode, answer);
	return await runAliyun(handle, createParams(requestExample.params.authCode, CODE_TYPES[0]), { continueOnFail });
}

test('the page is the one the node calls: same path, same version, same code types', () => {
	expect(seedPath).toBe(PATHS.createByAuthCode);
	expect(seedPath).toBe(ALIYUN_PATHS.createByAuthCode);
	expect(seedVersion).toBe(API_VERSIONS.createByAuthCode);
	expect(requestExample.request.apiVer).toBe(seedVersion);
	// "authcode的类型(AUTH_CODE表示pc端登陆,SESSION_ID表示app端登陆)": the values Code Type offers.
	const codeTypeLine = page.split('\n').find((line) => line.startsWith('codeType '));
	expect([...new Set(codeTypeLine?.match(/[A-Z]+_[A-Z]+/g))].sort()).toEqual([...CODE_TYPES].sort());
});

test('the client sends the envelope of the request example: field names, nesting, types and fixed values', async () => {
	const result = await createAnswered(successText);
	expect(result.error).toBeUndefined();
	const [sent] = handle.receivedEnvelopes(PATHS.createByAuthCode).slice(-1);
	expect(shape(sent)).toEqual(shape(requestExample));
	expect(sent.version).toBe(requestExample.version);
	expect(sent.request?.apiVer).toBe(requestExample.request.apiVer);
	expect(sent.params).toEqual({ authCode: requestExample.params.authCode, codeType: CODE_TYPES[0] });
	expect(typeof sent.id).toBe('string');
});

test('the success example, served byte for byte, becomes one output item holding its whole data', async () => {
	const result = await createAnswered(successText);
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	expect(result.items[0].pairedItem).toEqual({ item: 0 });
	expect(result.items[0].json).toEqual(successExample.data);
	// Every field the page's answer table lists under data, and only those.
	const documented = documentedDataFields(page);
	expect(documented).toHaveLength(10);
	expect(Object.keys(result.items[0].json).sort()).toEqual([...documented].sort());
	expect(handle.createByAuthCodeCount()).toBeGreaterThanOrEqual(1);
});

test('the error example, served byte for byte, is the documented error on its item, and the create is not sent again', async () => {
	const stopped = await createAnswered(errorText);
	const error = stopped.error as (Error & { errorResponse?: IDataObject; context?: IDataObject }) | undefined;
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
	expect(handle.emulator.count(PATHS.createByAuthCode)).toBe(1);

	handle.emulator.resetCounters();
	const continued = await createAnswered(errorText, true);
	expect(continued.items).toHaveLength(1);
	expect(continued.items[0].pairedItem).toEqual({ item: 0 });
	expect(String(continued.items[0].json.error)).toContain(`[${errorExample.code}]: ${errorExample.message} (${errorExample.localizedMsg}) (item 0)`);
	expect(handle.emulator.count(PATHS.createByAuthCode)).toBe(1);
	expect(visibleText(continued)).not.toContain(handle.appSecret);
});

const bodyRows = errorRows(page).filter((row) => row.httpCode === 200);
const httpRows = errorRows(page).filter((row) => row.httpCode !== 200);

test('the page lists error codes in HTTP 200 bodies and HTTP refusals', () => {
	expect(bodyRows.length).toBeGreaterThanOrEqual(15);
	expect(httpRows.length).toBeGreaterThanOrEqual(5);
});

describe('every error code of the page fails the credential Test with its message', () => {
	test.each(bodyRows.map((row) => [row.code, row.text] as const))('HTTP 200, code %s: %s', async (code, text) => {
		handle.answerNextWith(PATHS.ping, { id: 'contract', code, message: text, localizedMsg: null, data: null });
		const result = await testCredential('aliyunIotApi', handle.credentials);
		expect(result.ok).toBe(false);
		expect(result.message).toContain(`code ${code}`);
		// The row's message and its Chinese description are what the Test shows.
		const words = text.split(' ');
		const english = words.filter((word) => !/[\u4e00-\u9fff]/.test(word));
		expect(result.message.toLowerCase()).toContain(english.slice(0, 2).join(' ').toLowerCase());
		for (const chinese of words.filter((word) => /[\u4e00-\u9fff]/.test(word))) expect(result.message).toContain(chinese);
	});

	test.each(httpRows.map((row) => [row.httpCode, row.text] as const))('HTTP %s: %s', async (status, text) => {
		// For as long as it lasts: n8n itself sends a request again once after an HTTP 401.
		handle.emulator.injectFault({
			path: PATHS.ping,
			times: 3,
			fault: { kind: 'status', status, headers: { 'X-Ca-Error-Message': text }, json: { code: status, message: text, localizedMsg: null, data: null } },
		});
		const result = await testCredential('aliyunIotApi', handle.credentials);
		expect(result.ok).toBe(false);
		handle.emulator.clearFaults();
	});
});

test.each(bodyRows.map((row) => [row.code, row.text] as const))(
	'Create by Auth Code reports code %s (%s) on its item and sends the code once',
	async (code, text) => {
		const result = await createAnswered({ id: 'contract', code, message: text, localizedMsg: null, data: null }, true);
		expect(String(result.items[0].json.error)).toContain(`[${code}]: ${text} (item 0)`);
		expect(handle.emulator.count(PATHS.createByAuthCode)).toBe(1);
	},
);
