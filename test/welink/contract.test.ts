import type { IDataObject } from 'n8n-workflow';

import { SYNC_CODES } from '../../nodes/WeLink/helpers/codes';
import { vendorPage } from '../fixtures/vendor-pages';
import type { WeLinkEmulatorHandle } from '../emulators/welink';
import { runNode } from '../harness/run-workflow';

import { STATUS, TICKETS, TYPE, creds, currentEmulator, useWeLinkEmulator } from './fixtures';

/**
 * The seed contract: WeLink's own page about users/status (查询人员信息同步结果), transcribed in
 * test/fixtures/vendor-pages/welink-users-status.json, decides what the node sends and how it reads
 * the answers: the page's request example, its two answer examples (served byte for byte) and its
 * code table. The fixture's drift check keeps it equal to the page.
 */

interface JsonBlock {
	/** The block exactly as the page has it. */
	literal: string;
	value: Record<string, unknown>;
}

function block(literal: string): JsonBlock {
	return { literal, value: JSON.parse(literal) as Record<string, unknown> };
}

function readSeedPage() {
	const { page } = vendorPage('welink-users-status');
	return {
		endpoint: page.endpoint,
		request: block(page.examples.request),
		success: block(page.examples.success),
		failure: block(page.examples.failure),
		/** Request parameter names from the parameter table, as the page spells them. */
		parameterNames: page.parameterNames,
		/** The error code table: code → its description. */
		codes: new Map(page.codes),
	};
}

const seed = readSeedPage();

useWeLinkEmulator({ latencyMs: 2, demoPersons: 5 });
let welink: WeLinkEmulatorHandle;
beforeAll(() => {
	welink = currentEmulator();
});

async function statusOf(items: Array<{ kind: string; value: string }>, continueOnFail = false) {
	return await runNode({
		type: TYPE,
		items,
		parameters: {
			resource: 'userSync',
			operation: 'getStatus',
			identifierType: '={{ $json.kind }}',
			identifier: '={{ $json.value }}',
			options: { maxRetries: 0 },
		},
		credentials: creds(),
		continueOnFail,
	});
}

type Person = Record<string, unknown>;

describe('the request', () => {
	const examplePersons = seed.request.value.personInfo as Person[];

	test('the page is the API the node calls: same method and path', () => {
		expect(seed.endpoint).toEqual({ method: 'POST', path: STATUS });
	});

	test("the node sends the seed example's field names, nesting and types", async () => {
		const items = examplePersons.map((person) => {
			const [[kind, value]] = Object.entries(person);
			return { kind, value: String(value) };
		});
		const before = welink.statusBodies().length;
		const result = await statusOf(items);
		expect(result.error).toBeUndefined();
		const sent = welink.statusBodies().slice(before) as Array<Record<string, unknown>>;
		expect(sent.length).toBeGreaterThan(0);
		for (const body of sent) {
			// Same nesting: one key, personInfo, a list of objects with one identifier each.
			expect(Object.keys(body)).toEqual(Object.keys(seed.request.value));
			expect(Array.isArray(body.personInfo)).toBe(true);
			for (const person of body.personInfo as Person[]) {
				expect(Object.keys(person)).toHaveLength(1);
				const [[key, value]] = Object.entries(person);
				const example = examplePersons.find((candidate) => key in candidate);
				expect(example).toBeDefined();
				expect(typeof value).toBe(typeof example?.[key]);
			}
		}
		// Every person of the example was asked about, exactly as the example writes it.
		const everyPerson = sent.flatMap((body) => body.personInfo as Person[]);
		expect(everyPerson).toHaveLength(examplePersons.length);
		expect(everyPerson).toEqual(expect.arrayContaining(examplePersons));
	});

	test("a person looked up by email is sent as the seed's userEmail (the table misspells mobileNumber, the example does not)", async () => {
		expect(seed.parameterNames).toEqual(expect.arrayContaining(['corpUserId', 'userEmail']));
		const before = welink.statusBodies().length;
		await statusOf([{ kind: 'userEmail', value: 'demo0001@example.com' }]);
		expect(welink.statusBodies().slice(before)).toEqual([
			{ personInfo: [{ userEmail: 'demo0001@example.com' }] },
		]);
	});
});

describe('the answers', () => {
	const entries = seed.success.value.data as Person[];

	test("the emulator answers with exactly the fields the seed's entries have", async () => {
		const response = await fetchStatus([{ corpUserId: 'demo0001' }]);
		expect(Object.keys(response).sort()).toEqual(Object.keys(seed.success.value).sort());
		for (const entry of response.data as Person[])
			expect(Object.keys(entry).sort()).toEqual(Object.keys(entries[0]).sort());
	});

	test("the seed's success answer, byte for byte, becomes four items; messages lose the leading space", async () => {
		welink.emulator.injectFault({
			path: STATUS,
			fault: {
				kind: 'status',
				status: 200,
				text: seed.success.literal,
				headers: { 'content-type': 'application/json;charset=UTF-8' },
			},
		});
		// The answer names no mobile number: four persons asked by mobile are paired by position.
		const mobiles = entries.map((_, i) => `1860000000${i}`);
		const result = await statusOf(mobiles.map((value) => ({ kind: 'mobileNumber', value })));
		expect(result.error).toBeUndefined();
		expect(welink.emulator.count(STATUS)).toBe(1);

		const states: Record<string, [string, boolean]> = {
			'47107': ['saved', true],
			'47109': ['opened', true],
			'47110': ['failed', true],
			'47111': ['notExist', true],
		};
		expect(result.items.map((item) => item.json)).toEqual(
			entries.map((entry, i) => {
				const message = String(entry.message);
				// The page pads every message with a space; the node outputs the text without it.
				expect(message.startsWith(' ')).toBe(true);
				const [state, final] = states[String(entry.code)];
				const json: IDataObject = {
					identifierType: 'mobileNumber',
					identifier: mobiles[i],
					corpUserId: String(entry.corpUserId),
					code: String(entry.code),
					state,
					final,
					message: message.trim(),
				};
				// 47110 carries its reason in the message.
				if (state === 'failed') json.reason = message.trim();
				return json;
			}),
		);
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			mobiles.map((_, item) => ({ item })),
		);
	});

	test("the seed's error answer (47103): the token is replaced and the request sent again", async () => {
		welink.emulator.injectFault({
			path: STATUS,
			fault: { kind: 'status', status: 200, text: seed.failure.literal },
		});
		const result = await statusOf([{ kind: 'corpUserId', value: 'demo0001' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ corpUserId: 'demo0001', state: 'opened' });
		expect(welink.emulator.count(TICKETS)).toBe(2);
		expect(welink.emulator.count(STATUS)).toBe(2);
	});

	test("the seed's error answer again with the new token: an item error naming the code and WeLink's message", async () => {
		welink.emulator.injectFault({
			path: STATUS,
			times: 2,
			fault: { kind: 'status', status: 200, text: seed.failure.literal },
		});
		const result = await statusOf([{ kind: 'corpUserId', value: 'demo0001' }], true);
		const { code, message } = seed.failure.value as { code: string; message: string };
		expect(String(result.items[0].json.error)).toContain(
			`WeLink error [${code}]: ${message} (item 0)`,
		);
		expect(welink.emulator.count(TICKETS)).toBe(2);
		expect(welink.emulator.count(STATUS)).toBe(2);
	});
});

describe('the code table', () => {
	test("every code of the seed's table has a state; exactly the waiting and in-progress ones are not final", () => {
		expect([...seed.codes.keys()].sort()).toEqual(Object.keys(SYNC_CODES).sort());
		for (const [code, meaning] of seed.codes) {
			const stillWorking = /待处理|处理中|开户中/.test(meaning);
			expect([code, SYNC_CODES[code].final]).toEqual([code, !stillWorking]);
		}
	});
});

/** users/status asked directly, with a token of the emulator's own (what the emulator answers). */
async function fetchStatus(personInfo: Person[]): Promise<Record<string, unknown>> {
	const ticket = await fetch(`${welink.baseUrl}${TICKETS}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			client_id: welink.credentials.clientId,
			client_secret: welink.credentials.clientSecret,
		}),
	});
	const { access_token: token } = (await ticket.json()) as { access_token: string };
	const response = await fetch(`${welink.baseUrl}${STATUS}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-wlk-authorization': token },
		body: JSON.stringify({ personInfo }),
	});
	return (await response.json()) as Record<string, unknown>;
}
