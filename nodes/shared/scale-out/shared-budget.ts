/** A vendor app's rate budget kept in Redis: lowered by a rate-limit answer, read by every process. */

import { budgetAt } from '../http/rate-limiter';
import type { RateBudgetPolicy } from '../http/rate-limiter';
import type { SharedRedis } from './redis-connection';
import { runScript, sharedKey } from './redis-script';
import { LOWER_BUDGET } from './shared-limiter-scripts';

/** The Redis key of the budget of the app and API `identity` names. */
export function budgetKey(shared: SharedRedis, identity: string): string {
	return sharedKey(shared, 'rate', identity, 'budget');
}

/** Lowers the budget as loweredBudget does, on Redis's clock, for every process at once; throws when Redis fails. */
export async function lowerBudgetInRedis(
	shared: SharedRedis,
	identity: string,
	policy: RateBudgetPolicy,
	holdoffMs: number,
): Promise<void> {
	const { decrease, floor, recoveryPerSecond, repeatWithinMs, slowestRecoveryPerSecond } = policy;
	const args = [
		decrease,
		floor,
		recoveryPerSecond / 1000,
		holdoffMs,
		repeatWithinMs,
		slowestRecoveryPerSecond / 1000,
	];
	await runScript(shared.client, LOWER_BUDGET, [budgetKey(shared, identity)], args);
}

/** The fraction of the full rate the budget in Redis allows now (1 when it was never lowered). */
export async function budgetFractionInRedis(
	shared: SharedRedis,
	identity: string,
	policy: RateBudgetPolicy,
): Promise<number> {
	const [fraction, at, recovery] = await shared.client.hmget(
		budgetKey(shared, identity),
		'fraction',
		'at',
		'recovery',
	);
	if (fraction === null || at === null) return 1;
	const [seconds, micros] = await shared.client.time();
	const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
	const recoveryPerSecond = recovery === null ? policy.recoveryPerSecond : Number(recovery) * 1000;
	return budgetAt({ fraction: Number(fraction), at: Number(at), recoveryPerSecond }, now);
}
