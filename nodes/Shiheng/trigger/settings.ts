import type { ICredentialDataDecryptedObject, IDataObject, IPollFunctions } from 'n8n-workflow';

import { egressFilterOf } from '../../shared/http/egress';
import type { Redactor } from '../../shared/redact';
import { intInRange } from '../../shared/validate';
import { CUSTOMER_MAX_PAGE_SIZE } from '../helpers/customerListing';
import { EMPLOYEE_DEFAULT_CONCURRENCY, EMPLOYEE_MAX_PAGE_SIZE } from '../helpers/employeeListing';
import { createClient, endpointPath } from '../transport/client';
import type { ShihengClient } from '../transport/client';
import { readConnection } from '../transport/connection';
import { EMPLOYEE_EVENTS, IDENTITY_FIELDS } from './description';
import type { TriggerEvent } from './description';
import { DEFAULT_MAX_LEAVERS, sourceFingerprint } from './state';

/** The trigger's settings for one poll: its parameters, Options and client, read and checked. */

export interface PollSettings {
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
	confirmAbsence: number;
	maxLeavers: string;
	startFromNowOnReactivation: boolean;
	client: ShihengClient;
	employeePath?: string;
	customerPath?: string;
	employeeSource?: string;
	customerSource?: string;
}

export function readSettings(
	ctx: IPollFunctions,
	redactor: Redactor,
	credentials: ICredentialDataDecryptedObject,
): PollSettings {
	const events = new Set(ctx.getNodeParameter('events', []) as TriggerEvent[]);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const connection = readConnection(credentials, redactor);
	const { client, concurrency } = createClient(
		{ connection, redactor, signal: undefined, egress: egressFilterOf(ctx) },
		options,
		{
			concurrency: EMPLOYEE_DEFAULT_CONCURRENCY,
		},
	);
	const watchesEmployees = EMPLOYEE_EVENTS.some((event) => events.has(event));
	// Only Employee Changed needs field fingerprints; the status is always kept exactly.
	const watched = events.has('employeeChanged')
		? (ctx.getNodeParameter('watchedFields', []) as string[])
		: [];
	const keepValues = options.rememberPreviousValues === true;
	const compare = watched.filter((field) => field !== 'status').sort();
	const employeePath = watchesEmployees
		? endpointPath(ctx.getNodeParameter('employeeListPath', ''), 'Employee List Path')
		: undefined;
	const customerPath = events.has('customerAdded')
		? endpointPath(ctx.getNodeParameter('customerListPath', ''), 'Customer List Path')
		: undefined;
	const source = (path: string | undefined) =>
		path === undefined ? undefined : sourceFingerprint(connection.baseUrl, connection.appId, path);
	return {
		events,
		fields: keepValues ? [...new Set([...compare, ...IDENTITY_FIELDS])].sort() : compare,
		compare,
		watchStatus: watched.includes('status'),
		keepValues,
		simplify: ctx.getNodeParameter('simplify', true) as boolean,
		pageSize: intInRange(
			options.pageSize ?? EMPLOYEE_MAX_PAGE_SIZE,
			'Employee Page Size',
			1,
			EMPLOYEE_MAX_PAGE_SIZE,
		),
		customerPageSize: intInRange(
			options.customerPageSize ?? CUSTOMER_MAX_PAGE_SIZE,
			'Customer Page Size',
			1,
			CUSTOMER_MAX_PAGE_SIZE,
		),
		concurrency,
		confirmAbsence: intInRange(options.confirmAbsenceOver ?? 2, 'Confirm Absence Over', 1, 10),
		maxLeavers: typeof options.maxLeavers === 'string' ? options.maxLeavers : DEFAULT_MAX_LEAVERS,
		startFromNowOnReactivation: options.onReactivation === 'startFromNow',
		client,
		employeePath,
		customerPath,
		employeeSource: source(employeePath),
		customerSource: source(customerPath),
	};
}
