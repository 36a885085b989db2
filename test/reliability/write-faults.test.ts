import type { IDataObject } from 'n8n-workflow';

import type { FaultRule } from '../emulators/frame';
import { startMingdaoEmulator } from '../emulators/mingdao';
import type { MingdaoEmulatorHandle } from '../emulators/mingdao';
import { runNode } from '../harness/run-workflow';
import { UPSERT_MAPPED } from '../mingdao/fixtures';
import { errorText, paired } from './vendors';

/** Create or Update with every field mapped, two users a request (so a batch fault hits a pair). */
const UPSERT_IN_TWOS = { ...UPSERT_MAPPED, options: { batchSize: 2 } };

/**
 * The fault matrix of Mingdao's writes (private deployment): User → Create or Update
 * (upsertUsers, three batches of two users) and User → Remove (removeUser, three ids), the middle
 * request meeting the fault. A write is repeated only after a refusal the node knows came before
 * the service (HTTP 429). After anything else — the connection reset before or after Mingdao read
 * the request, no answer in time, a cut answer, a 5xx or a gateway's HTML page — the node cannot
 * tell whether Mingdao wrote, so the request is not sent again: its items end as error items (or
 * the run stops naming the first), and the emulator's store shows every user written at most once.
 */

const TYPE = 'n8n-nodes-employee-sync.mingdao';
const UPSERT = '/generalintegrateapi/v2/user/upsertUsers';
const REMOVE = '/generalintegrateapi/v2/user/removeUser';
const SLOW_MS = 1_200;

type Fault = FaultRule['fault'];
/** key, fault, whether Mingdao's handler ran (the write took effect), whether it is repeated. */
const FAULTS: Array<[string, Fault, boolean, boolean]> = [
	[
		'429 + Retry-After',
		{ kind: 'status', status: 429, headers: { 'Retry-After': '1' } },
		false,
		true,
	],
	['5xx', { kind: 'status', status: 503, json: {} }, false, false],
	['reset before read', { kind: 'reset-before-read' }, false, false],
	['reset after read', { kind: 'reset-after-read' }, true, false],
	['timeout', { kind: 'delay', ms: SLOW_MS }, true, false],
	['HTML page', { kind: 'html', status: 502 }, false, false],
	['truncated JSON', { kind: 'truncated' }, true, false],
];

/** What a user can act on: the vendor's error or what happened on the wire. */
const CLEAR_ERROR =
	/Mingdao error|answered (with|without)|did not answer in time|connection was closed/;

/** What an error of a write that may have reached Mingdao adds. */
const UNSURE = /may have reached Mingdao, so it was not repeated/;

let md: MingdaoEmulatorHandle;
beforeAll(async () => {
	md = await startMingdaoEmulator({ users: 40 });
});
afterAll(async () => await md.stop());
beforeEach(() => {
	md.emulator.resetCounters();
	md.emulator.clearFaults();
	md.writeCalls.length = 0;
});

let serial = 0;
/** Six users nobody else in this file writes. */
const freshUsers = (): IDataObject[] =>
	Array.from({ length: 6 }, (_, i) => {
		const id = `fault-${++serial}-${i}`;
		return { id, name: `Name ${id}`, email: `${id}@example.com`, mobile: '13800000000' };
	});
/** Three users with a Mingdao account per test, none used twice. */
let nextExisting = 0;
const existingUsers = (): string[] => {
	const mapped = md.userIds.filter((id) => md.accountOf(id) !== undefined);
	return mapped.slice(nextExisting, (nextExisting += 3));
};

const run = async (parameters: IDataObject, items: IDataObject[], continueOnFail: boolean) =>
	await runNode({
		type: TYPE,
		items,
		continueOnFail,
		credentials: { mingdaoApi: md.credentials },
		parameters: {
			resource: 'user',
			...parameters,
			// One request at a time, so the middle one is the one that meets the fault.
			options: { concurrency: 1, maxRetries: 2, timeout: 300, ...(parameters.options as object) },
		},
	});

const upsert = async (users: IDataObject[], continueOnFail: boolean) =>
	await run(UPSERT_IN_TWOS, users, continueOnFail);

const remove = async (ids: string[], continueOnFail: boolean) =>
	await run(
		{ operation: 'remove', corpUserIds: '={{ $json.id }}' },
		ids.map((id) => ({ id })),
		continueOnFail,
	);

/** How often Mingdao's handler received each id (upserted users, removed ids). */
function writesPerId(): Map<string, number> {
	const seen = new Map<string, number>();
	for (const call of md.writeCalls) {
		const ids = call.users?.map((user) => String(user.corpUserId)) ?? [String(call.corpUserId)];
		for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
	}
	return seen;
}

function expectNoSecret(text: string): void {
	for (const secret of [md.secretKey, ...md.acceptedSignatures]) expect(text).not.toContain(secret);
}

describe.each(FAULTS)('%s', (_key, fault, handled, repeated) => {
	const inject = (path: string) => md.emulator.injectFault({ path, skip: 1, times: 1, fault });

	test(`Create or Update: ${repeated ? 'repeated once, every user upserted once' : "not repeated; the batch's items fail naming each"}`, async () => {
		const users = freshUsers();
		inject(UPSERT);
		const { items, error } = await upsert(users, true);
		expect(error).toBeUndefined();
		expect(items.map(paired)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(md.emulator.count(UPSERT)).toBe(repeated ? 4 : 3);
		const writes = writesPerId();
		users.forEach((user, index) => {
			const id = String(user.id);
			const failing = !repeated && (index === 2 || index === 3);
			if (failing) {
				expect(String(items[index].json.error)).toContain(`item ${index}`);
				expect(errorText(items[index])).toMatch(CLEAR_ERROR);
				expectNoSecret(errorText(items[index]));
				if (handled) expect(errorText(items[index])).toMatch(UNSURE);
				// Written once if Mingdao read it before the fault, else not at all: never twice.
				expect(writes.get(id) ?? 0).toBe(handled ? 1 : 0);
				expect(md.profileOf(id) !== undefined).toBe(handled);
			} else {
				expect(items[index].json).toMatchObject({ corpUserId: id, upserted: true });
				expect(writes.get(id)).toBe(1);
				expect(md.profileOf(id)).toEqual({
					name: user.name,
					email: user.email,
					mobilePhone: user.mobile,
				});
			}
		});
	});

	test(`Remove: ${repeated ? 'repeated once, every user removed once' : 'not repeated; the item fails naming it'}`, async () => {
		const ids = existingUsers();
		inject(REMOVE);
		const { items, error } = await remove(ids, true);
		expect(error).toBeUndefined();
		expect(items.map(paired)).toEqual([0, 1, 2]);
		expect(md.emulator.count(REMOVE)).toBe(repeated ? 4 : 3);
		const writes = writesPerId();
		expect(items[0].json).toEqual({ corpUserId: ids[0], removed: true });
		expect(items[2].json).toEqual({ corpUserId: ids[2], removed: true });
		if (repeated) {
			expect(items[1].json).toEqual({ corpUserId: ids[1], removed: true });
		} else {
			expect(String(items[1].json.error)).toContain('item 1');
			expect(errorText(items[1])).toMatch(CLEAR_ERROR);
			expectNoSecret(errorText(items[1]));
			if (handled) expect(errorText(items[1])).toMatch(UNSURE);
		}
		expect(writes.get(ids[1]) ?? 0).toBe(handled || repeated ? 1 : 0);
		expect(md.profileOf(ids[1]) === undefined).toBe(handled || repeated);
		for (const id of [ids[0], ids[2]]) expect(writes.get(id)).toBe(1);
	});

	if (!repeated) {
		test('without Continue On Fail the run stops naming the item; nothing is sent twice', async () => {
			const users = freshUsers();
			inject(UPSERT);
			const { error } = await upsert(users, false);
			expect(error?.message).toContain('item 2');
			expectNoSecret(`${error?.message} ${(error as { description?: string }).description}`);
			expect(md.emulator.count(UPSERT)).toBeLessThanOrEqual(3);
			expect([...writesPerId().values()].every((count) => count === 1)).toBe(true);
		});
	}
});

describe('a credential Mingdao refuses as a whole (wrong secret)', () => {
	test.each([
		['Create or Update', UPSERT],
		['Remove', REMOVE],
	])(
		'%s: every item an error item with the refusal, nobody written, no secret shown',
		async (what, path) => {
			const parameters =
				what === 'Remove'
					? { operation: 'remove', corpUserIds: '={{ $json.id }}' }
					: UPSERT_IN_TWOS;
			const result = await runNode({
				type: TYPE,
				items: freshUsers(),
				continueOnFail: true,
				credentials: { mingdaoApi: { ...md.credentials, secretKey: 'a-wrong-secret-5e1f' } },
				parameters: { resource: 'user', ...parameters },
			});
			expect(result.items.map(paired)).toEqual([0, 1, 2, 3, 4, 5]);
			result.items.forEach((item, index) => {
				expect(String(item.json.error)).toMatch(
					new RegExp(`Mingdao error \\[\\d+\\].*item ${index}\\)`),
				);
				expect(errorText(item)).not.toContain('a-wrong-secret-5e1f');
			});
			expect(md.writeCalls).toEqual([]);
			// Only the requests already in flight when the refusal came (four by default) reached Mingdao.
			expect(md.emulator.count(path)).toBeLessThanOrEqual(4);
		},
	);
});
