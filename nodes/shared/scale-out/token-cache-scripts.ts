/** The Lua scripts of the shared token cache: read with time left, delete or extend only while owned. */

import { redisScript } from './redis-script';

/** Reads the shared token and how long it has left, in one round trip. */
export const READ = redisScript(`
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}
`);

/** Deletes a key only if it still holds the given value (a lock, or a refused token). */
export const DELETE_IF = redisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Extends a lock only while its holder still owns it. */
export const EXTEND_IF = redisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);
