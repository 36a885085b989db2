/** Every node's Options collection: the one builder, its request-tuning fields and their reader. */

import type { IDataObject, IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY } from '../http/retry';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_RESPONSE_TIMEOUT_MS } from '../http/types';
import { intInRange } from '../validate';

/** The Max Retries default shown in the UI: the transport's own default policy. */
export const DEFAULT_MAX_RETRIES = DEFAULT_RETRY_POLICY.maxAttempts - 1;

/** The bounds the Options fields show; a value an expression hands over must keep to them too. */
const MAX_RETRIES_LIMIT = 10;
const DEFAULT_MAX_CONCURRENCY = 32;
const MIN_TIMEOUT_MS = 100;
/** The longest delay node's timers accept; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

const FIELD = {
	concurrency: 'Concurrency',
	connectTimeout: 'Connect Timeout (Ms)',
	maxRetries: 'Max Retries',
	timeout: 'Response Timeout (Ms)',
} as const;

export interface RequestTuning {
	connectTimeoutMs: number;
	responseTimeoutMs: number;
	maxRetries: number;
	concurrency: number;
}

export interface TuningDefaults {
	concurrency: number;
	/** The most requests in flight the vendor tolerates (32 unless set). */
	maxConcurrency?: number;
}

/** The names of the request-tuning fields, which `omit` and `overrides` refer to. */
export type TuningField = 'concurrency' | 'connectTimeout' | 'maxRetries' | 'timeout';

export interface OptionsCollectionSpec {
	/** When the collection shows; left out, it shows wherever the node's other fields do. */
	show?: IDisplayOptions['show'];
	/** The request-tuning defaults of the operation. */
	tuning: TuningDefaults;
	/** The operation's own options. */
	own?: INodeProperties[];
	/** Tuning fields that do not apply here (e.g. Concurrency where pages depend on each other). */
	omit?: TuningField[];
	/** Changes to a tuning field where the operation gives it a meaning of its own. */
	overrides?: Partial<Record<TuningField, Partial<INodeProperties>>>;
}

/**
 * The "Options" collection of an operation or a trigger: its own options and the request tuning,
 * sorted by display name as n8n's lint wants. Every node builds its Options here, and only here.
 */
export function optionsCollection(spec: OptionsCollectionSpec): INodeProperties {
	const omitted = new Set<string>(spec.omit ?? []);
	const tuning = requestTuningFields(spec.tuning)
		.filter((field) => !omitted.has(field.name))
		.map((field) => ({ ...field, ...spec.overrides?.[field.name as TuningField] }));
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		...(spec.show ? { displayOptions: { show: spec.show } } : {}),
		default: {},
		options: [...tuning, ...(spec.own ?? [])].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

/** The request-tuning fields of the Options collection, in alphabetical order (nodes take them through `optionsCollection`). */
export function requestTuningFields(defaults: TuningDefaults): INodeProperties[] {
	const concurrency: INodeProperties = {
		displayName: FIELD.concurrency,
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: DEFAULT_MAX_CONCURRENCY },
		default: 4,
		description: 'How many requests may be in flight at once',
	};
	return [
		{
			...concurrency,
			default: defaults.concurrency,
			typeOptions: { minValue: 1, maxValue: defaults.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY },
		},
		{
			displayName: FIELD.connectTimeout,
			name: 'connectTimeout',
			type: 'number',
			typeOptions: { minValue: MIN_TIMEOUT_MS },
			default: DEFAULT_CONNECT_TIMEOUT_MS,
			description: 'How long to wait for a connection to the vendor, in milliseconds',
		},
		{
			displayName: FIELD.maxRetries,
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_RETRIES_LIMIT },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How often a request that failed for a passing reason (rate limit, 5xx, network) is retried, with growing pauses. Requests that are not safe to repeat are only retried when they never reached the vendor.',
		},
		{
			displayName: FIELD.timeout,
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: MIN_TIMEOUT_MS },
			default: DEFAULT_RESPONSE_TIMEOUT_MS,
			description: 'How long to wait for the vendor to answer a request, in milliseconds',
		},
	];
}

/**
 * An option left out (or emptied by an expression) takes its default. Anything else is the user's
 * setting and must apply — text included, since an expression hands over whatever its source
 * holds (a sheet, a CSV file) — or fail naming the field; never a silent default in its place.
 */
function optionValue(
	value: unknown,
	fallback: number,
	field: string,
	min: number,
	max: number,
): number {
	if (value === undefined || value === null || value === '') return fallback;
	return intInRange(value, field, min, max);
}

/** Reads the Options fields of `requestTuningFields`; throws a ParameterError naming a bad one. */
export function readRequestTuning(options: IDataObject, defaults: TuningDefaults): RequestTuning {
	return {
		connectTimeoutMs: optionValue(
			options.connectTimeout,
			DEFAULT_CONNECT_TIMEOUT_MS,
			FIELD.connectTimeout,
			MIN_TIMEOUT_MS,
			MAX_TIMEOUT_MS,
		),
		responseTimeoutMs: optionValue(
			options.timeout,
			DEFAULT_RESPONSE_TIMEOUT_MS,
			FIELD.timeout,
			MIN_TIMEOUT_MS,
			MAX_TIMEOUT_MS,
		),
		maxRetries: optionValue(
			options.maxRetries,
			DEFAULT_MAX_RETRIES,
			FIELD.maxRetries,
			0,
			MAX_RETRIES_LIMIT,
		),
		concurrency: optionValue(
			options.concurrency,
			defaults.concurrency,
			FIELD.concurrency,
			1,
			defaults.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
		),
	};
}
