import { DEPARTMENT_CODES } from '../../nodes/WeLink/helpers/codes';
import { WELINK_PATHS } from '../../nodes/WeLink/transport/client';
import { DEPARTMENT_BATCH, USERS_PAGE_MAX } from '../../nodes/WeLink/transport/limits';
import { runNode } from '../harness/run-workflow';

import {
	DEPARTMENTS_BULK,
	DEPARTMENTS_STATUS,
	USERS_OF_DEPARTMENT,
	USERS_UPDATE,
} from './contact-facts';
import { TYPE, creds, currentEmulator, useWeLinkEmulator } from './fixtures';

/**
 * The contact endpoints beyond the seed (departments): paths, field names and nesting as
 * vendor-facts records them (contact-facts.ts, with its source), checked on what the node sends.
 */

useWeLinkEmulator({ latencyMs: 1, demoPersons: 1, departmentPolls: 0 });

const entriesOf = (body: unknown, field: string): Array<Record<string, unknown>> => {
	expect(body).toEqual({ [field]: expect.any(Array) });
	return (body as Record<string, Array<Record<string, unknown>>>)[field];
};

describe('WeLink departments contract', () => {
	test('paths and the batch limit are the published ones', () => {
		expect(WELINK_PATHS.departmentBulk).toBe(`/api${DEPARTMENTS_BULK.path}`);
		expect(WELINK_PATHS.departmentStatus).toBe(`/api${DEPARTMENTS_STATUS.path}`);
		expect(DEPARTMENT_BATCH).toBe(DEPARTMENTS_BULK.maxPerRequest);
	});

	test('the user endpoints: paths, the page-size limit, and answers at the published method and path', async () => {
		expect(WELINK_PATHS.userUpdate).toBe(`/api${USERS_UPDATE.path}`);
		expect(WELINK_PATHS.departmentUsers).toBe(`/api${USERS_OF_DEPARTMENT.path}`);
		expect(USERS_PAGE_MAX).toBe(USERS_OF_DEPARTMENT.maxPageSize);
		// The emulator routes by method and path as the facts give them: an answer means both matched.
		const listed = await runNode({
			type: TYPE,
			items: [{}],
			parameters: {
				resource: 'user',
				operation: 'getMany',
				deptCode: 'D001',
				returnAll: true,
				pageSize: 50,
				options: {},
			},
			credentials: creds(),
		});
		const updated = await runNode({
			type: TYPE,
			items: [{}],
			parameters: {
				resource: 'user',
				operation: 'update',
				corpUserId: 'demo0001',
				updateFields: { userNameEn: 'A' },
				options: {},
			},
			credentials: creds(),
		});
		expect(listed.error).toBeUndefined();
		expect(listed.items.length).toBeGreaterThan(0);
		expect(updated.items[0]?.json).toMatchObject({ corpUserId: 'demo0001', accepted: true });
	});

	test('the status codes mean what the facts say', () => {
		expect(
			Object.fromEntries(
				Object.entries(DEPARTMENT_CODES).map(([code, known]) => [code, known.state]),
			),
		).toEqual(DEPARTMENTS_STATUS.codes);
	});

	test('Submit sends deptInfo[] with exactly the published field names, as text; Get Status sends deptInfo[{corpDeptCode}]', async () => {
		const welink = currentEmulator();
		const items = Array.from({ length: 11 }, (_, i) => ({ code: `K${i}` }));
		const result = await runNode({
			type: TYPE,
			items,
			parameters: {
				resource: 'department',
				operation: 'submit',
				corpDeptCode: '={{ $json.code }}',
				corpParentCode: DEPARTMENTS_BULK.topParentCode,
				deptNameCn: '合同部',
				additionalFields: {
					deptNameEn: 'Contracts',
					deptLevel: '1',
					managerId: 'm-1',
					orderNo: '3',
					valid: false,
				},
				options: { waitForParents: false },
			},
			credentials: creds(),
		});
		expect(result.error).toBeUndefined();
		const bodies = welink.bodiesOf(WELINK_PATHS.departmentBulk);
		expect(bodies.map((body) => entriesOf(body, DEPARTMENTS_BULK.listField).length)).toEqual([
			10, 1,
		]);
		const entry = entriesOf(bodies[0], DEPARTMENTS_BULK.listField)[0];
		expect(Object.keys(entry).sort()).toEqual([...DEPARTMENTS_BULK.fields].sort());
		expect(entry).toMatchObject({
			corpDeptCode: 'K0',
			corpParentCode: '0',
			valid: DEPARTMENTS_BULK.removeValid,
		});
		expect(Object.values(entry).every((value) => typeof value === 'string')).toBe(true);

		await runNode({
			type: TYPE,
			items: [{ code: 'K0' }],
			parameters: {
				resource: 'department',
				operation: 'getStatus',
				corpDeptCode: '={{ $json.code }}',
				options: {},
			},
			credentials: creds(),
		});
		const status = entriesOf(
			welink.bodiesOf(WELINK_PATHS.departmentStatus)[0],
			DEPARTMENTS_STATUS.listField,
		);
		expect(status).toEqual([{ corpDeptCode: 'K0' }]);
		expect(Object.keys(status[0])).toEqual([...DEPARTMENTS_STATUS.entryFields]);
	});
});
