/** A slot reserved in Redis that counts as pending until its request is written. */

import type { RateSlot } from '../http/rate-limiter';
import type { SharedRedis } from './redis-connection';
import { runScript } from './redis-script';
import { CONFIRM_SENT } from './shared-limiter-scripts';

/**
 * How long a reserved slot counts as pending at most: the slots of a process killed between grant
 * and send free themselves after this (each holds one place in every window meanwhile).
 */
export const PENDING_LEASE_MS = 3_000;

/**
 * A reserved slot must be used within this time, else it is given back and another taken, so that
 * the rest of the lease covers setting up a new connection. A request whose connection takes
 * longer still counts from its send, but its place may have been granted again meanwhile.
 */
const PENDING_USABLE_MS = 1_000;

/** Where one grant was recorded in Redis. */
export interface Grant {
	shared: SharedRedis;
	keys: string[];
	member: string;
	/** Redis's clock at the grant. */
	at: number;
	/** This process's clock just before it asked: the grant cannot be older than this. */
	askedAt: number;
}

/**
 * A slot reserved in Redis, pending until its request is sent. Confirming and releasing are
 * fire-and-forget: a message Redis never got leaves the slot pending until its lease ends, which
 * errs on the safe side.
 */
export class PendingSlot implements RateSlot {
	private settled = false;

	constructor(
		private readonly grant: Grant,
		private readonly spans: number[],
	) {}

	sent(): void {
		if (this.settled) return;
		this.settled = true;
		const { shared, keys, member } = this.grant;
		runScript(shared.client, CONFIRM_SENT, keys, [member, ...this.spans]).catch(() => undefined);
	}

	release(): void {
		if (this.settled) return;
		this.settled = true;
		const { shared, keys, member } = this.grant;
		// Plain commands, not a script: they reach Redis before anything this process asks next.
		for (const key of keys) shared.client.zrem(key, member).catch(() => undefined);
	}

	usable(): boolean {
		return !this.settled && Date.now() - this.grant.askedAt < PENDING_USABLE_MS;
	}
}
