import type { INodeProperties } from 'n8n-workflow';

import type { TuningDefaults } from '../../shared/descriptions/options';

/** The request-tuning defaults of every WeLink operation (the client reads the Options with the same). */
export const WELINK_TUNING: TuningDefaults = { concurrency: 4 };

/** The person's Corp User ID, the field Submit, Update and Get WeLink ID share; `description` says what the operation does with it. */
export function corpUserIdField(
	show: Record<string, string[]>,
	description: string,
): INodeProperties {
	return {
		displayName: 'Corp User ID',
		name: 'corpUserId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		description,
	};
}

/** Options every WeLink operation shares besides the request tuning: WeLink's per-API rate limit. */
export const rateLimitOptions: INodeProperties[] = [
	{
		displayName: 'Rate Limit per Minute',
		name: 'ratePerMinute',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1500,
		description:
			'Most calls per minute to one WeLink API with this credential (WeLink publishes 1500 and may change it). Shared by all executions in this n8n process.',
	},
	{
		displayName: 'Rate Limit per Second',
		name: 'ratePerSecond',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 40,
		description:
			'Most calls per second to one WeLink API with this credential (WeLink publishes 40 and answers 48503 above it). Shared by all executions in this n8n process.',
	},
];

/** The polling options Department Submit (Wait for Parents) and Get Status (Wait Until Final) share. */
export const pollingOptions: INodeProperties[] = [
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 300,
		description:
			'How long to keep polling departments that are still processing. Departments still not final then are output with timedOut set.',
	},
	{
		displayName: 'Poll Interval (Ms)',
		name: 'pollIntervalMs',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 2000,
		description: 'The first pause between polls; each later pause is 1.5 times longer, up to 30 s',
	},
];
