/** Redis keys of a vendor app's state, and Lua scripts run by their hash. */

import { createHash } from 'node:crypto';

import type { RedisClient, SharedRedis } from './redis-connection';

/**
 * A Redis key for one vendor app's state. The identity is hashed: keys never carry a credential,
 * and the braces (a hash tag) keep all keys of one identity in one Redis Cluster slot, so one
 * script may touch them together.
 */
export function sharedKey(
	shared: SharedRedis,
	namespace: string,
	identity: string,
	suffix: string,
): string {
	const id = createHash('sha256').update(`${namespace}\n${identity}`).digest('hex').slice(0, 32);
	return `${shared.keyPrefix}${namespace}:{${id}}:${suffix}`;
}

export interface RedisScript {
	lua: string;
	sha: string;
}

export function redisScript(lua: string): RedisScript {
	return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** Runs a Lua script by its hash, loading it on the first NOSCRIPT answer. */
export async function runScript(
	client: RedisClient,
	script: RedisScript,
	keys: string[],
	args: Array<string | number>,
): Promise<unknown> {
	try {
		return await client.evalsha(script.sha, keys.length, ...keys, ...args);
	} catch (error) {
		if (!/NOSCRIPT/.test(error instanceof Error ? error.message : String(error))) throw error;
		return await client.eval(script.lua, keys.length, ...keys, ...args);
	}
}
