import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import type { Answer, Request } from '../shared/batching';
import { toNodeError } from '../shared/errors';
import { cancelSignal, failItem, readRequestTuning, transportSettings } from '../shared/node-kit';
import { Redactor } from '../shared/redact';
import { requiredString } from '../shared/validate';

import {
	lookUpWeLinkIds,
	personInfo,
	personRef,
	queryStatuses,
	submitPersons,
	waitUntilFinal,
} from './actions';
import type { PersonInfo, PersonRef } from './actions';
import { userFields, userOperations } from './descriptions/UserDescription';
import { userSyncFields, userSyncOperations } from './descriptions/UserSyncDescription';
import { readWeLinkConfig } from './WeLinkAuth';
import { WeLinkClient } from './WeLinkClient';

function numberOption(options: IDataObject, name: string, fallback: number): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

export class WeLink implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WeLink',
		name: 'weLink',
		icon: { light: 'file:welink.svg', dark: 'file:welink.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Sync persons to Huawei WeLink and follow their account provisioning',
		defaults: { name: 'WeLink' },
		usableAsTool: true,
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'weLinkApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'User', value: 'user' },
					{ name: 'User Sync', value: 'userSync' },
				],
				default: 'userSync',
			},
			{
				displayName:
					'Persons from all input items are sent together in batches (10 per request for sync, 50 for IDs), within WeLink\'s rate limit. Each output item is paired with its input item.',
				name: 'batchingNotice',
				type: 'notice',
				default: '',
			},
			...userSyncOperations,
			...userSyncFields,
			...userOperations,
			...userFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const credentials = await this.getCredentials('weLinkApi');
		const redactor = new Redactor([credentials.clientSecret, credentials.accessToken]);
		const signal = cancelSignal(this);

		let client: WeLinkClient;
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const tuning = readRequestTuning(options, { concurrency: 4 });
		try {
			const config = readWeLinkConfig(credentials);
			client = new WeLinkClient(
				config,
				// The client decides idempotency and the rate limiter per call.
				transportSettings(tuning, { signal, idempotent: true }),
				{ perSecond: numberOption(options, 'ratePerSecond', 40) || 40, perMinute: numberOption(options, 'ratePerMinute', 1500) || 1500 },
				redactor,
			);
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0, redactor);
		}
		const batchSettings = { concurrency: tuning.concurrency, signal };

		/**
		 * Reads every item's values first. Without Continue On Fail a bad item stops the run
		 * before any request is sent, so nothing is half done.
		 */
		const prepare = <V>(read: (itemIndex: number) => V, key: (value: V, itemIndex: number) => string) => {
			const requests: Array<Request<V>> = [];
			const failures = new Map<number, unknown>();
			for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
				try {
					const value = read(itemIndex);
					requests.push({ itemIndex, key: key(value, itemIndex), value });
				} catch (error) {
					if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex, redactor);
					failures.set(itemIndex, error);
				}
			}
			return { requests, failures };
		};

		/** One output per item, in input order, paired with it. */
		const emit = <V, A>(
			prepared: { requests: Array<Request<V>>; failures: Map<number, unknown> },
			answers: Array<Answer<A>>,
			toJson: (value: A, request: Request<V>) => IDataObject,
		): INodeExecutionData[] => {
			const byItem = new Map<number, { answer: Answer<A>; request: Request<V> }>();
			prepared.requests.forEach((request, position) => byItem.set(request.itemIndex, { answer: answers[position], request }));
			const out: INodeExecutionData[] = [];
			for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
				const failure = prepared.failures.get(itemIndex);
				if (failure !== undefined) {
					out.push(failItem(this, failure, itemIndex, redactor));
					continue;
				}
				const entry = byItem.get(itemIndex);
				if (!entry) continue;
				if (entry.answer.ok) {
					out.push({ json: toJson(entry.answer.value, entry.request), pairedItem: { item: itemIndex } });
				} else {
					out.push(failItem(this, entry.answer.error, itemIndex, redactor));
				}
			}
			return out;
		};

		if (resource === 'userSync' && operation === 'getStatus') {
			const prepared = prepare<PersonRef>(
				(i) => personRef(this.getNodeParameter('identifierType', i), this.getNodeParameter('identifier', i)),
				(ref) => `${ref.type}:${ref.type === 'userEmail' ? ref.value.toLowerCase() : ref.value}`,
			);
			const describe = (ref: PersonRef) => ({ identifierType: ref.type, identifier: ref.value });
			if (options.waitUntilFinal === true) {
				const answers = await waitUntilFinal(client, prepared.requests, {
					...batchSettings,
					maxWaitMs: numberOption(options, 'maxWaitSeconds', 300) * 1000,
					pollIntervalMs: numberOption(options, 'pollIntervalMs', 2000),
				});
				return [emit(prepared, answers, (status, request) => ({ ...describe(request.value), ...status }))];
			}
			const answers = await queryStatuses(client, prepared.requests, batchSettings);
			return [emit(prepared, answers, (status, request) => ({ ...describe(request.value), ...status }))];
		}

		if (resource === 'userSync' && operation === 'submit') {
			const prepared = prepare<PersonInfo>(
				(i) =>
					personInfo(
						this.getNodeParameter('corpUserId', i),
						this.getNodeParameter('userNameCn', i),
						this.getNodeParameter('additionalFields', i, {}) as IDataObject,
					),
				(_person, itemIndex) => String(itemIndex),
			);
			const answers = await submitPersons(client, prepared.requests, batchSettings);
			return [emit(prepared, answers, (result) => ({ ...result }))];
		}

		if (resource === 'user' && operation === 'getWeLinkId') {
			const prepared = prepare<string>(
				(i) => {
					return requiredString(this.getNodeParameter('corpUserId', i), 'Corp User ID');
				},
				(id) => id,
			);
			const answers = await lookUpWeLinkIds(client, prepared.requests, batchSettings);
			return [emit(prepared, answers, (result) => ({ ...result }))];
		}

		throw toNodeError(this.getNode(), new Error(`Unsupported operation ${resource}/${operation}`), 0, redactor);
	}
}
