import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { readCustomers } from '../helpers/customerListing';
import { listingKey, readEmployeeList, readForComparison } from '../helpers/employeeListing';
import type { Cursor } from '../helpers/customerListing';
import { baseline, diffEmployees } from '../helpers/changes';
import { employeeEventJson, readableEmployee } from '../helpers/output';
import { EMPLOYEE_EVENTS } from './description';
import type { PollSettings } from './settings';
import {
	STATE_VERSION,
	endPoll,
	isFirstPollSinceActivation,
	leaverLimit,
	markPolled,
	memoryOf,
	startPoll,
	whyNewBaseline,
} from './state';
import type { EmployeeState, TriggerState } from './state';

/** "Fetch Test Event": one real employee and customer shaped as each chosen event; nothing is recorded. */
export async function sample(settings: PollSettings): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	if (settings.employeePath) {
		const listing = await readEmployeeList(
			settings.client,
			settings.employeePath,
			{ pageSize: 1, limit: 1, concurrency: 1, signal: undefined },
			{ shape: (employee) => employee, key: listingKey },
		);
		const first = listing.items[0];
		for (const event of EMPLOYEE_EVENTS) {
			if (!first || !settings.events.has(event)) continue;
			const json: IDataObject = {
				event,
				sample: true,
				employee: readableEmployee(first, settings.simplify),
			};
			if (event === 'employeeChanged') Object.assign(json, { changedFields: [], changes: {} });
			items.push({ json });
		}
	}
	if (settings.customerPath) {
		const { customers } = await readCustomers(settings.client, settings.customerPath, {
			startId: 0,
			pageSize: 1,
			limit: 1,
			signal: undefined,
		});
		if (customers[0])
			items.push({ json: { event: 'customerAdded', sample: true, customer: customers[0] } });
	}
	return items;
}

export class TooManyLeaversError extends Error {}

/** The poll itself; the caller holds the one-poll-at-a-time lock. */
export async function poll(
	ctx: IPollFunctions,
	settings: PollSettings,
): Promise<INodeExecutionData[][] | null> {
	const saved = ctx.getWorkflowStaticData('node') as TriggerState;
	const restart = settings.startFromNowOnReactivation && isFirstPollSinceActivation(saved);
	const log = (line: string) => ctx.logger.warn(`Shiheng Trigger "${ctx.getNode().name}": ${line}`);

	let known: EmployeeState | undefined;
	if (settings.employeePath !== undefined && settings.employeeSource !== undefined) {
		const why = whyNewBaseline(saved, saved.employees, settings.employeeSource);
		if (why)
			log(
				`records a new employee baseline and fires no employee event, because the memory it had is not comparable: ${why}`,
			);
		else if (restart && saved.employees)
			log(
				'records a new employee baseline (After Reactivation: Start From Now); changes while it was off are not reported',
			);
		known = restart ? undefined : memoryOf(saved, saved.employees, settings.employeeSource);
	}
	let customerStart: Cursor | undefined;
	if (settings.customerPath !== undefined && settings.customerSource !== undefined) {
		const why = whyNewBaseline(saved, saved.customers, settings.customerSource);
		if (why)
			log(`starts the customer cursor anew and fires no Customer Added this time, because ${why}`);
		customerStart = restart
			? undefined
			: memoryOf(saved, saved.customers, settings.customerSource)?.startId;
	}

	// Read everything first: a failure anywhere fires nothing and changes nothing.
	const listing = settings.employeePath
		? await readForComparison(settings, settings.employeePath, known)
		: undefined;
	const customerListing = settings.customerPath
		? await readCustomers(settings.client, settings.customerPath, {
				startId: customerStart ?? 0,
				pageSize: settings.customerPageSize,
				limit: undefined,
				signal: undefined,
			})
		: undefined;

	const items: INodeExecutionData[] = [];
	let employees: EmployeeState | undefined;
	if (listing && settings.employeeSource !== undefined) {
		const rows = listing.items;
		if (!known) {
			employees = {
				...baseline(rows, settings.fields, settings.keepValues),
				source: settings.employeeSource,
			};
		} else {
			const diff = diffEmployees(known, rows, {
				fields: settings.fields,
				compare: settings.compare,
				watchStatus: settings.watchStatus,
				keepValues: settings.keepValues,
				// Without a stated total nobody can be proven gone, so absence is never taken as leaving.
				complete: listing.complete === true,
				confirmAbsence: settings.confirmAbsence,
			});
			const fired = diff.events.filter((event) => settings.events.has(event.event));
			const leavers = fired.filter((event) => event.event === 'employeeLeft').length;
			const { limit, explained } = leaverLimit(settings.maxLeavers, diff.remembered);
			if (leavers > limit) {
				throw new TooManyLeaversError(
					`This poll would fire ${leavers} Employee Left events, more than Max Leavers per Poll allows (${limit}: ${explained}). ` +
						'Nothing was fired and nothing recorded. If the credential and Employee List Path are right and these people really left, ' +
						`raise Max Leavers per Poll in the trigger's Options to at least ${leavers} and the next poll fires them; otherwise fix the source, and nobody is reported as left.`,
				);
			}
			employees = { ...diff.memory, source: settings.employeeSource };
			for (const event of fired) items.push({ json: employeeEventJson(event, settings.simplify) });
		}
	}
	let customers: TriggerState['customers'];
	if (customerListing && settings.customerSource !== undefined) {
		if (customerStart !== undefined) {
			for (const customer of customerListing.customers)
				items.push({ json: { event: 'customerAdded', customer } });
		}
		customers = {
			startId: customerListing.resumeStartId ?? customerStart ?? 0,
			source: settings.customerSource,
		};
	}

	if (saved.version !== STATE_VERSION) {
		// Memories of an earlier version are not comparable with anything: drop both.
		delete saved.employees;
		delete saved.customers;
	}
	saved.version = STATE_VERSION;
	if (employees) saved.employees = employees as TriggerState['employees'];
	if (customers) saved.customers = customers;
	markPolled(saved);
	return items.length > 0 ? [items] : null;
}

/** The lock key of a trigger: its workflow and node. */
export function pollKey(ctx: IPollFunctions): string {
	const node = ctx.getNode();
	return `${ctx.getWorkflow().id ?? ''}\u0000${node.id ?? node.name}`;
}

/** One poll at a time per trigger: a poll that starts while the last one runs skips itself. */
export async function pollOnce(
	ctx: IPollFunctions,
	settings: PollSettings,
): Promise<INodeExecutionData[][] | null> {
	const key = pollKey(ctx);
	if (!startPoll(key)) {
		ctx.logger.warn(
			`Shiheng Trigger "${ctx.getNode().name}": skipped a poll, because the previous poll of this trigger is still running`,
		);
		return null;
	}
	try {
		return await poll(ctx, settings);
	} finally {
		endPoll(key);
	}
}
