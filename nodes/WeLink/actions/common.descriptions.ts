import type { INodeProperties } from 'n8n-workflow';

import { requestTuningFields } from '../../shared/descriptions/options';

/** Options every WeLink operation shares: request tuning and WeLink's per-API rate limit. */
export function sharedOptionFields(): INodeProperties[] {
	return [
		...requestTuningFields({ concurrency: 4 }),
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
}

/** An operation's Options collection: the shared options plus its own, in the alphabetical order n8n's lint wants. */
export function optionsCollection(show: Record<string, string[]>, own: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: [...sharedOptionFields(), ...own].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The polling options Department Submit (Wait for Parents) and Get Status (Wait Until Final) share. */
export const pollingOptions: INodeProperties[] = [
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 300,
		description: 'How long to keep polling departments that are still processing. Departments still not final then are output with timedOut set.',
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
