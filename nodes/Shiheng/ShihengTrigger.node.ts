import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { egressFilterOf } from '../shared/egress';
import { toNodeError } from '../shared/errors';
import { requestTuningFields } from '../shared/node-kit';
import { Redactor } from '../shared/redact';
import { intInRange } from '../shared/validate';
import { endpointPathField } from './actions/common.descriptions';
import { CUSTOMER_MAX_PAGE_SIZE, readCustomers } from './actions/customer/getAll.operation';
import type { Cursor } from './actions/customer/getAll.operation';
import { EMPLOYEE_DEFAULT_CONCURRENCY, EMPLOYEE_MAX_PAGE_SIZE, readEmployees } from './actions/employee/getAll.operation';
import { baseline, diffEmployees } from './helpers/changes';
import type { EmployeeEventName, EmployeeMemory } from './helpers/changes';
import { employeeEventJson, readableEmployee } from './helpers/output';
import { clientFor, endpointPath } from './transport/client';
import type { ShihengClient } from './transport/client';
import { readConnection } from './transport/connection';

type TriggerEvent = EmployeeEventName | 'customerAdded';

const EMPLOYEE_EVENTS: EmployeeEventName[] = ['employeeJoined', 'employeeChanged', 'employeeLeft'];

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


const STATE_VERSION = 1;

/** Remembered with Remember Previous Values even when not watched, so a leaver no longer listed can be acted on. */
const IDENTITY_FIELDS = ['name', 'userId', 'weComUserId'];

/** What the trigger keeps in the workflow's static data (per node). */
interface TriggerState extends IDataObject {
	version?: number;
	employees?: EmployeeMemory & IDataObject;
	customers?: { startId: Cursor } & IDataObject;
}

const properties: INodeProperties[] = [
	{
		displayName:
			'The first poll after activation only records the current employees and customers; later polls fire what changed since. "Fetch Test Event" shows real data without changing what was recorded.',
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
				description: 'A WeCom customer was added (the customer list is followed with its startId cursor)',
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
				description: 'An employee\'s status became 5 ("left the company"), or they are no longer listed',
			},
		],
	},
	endpointPathField({ events: EMPLOYEE_EVENTS }, 'WeCom employee list', { name: 'employeeListPath', displayName: 'Employee List Path' }),
	endpointPathField({ events: ['customerAdded'] }, 'WeCom customer list', { name: 'customerListPath', displayName: 'Customer List Path' }),
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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: ([
			...requestTuningFields({ concurrency: EMPLOYEE_DEFAULT_CONCURRENCY }),
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
				displayName: 'Remember Previous Values',
				name: 'rememberPreviousValues',
				type: 'boolean',
				default: false,
				description:
					'Whether to remember the values of the Changed Fields and of name, user ID and WeCom user ID, so Employee Changed gives each field\'s previous value and an employee who is no longer listed leaves with what was last known of them. Off, the trigger remembers a short fingerprint per employee (about 30 bytes) and gives previous values only for the status.',
			},
		] as INodeProperties[]).sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];

interface PollSettings {
	events: Set<TriggerEvent>;
	/** What is remembered per employee besides the status (always kept exactly). */
	fields: string[];
	/** The watched fields among them (Employee Changed). */
	compare: string[];
	watchStatus: boolean;
	keepValues: boolean;
	simplify: boolean;
	pageSize: number;
	customerPageSize: number;
	concurrency: number;
	client: ShihengClient;
	employeePath?: string;
	customerPath?: string;
}

function readSettings(ctx: IPollFunctions, redactor: Redactor, credentials: ICredentialDataDecryptedObject): PollSettings {
	const events = new Set(ctx.getNodeParameter('events', []) as TriggerEvent[]);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const connection = readConnection(credentials, redactor);
	const { client, concurrency } = clientFor(connection, redactor, undefined, egressFilterOf(ctx), options, {
		concurrency: EMPLOYEE_DEFAULT_CONCURRENCY,
	});
	const watchesEmployees = EMPLOYEE_EVENTS.some((event) => events.has(event));
	// Only Employee Changed needs field fingerprints; the status is always kept exactly.
	const watched = events.has('employeeChanged') ? (ctx.getNodeParameter('watchedFields', []) as string[]) : [];
	const keepValues = options.rememberPreviousValues === true;
	const compare = watched.filter((field) => field !== 'status').sort();
	return {
		events,
		fields: keepValues ? [...new Set([...compare, ...IDENTITY_FIELDS])].sort() : compare,
		compare,
		watchStatus: watched.includes('status'),
		keepValues,
		simplify: ctx.getNodeParameter('simplify', true) as boolean,
		pageSize: intInRange(options.pageSize ?? EMPLOYEE_MAX_PAGE_SIZE, 'Employee Page Size', 1, EMPLOYEE_MAX_PAGE_SIZE),
		customerPageSize: intInRange(options.customerPageSize ?? CUSTOMER_MAX_PAGE_SIZE, 'Customer Page Size', 1, CUSTOMER_MAX_PAGE_SIZE),
		concurrency,
		client,
		employeePath: watchesEmployees ? endpointPath(ctx.getNodeParameter('employeeListPath', ''), 'Employee List Path') : undefined,
		customerPath: events.has('customerAdded') ? endpointPath(ctx.getNodeParameter('customerListPath', ''), 'Customer List Path') : undefined,
	};
}

/** "Fetch Test Event": one real employee and customer shaped as each chosen event; nothing is recorded. */
async function sample(settings: PollSettings): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	if (settings.employeePath) {
		const listing = await readEmployees(settings.client, settings.employeePath, { pageSize: 1, limit: 1, concurrency: 1, signal: undefined });
		const first = listing.employees[0]?.employee;
		for (const event of EMPLOYEE_EVENTS) {
			if (!first || !settings.events.has(event)) continue;
			const json: IDataObject = { event, sample: true, employee: readableEmployee(first, settings.simplify) };
			if (event === 'employeeChanged') Object.assign(json, { changedFields: [], changes: {} });
			items.push({ json });
		}
	}
	if (settings.customerPath) {
		const { customers } = await readCustomers(settings.client, settings.customerPath, { startId: 0, pageSize: 1, limit: 1, signal: undefined });
		if (customers[0]) items.push({ json: { event: 'customerAdded', sample: true, customer: customers[0] } });
	}
	return items;
}

async function poll(ctx: IPollFunctions, settings: PollSettings): Promise<INodeExecutionData[][] | null> {
	const saved = ctx.getWorkflowStaticData('node') as TriggerState;
	const known = saved.version === STATE_VERSION ? saved : ({} as TriggerState);

	// Read everything first: a failure anywhere fires nothing and changes nothing.
	const listing = settings.employeePath
		? await readEmployees(settings.client, settings.employeePath, {
				pageSize: settings.pageSize,
				limit: undefined,
				concurrency: settings.concurrency,
				signal: undefined,
			})
		: undefined;
	const customerStart = known.customers?.startId;
	const customerListing = settings.customerPath
		? await readCustomers(settings.client, settings.customerPath, {
				startId: customerStart ?? 0,
				pageSize: settings.customerPageSize,
				limit: undefined,
				signal: undefined,
			})
		: undefined;

	const items: INodeExecutionData[] = [];
	let employees = known.employees;
	if (listing) {
		const rows = listing.employees.map((entry) => entry.employee);
		// Without a stated total nobody can be proven gone, so absence is never taken as leaving.
		const complete = listing.complete === true;
		if (!employees) {
			// A baseline short of the stated total would make the missing "join" later: wait for a full one.
			if (listing.complete !== false) employees = baseline(rows, settings.fields, settings.keepValues) as EmployeeMemory & IDataObject;
		} else {
			const diff = diffEmployees(employees, rows, {
				fields: settings.fields,
				compare: settings.compare,
				watchStatus: settings.watchStatus,
				keepValues: settings.keepValues,
				complete,
			});
			employees = diff.memory as EmployeeMemory & IDataObject;
			for (const event of diff.events) {
				if (settings.events.has(event.event)) items.push({ json: employeeEventJson(event, settings.simplify) });
			}
		}
	}
	let customers = known.customers;
	if (customerListing) {
		if (customerStart !== undefined) {
			for (const customer of customerListing.customers) items.push({ json: { event: 'customerAdded', customer } });
		}
		customers = { startId: customerListing.resumeStartId ?? customerStart ?? 0 };
	}

	saved.version = STATE_VERSION;
	if (employees) saved.employees = employees;
	if (customers) saved.customers = customers;
	return items.length > 0 ? [items] : null;
}

export class ShihengTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shiheng Trigger',
		name: 'shihengTrigger',
		icon: { light: 'file:shiheng.svg', dark: 'file:shiheng.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts a workflow when WeCom employees join, change or leave, or customers are added, on the Shiheng (食亨) open platform',
		defaults: { name: 'Shiheng Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'shihengApi', required: true }],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const redactor = new Redactor();
		const credentials = await this.getCredentials('shihengApi');
		redactor.add(credentials.appSecret);
		try {
			const settings = readSettings(this, redactor, credentials);
			if (this.getMode() === 'manual') {
				const items = await sample(settings);
				return items.length > 0 ? [items] : null;
			}
			return await poll(this, settings);
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0, redactor);
		}
	}
}
