import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import type { Cursor } from '../helpers/customerListing';
import type { EmployeeMemory } from '../helpers/employeeMemory';

/**
 * What the Shiheng Trigger keeps in the workflow's static data, and the rules that decide whether
 * it may be used: a memory is only ever compared with a listing from the source it was read from.
 */

/** 2: each memory names its source; 1 (no source) is never compared with anything. */
export const STATE_VERSION = 2;

export interface EmployeeState extends EmployeeMemory {
	/** Fingerprint of where the memory was read from (see sourceFingerprint). */
	source: string;
}

export interface CustomerState {
	startId: Cursor;
	source: string;
}

export interface TriggerState extends IDataObject {
	version?: number;
	employees?: EmployeeState & IDataObject;
	customers?: CustomerState & IDataObject;
}

/**
 * A short hash of where a list is read from: base URL, App ID and the list's path. Two
 * credentials or paths that reach another company differ here; the secret is never part of it.
 */
export function sourceFingerprint(baseUrl: string, appId: string, path: string): string {
	return createHash('sha256')
		.update(JSON.stringify([baseUrl.replace(/\/+$/, ''), appId, path]))
		.digest('base64url')
		.slice(0, 16);
}

/** The memory of one list, when it exists, is of this state's version and was read from this source. */
export function memoryOf<T extends { source?: unknown }>(
	state: TriggerState,
	memory: T | undefined,
	source: string,
): T | undefined {
	if (state.version !== STATE_VERSION || memory === undefined) return undefined;
	return memory.source === source ? memory : undefined;
}

/** Why a memory that exists is not used (for the one log line), or undefined when it is used or there is none. */
export function whyNewBaseline(
	state: TriggerState,
	memory: { source?: unknown } | undefined,
	source: string,
): string | undefined {
	if (memory === undefined) return undefined;
	if (state.version !== STATE_VERSION)
		return 'it was recorded by an earlier version of the trigger, which did not record its source';
	if (memory.source !== source)
		return 'the credential (Base URL or App ID) or the list path is not the one it was recorded from';
	return undefined;
}

/** The default of Max Leavers per Poll: the stricter of 5 % of the known employees and 500. */
export const DEFAULT_MAX_LEAVERS = '5%, 500';

export interface LeaverLimit {
	limit: number;
	/** How the limit came about, for the error message. */
	explained: string;
}

/**
 * Reads Max Leavers per Poll: one or more limits separated by commas, each a whole number or a
 * share of the known employees ("5%"); the strictest applies. A share is rounded up, so a small
 * company can still lose one person per poll.
 */
export function leaverLimit(setting: string, known: number): LeaverLimit {
	const parts = setting
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
	if (parts.length === 0)
		throw new Error(
			`Max Leavers per Poll is empty: give a number (e.g. 20) or a share (e.g. 5%), or both ("${DEFAULT_MAX_LEAVERS}")`,
		);
	let best: LeaverLimit | undefined;
	for (const part of parts) {
		let candidate: LeaverLimit;
		const share = /^(\d+(?:\.\d+)?)\s*%$/.exec(part);
		if (share) {
			const percent = Number(share[1]);
			candidate = {
				limit: Math.ceil((known * percent) / 100),
				explained: `${percent}% of ${known} known employees`,
			};
		} else if (/^\d+$/.test(part)) {
			candidate = { limit: Number(part), explained: part };
		} else {
			throw new Error(
				`Max Leavers per Poll: "${part}" is neither a whole number nor a share such as 5%`,
			);
		}
		if (best === undefined || candidate.limit < best.limit) best = candidate;
	}
	return best as LeaverLimit;
}

/**
 * Polls in progress in this process, per workflow and node. n8n runs a workflow's polling
 * triggers in one process (the leader main in multi-main; never a worker in queue mode), so this
 * is where a second poll of the same trigger can meet the first.
 */
const inProgress = new Set<string>();

/** Marks the trigger's poll as running; false when one is running already (the caller skips). */
export function startPoll(key: string): boolean {
	if (inProgress.has(key)) return false;
	inProgress.add(key);
	return true;
}

export function endPoll(key: string): void {
	inProgress.delete(key);
}

/**
 * The static data objects polled successfully since their workflow was activated. n8n builds a new
 * workflow object, with a new static data object, at each activation (and when n8n starts), so a
 * state not in here is polled for the first time since the trigger was (re)activated.
 */
const polledSinceActivation = new WeakSet<object>();

export function isFirstPollSinceActivation(state: object): boolean {
	return !polledSinceActivation.has(state);
}

export function markPolled(state: object): void {
	polledSinceActivation.add(state);
}
