import type { IDataObject } from 'n8n-workflow';

import { EMPLOYEE_MAX_PAGE_SIZE } from '../../nodes/Shiheng/helpers/employeeListing';
import { encodeSignedParams } from '../../nodes/Shiheng/transport/requestStyle';
import { signParams } from '../../nodes/Shiheng/transport/auth';
import { readConnection } from '../../nodes/Shiheng/transport/connection';
import { Redactor } from '../../nodes/shared/redact';
import { vendorPage } from '../fixtures/vendor-pages';
import type { ShihengEmulatorHandle } from '../emulators/shiheng';
import { hintsOf } from '../harness/run-workflow';
import { employees as listEmployees, useShihengEmulator } from './fixtures';

/**
 * The seed contract: Shiheng's own employee-list page, transcribed in
 * test/fixtures/vendor-pages/shiheng-employee-list.json (its drift check keeps it equal to the
 * page), against what the node sends and how it reads the page's example answer.
 */

const seed = vendorPage('shiheng-employee-list').page;
const exampleAnswer = JSON.parse(seed.example) as {
	code: string;
	traceId: string;
	result: { pages: number; total: number; result: IDataObject[] };
};

/** Whether a value has the seed's type (the doc's words: string, integer, object, boolean, object[]). */
function hasSeedType(value: unknown, type: string): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		case 'boolean':
			return typeof value === 'boolean';
		case 'object':
			return value !== null && typeof value === 'object' && !Array.isArray(value);
		case 'object[]':
			return Array.isArray(value);
		default:
			throw new Error(`The seed names a type this test does not know: ${type}`);
	}
}

const emulator = useShihengEmulator({ employees: 100, customers: 10 });
let sh: ShihengEmulatorHandle;
beforeAll(() => {
	sh = emulator();
});

describe('the seed page as this test reads it', () => {
	test('has the common parameters, paramContent with pageNum and pageSize, the employee fields and an example answer', () => {
		expect(seed.request.map((row) => row.name)).toEqual([
			'appId',
			'sign',
			'version',
			'timestamp',
			'paramContent',
		]);
		expect(
			seed.request.find((row) => row.name === 'paramContent')?.children.map((row) => row.name),
		).toEqual(['pageNum', 'pageSize']);
		expect(seed.response.map((row) => row.name)).toEqual(['pages', 'total', 'result']);
		expect(
			seed.response.find((row) => row.name === 'result')?.children.length,
		).toBeGreaterThanOrEqual(15);
		expect(exampleAnswer.result.result.length).toBeGreaterThan(0);
	});
});

describe('what the client sends (POST with a JSON body, the default convention)', () => {
	test("the seed's field names, nesting and types, and nothing else", async () => {
		const { error } = await listEmployees(sh, { returnAll: false, limit: 3, pageSize: 3 });
		expect(error).toBeUndefined();
		const sent = sh.received[0].params;
		expect(Object.keys(sent).sort()).toEqual(seed.request.map((row) => row.name).sort());
		for (const row of seed.request) {
			if (row.required) expect(sent).toHaveProperty(row.name);
			expect({ field: row.name, ok: hasSeedType(sent[row.name], row.type) }).toEqual({
				field: row.name,
				ok: true,
			});
			const nested = sent[row.name] as Record<string, unknown>;
			if (row.children.length > 0)
				expect(Object.keys(nested).sort()).toEqual(row.children.map((child) => child.name).sort());
			for (const child of row.children) {
				expect({
					field: `${row.name}.${child.name}`,
					ok: hasSeedType(nested[child.name], child.type),
				}).toEqual({ field: `${row.name}.${child.name}`, ok: true });
			}
		}
		expect(sent.paramContent).toEqual({ pageNum: 1, pageSize: 3 });
	});

	test("the node's page-size bounds are the seed's (pageNum ≥ 1, pageSize 1~50)", async () => {
		const paramContent = seed.request.find((row) => row.name === 'paramContent')!;
		const pageNum = paramContent.children.find((row) => row.name === 'pageNum')!;
		const pageSize = paramContent.children.find((row) => row.name === 'pageSize')!;
		expect(pageNum.text).toMatch(/\[>=\s*1\]/);
		const [, min, max] = /\[(\d+)~(\d+)\]/.exec(pageSize.text) ?? [];
		expect(Number(min)).toBe(1);
		expect(Number(max)).toBe(EMPLOYEE_MAX_PAGE_SIZE);
		const refused = await listEmployees(sh, {
			returnAll: false,
			limit: 1,
			pageSize: Number(max) + 1,
		});
		expect(refused.error?.message).toContain(`from ${min} to ${max}`);
	});
});

describe("the seed's example answer, served byte for byte", () => {
	beforeEach(() => sh.serveEmployeeAnswerText(seed.example));

	test('the emulator serves exactly the text of the page', async () => {
		const connection = readConnection(sh.credentials, new Redactor());
		const wire = encodeSignedParams(
			signParams({ paramContent: { pageNum: 1, pageSize: 2 } }, connection),
			connection.requestStyle,
		);
		const response = await fetch(`${sh.baseUrl}${sh.employeePath}`, {
			method: wire.method,
			headers: { 'content-type': wire.contentType ?? '' },
			body: wire.body,
		});
		expect(
			Buffer.from(await response.arrayBuffer()).equals(Buffer.from(seed.example, 'utf8')),
		).toBe(true);
	});

	test('raw output: every employee of the example, every field kept, nulls kept, status 6 an unknown status (not dropped, not mislabelled)', async () => {
		const { items, error } = await listEmployees(sh, {
			returnAll: false,
			limit: 2,
			pageSize: 2,
			simplify: false,
		});
		expect(error).toBeUndefined();
		const expected = exampleAnswer.result.result.slice(0, 2);
		expect(items.map((item) => item.json)).toEqual(
			expected.map((employee) => ({
				...employee,
				status: `unknown:${String(employee.status)}`,
				statusCode: employee.status,
			})),
		);
		const fields = seed.response.find((row) => row.name === 'result')!.children;
		for (const item of items) {
			for (const field of fields) expect(item.json).toHaveProperty(field.name);
		}
		expect(items[0].json).toMatchObject({
			status: 'unknown:6',
			statusCode: 6,
			userId: null,
			mobileNumber: null,
			followUserFlag: false,
		});
	});

	test('simplified output keeps the unknown status and the nulls of the simplified fields', async () => {
		const { items } = await listEmployees(sh, { returnAll: false, limit: 2, pageSize: 2 });
		const first = exampleAnswer.result.result[0];
		expect(items[0].json).toEqual({
			id: first.id,
			weComUserId: first.weComUserId,
			userId: null,
			name: first.name,
			status: 'unknown:6',
			statusCode: 6,
			corpId: first.corpId,
			followUserFlag: false,
			mobileNumber: null,
			phone: null,
			emailAddress: null,
			businessEmail: null,
		});
	});

	test('pages is the page count and total the number of employees, as the seed says', async () => {
		const { pages, total } = exampleAnswer.result;
		const result = await listEmployees(sh, {
			returnAll: true,
			pageSize: 2,
			options: { concurrency: 8, addListingDetails: true },
		});
		expect(result.error).toBeUndefined();
		// pages: the node asked for pages 1..pages on every read, and no further.
		const firstRead = sh.served
			.slice(0, pages)
			.map((entry) => entry.pageNum)
			.sort((a, b) => a! - b!);
		expect(firstRead).toEqual(Array.from({ length: pages }, (_, index) => index + 1));
		expect(Math.max(...sh.served.map((entry) => entry.pageNum!))).toBe(pages);
		// total: every page repeats the same two employees, so the listing cannot reach it; the node says so.
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.listing).toMatchObject({
			total,
			pages,
			complete: false,
			passes: 3,
			traceId: exampleAnswer.traceId,
		});
		expect(hintsOf(result)[0]?.message).toContain(
			`Shiheng stated ${total} employees, but 2 different ones were read`,
		);
	});
});
