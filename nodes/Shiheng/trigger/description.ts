import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions/options';
import { endpointPathField } from '../actions/common.descriptions';
import { CUSTOMER_MAX_PAGE_SIZE } from '../helpers/customerListing';
import { EMPLOYEE_DEFAULT_CONCURRENCY, EMPLOYEE_MAX_PAGE_SIZE } from '../helpers/employeeListing';
import type { EmployeeEventName } from '../helpers/changes';
import { DEFAULT_MAX_LEAVERS } from './state';

/** The Shiheng Trigger's fields. */

export type TriggerEvent = EmployeeEventName | 'customerAdded';

export const EMPLOYEE_EVENTS: EmployeeEventName[] = [
	'employeeJoined',
	'employeeChanged',
	'employeeLeft',
];

/** The employee fields a change of which can count (the employee-list doc's fields, id aside). */
const WATCHABLE_FIELDS: Array<{ name: string; value: string }> = [
	{ name: 'Address', value: 'address' },
	{ name: 'Avatar URL', value: 'avatarUrl' },
	{ name: 'Business Email', value: 'businessEmail' },
	{ name: 'Corp ID', value: 'corpId' },
	{ name: 'Email', value: 'emailAddress' },
	{ name: 'Follow User Flag', value: 'followUserFlag' },
	{ name: 'Gender', value: 'gender' },
	{ name: 'Mobile Number', value: 'mobileNumber' },
	{ name: 'Name', value: 'name' },
	{ name: 'Phone', value: 'phone' },
	{ name: 'QR Code URL', value: 'qrCodeUrl' },
	{ name: 'Status', value: 'status' },
	{ name: 'User ID', value: 'userId' },
	{ name: 'WeCom User ID', value: 'weComUserId' },
];

/** Remembered with Remember Previous Values even when not watched, so a leaver no longer listed can be acted on. */
export const IDENTITY_FIELDS = ['name', 'userId', 'weComUserId'];

export const properties: INodeProperties[] = [
	{
		displayName:
			'The first poll ever (or after the credential or a list path changed) only records the current employees and customers; later polls fire what changed since. Reactivated, the trigger reports what changed while it was off (Options → After Reactivation). Someone no longer listed leaves only when missing from 2 complete listings in a row, and a poll that would fire more leavers than 5% of the employees (at most 500) fails instead (Options). "Fetch Test Event" shows real data without changing what was recorded.',
		name: 'baselineNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['employeeChanged', 'employeeJoined', 'employeeLeft'],
		options: [
			{
				name: 'Customer Added',
				value: 'customerAdded',
				description:
					'A WeCom customer was added (the customer list is followed with its startId cursor)',
			},
			{
				name: 'Employee Changed',
				value: 'employeeChanged',
				description: 'One of the Changed Fields of an employee has a new value',
			},
			{
				name: 'Employee Joined',
				value: 'employeeJoined',
				description: 'An employee appeared in the list, or came back after having left (status 5)',
			},
			{
				name: 'Employee Left',
				value: 'employeeLeft',
				description:
					'An employee\'s status became 5 ("left the company"), or they are no longer listed',
			},
		],
	},
	endpointPathField({ events: EMPLOYEE_EVENTS }, 'WeCom employee list', {
		name: 'employeeListPath',
		displayName: 'Employee List Path',
	}),
	endpointPathField({ events: ['customerAdded'] }, 'WeCom customer list', {
		name: 'customerListPath',
		displayName: 'Customer List Path',
	}),
	{
		displayName: 'Changed Fields',
		name: 'watchedFields',
		type: 'multiOptions',
		displayOptions: { show: { events: ['employeeChanged'] } },
		default: ['businessEmail', 'emailAddress', 'mobileNumber', 'name', 'status', 'userId'],
		options: WATCHABLE_FIELDS,
		description:
			'Which fields count for Employee Changed. Each watched field adds 3 bytes per employee to what the trigger remembers.',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of each employee instead of the raw data',
	},
	optionsCollection({
		tuning: { concurrency: EMPLOYEE_DEFAULT_CONCURRENCY },
		own: [
			{
				displayName: 'After Reactivation',
				name: 'onReactivation',
				type: 'options',
				default: 'reportChanges',
				options: [
					{
						name: 'Report What Changed While Off',
						value: 'reportChanges',
						description:
							'The first poll compares with what was recorded before: a leaver while the trigger was off still leaves (Max Leavers per Poll still applies)',
					},
					{
						name: 'Start From Now',
						value: 'startFromNow',
						description:
							'The first poll records anew and fires nothing; what changed while the trigger was off is not reported',
					},
				],
				description:
					'What the first poll after the workflow is activated again (or n8n restarts) does',
			},
			{
				displayName: 'Confirm Absence Over',
				name: 'confirmAbsenceOver',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 2,
				description:
					'In how many complete listings in a row an employee must be missing before Employee Left (not listed) fires. Someone listed again in between never left. With 1, a poll that would fire it reads the whole list a second time and needs the very same IDs. Status 5 ("left the company") always fires at once.',
			},
			{
				displayName: 'Customer Page Size',
				name: 'customerPageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: CUSTOMER_MAX_PAGE_SIZE },
				default: CUSTOMER_MAX_PAGE_SIZE,
				description: 'Customers per request (pageSize), 1 to 100',
			},
			{
				displayName: 'Employee Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: EMPLOYEE_MAX_PAGE_SIZE },
				default: EMPLOYEE_MAX_PAGE_SIZE,
				description: 'Employees per request (pageSize), 1 to 50',
			},
			{
				displayName: 'Max Leavers per Poll',
				name: 'maxLeavers',
				type: 'string',
				default: DEFAULT_MAX_LEAVERS,
				placeholder: 'e.g. 20 or 5% or 5%, 500',
				description:
					'A poll that would fire more Employee Left events than this fires nothing, keeps what it recorded and fails, so a wrong credential or a broken list cannot close many accounts at once. A number, a share of the known employees (e.g. 5%), or both separated by a comma (the stricter applies). To let a real wave of leavers through, raise it: the next poll fires them.',
			},
			{
				displayName: 'Remember Previous Values',
				name: 'rememberPreviousValues',
				type: 'boolean',
				default: false,
				description:
					"Whether to remember the values of the Changed Fields and of name, user ID and WeCom user ID, so Employee Changed gives each field's previous value and an employee who is no longer listed leaves with what was last known of them. Off, the trigger remembers a short fingerprint per employee (about 30 bytes) and gives previous values only for the status.",
			},
		],
	}),
];
