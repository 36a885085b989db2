import type { CredentialImport } from '../scripts/lib/n8n';
import type { Emulator } from '../test/emulators/frame';
import { startMingdaoEmulator } from '../test/emulators/mingdao';
import { startShihengEmulator } from '../test/emulators/shiheng';
import { startWeLinkEmulator } from '../test/emulators/welink';
import {
	MEASURED,
	benchWorkflow,
	generatorNode,
	groupingNode,
	httpRequestNode,
	ourNode,
	pagination,
	remainingPagesNode,
	runnerWarmUpNode,
} from './workflows';
import type { BenchWorkflow, CredentialRef } from './workflows';

/**
 * The scenarios of issue #8 (Mingdao twice: our node given a per-item expression, and its Read
 * IDs From Field option). Each starts its own emulator in this process (127.0.0.1, a free port)
 * and builds three workflows that do the same job: one with our node, two with n8n's HTTP Request
 * node authenticating with OUR credential — as a user first builds it (peer), and as well as a
 * skilled n8n user would (tuned). All read the same input, produced inside the workflow by the same
 * Code node where the job needs input. Every node after the input counts: a Code node that groups
 * ids or makes page numbers is part of the HTTP Request side's job.
 */

/** ours: our node; peer: the HTTP Request node as a user first builds it; tuned: the HTTP Request node built and set as well as a skilled n8n user would. */
export type SideName = 'ours' | 'peer' | 'tuned';

export const SIDES: readonly SideName[] = ['ours', 'peer', 'tuned'];

export type ScenarioId = 'shiheng-list' | 'mingdao-relations' | 'mingdao-relations-field' | 'welink-status' | 'overhead';

export interface BenchConfig {
	latencyMs: number;
	reps: number;
	/** Shiheng: employees listed, page size, our node's page concurrency. */
	employees: number;
	pageSize: number;
	shihengConcurrency: number;
	/** Mingdao: ids looked up, our node's batch size and concurrency. */
	relationIds: number;
	mingdaoBatch: number;
	mingdaoConcurrency: number;
	/** WeLink: persons queried, the emulator's rate limit per second. */
	persons: number;
	welinkRatePerSecond: number;
	/** Overhead: employees listed with no latency. */
	overheadEmployees: number;
	/** Shiheng Trigger (bench/trigger.ts): employees polled, and changes between the baseline and the measured poll. */
	triggerEmployees: number;
	triggerChanges: number;
}

export const FULL_CONFIG: BenchConfig = {
	latencyMs: 50,
	reps: 3,
	employees: 10_000,
	pageSize: 50,
	shihengConcurrency: 10,
	relationIds: 10_000,
	mingdaoBatch: 100,
	// Mingdao publishes no rate limit; 10 batches in flight is still gentle (100 requests in all).
	mingdaoConcurrency: 10,
	persons: 2_000,
	welinkRatePerSecond: 40,
	overheadEmployees: 100_000,
	triggerEmployees: 100_000,
	triggerChanges: 100,
};

/** Small enough that the whole benchmark runs in well under a minute; proves the machinery only. */
export const SMOKE_CONFIG: BenchConfig = {
	latencyMs: 5,
	reps: 1,
	employees: 300,
	pageSize: 50,
	shihengConcurrency: 4,
	relationIds: 250,
	mingdaoBatch: 100,
	mingdaoConcurrency: 4,
	persons: 40,
	welinkRatePerSecond: 40,
	overheadEmployees: 1_000,
	triggerEmployees: 300,
	triggerChanges: 12,
};

export interface Counters {
	requests: number;
	/** Requests on the scenario's main API path (without token fetches). */
	apiRequests: number;
	rateLimited: number | null;
}

export type Json = Record<string, unknown>;

/** What the job nodes of one run output. */
export interface JobOutput {
	/** The items the last job node (MEASURED) output. */
	items: Json[];
	/** The items every job node output, by node name. */
	byNode: Record<string, Json[]>;
}

/** What one run produced, as the scenario judges it. */
export interface RunCheck {
	/** Items the measured node output. */
	items: number;
	/** Empty when the output is what the job asked for. */
	problems: string[];
}

/** Another way to build a side, measured and reported in details only. */
export interface Variant {
	key: string;
	label: string;
	workflow: BenchWorkflow;
	/** The side whose output shape the variant has (how its output is checked). */
	checkAs: SideName;
}

export interface Scenario {
	id: ScenarioId;
	title: string;
	credentials: CredentialImport[];
	workflows: Record<SideName, BenchWorkflow>;
	/** How each side does the job, in words (written to results.json). */
	builds: Record<SideName, string>;
	variants?: Variant[];
	/** Items the job is about (employees, ids, persons) — the divisor for per-item figures. */
	jobItems: number;
	/** Theoretical lower bound of the job's time with the injected latency, or null. */
	boundMs: number | null;
	boundFormula: string | null;
	settings: Record<string, number | string>;
	/** The scenario's emulator: its request records give the arrival times of a run's requests. */
	emulator: Emulator;
	counters(): Counters;
	check(side: SideName, output: JobOutput): RunCheck;
	stop(): Promise<void>;
}

function credentialImport(ref: CredentialRef, data: Record<string, string | number | boolean>): CredentialImport {
	return { id: ref.id, name: ref.name, type: ref.type, data };
}

function countRequests(emulator: Emulator, apiPath: string): Pick<Counters, 'requests' | 'apiRequests'> {
	return { requests: emulator.records.length, apiRequests: emulator.count(apiPath) };
}

function expectCount(problems: string[], what: string, got: number, want: number): void {
	if (got !== want) problems.push(`${what}: ${got} instead of ${want}`);
}

/** n8n's Batching option of the HTTP Request node: `size` items, then a pause of `intervalMs`. */
function batching(size: number, intervalMs: number): Record<string, unknown> {
	return { batching: { batch: { batchSize: size, batchInterval: intervalMs } } };
}

const FIRST_PAGE = 'First page';
const PAGE_NUMBERS = 'Page numbers';

/** Page answers of the Shiheng employee list: every employee exactly once. */
function checkPageAnswers(problems: string[], answers: Json[], pages: number, employees: number): void {
	expectCount(problems, 'pages output', answers.length, pages);
	const ids = new Set<unknown>();
	let listed = 0;
	for (const page of answers) {
		const rows = (page.result as { result?: unknown } | undefined)?.result;
		if (!Array.isArray(rows)) continue;
		listed += rows.length;
		for (const row of rows as Json[]) ids.add(row.id);
	}
	expectCount(problems, 'employees in the pages', listed, employees);
	expectCount(problems, 'distinct employees in the pages', ids.size, employees);
}

/** Scenario 1 and 4: list every employee; ours pages concurrently, the HTTP Request node page after page. */
async function shihengListing(
	id: 'shiheng-list' | 'overhead',
	config: BenchConfig,
	employees: number,
	latencyMs: number,
): Promise<Scenario> {
	const handle = await startShihengEmulator({ latencyMs, employees });
	const suffix = id === 'overhead' ? 'Ovh' : 'Lst';
	const credential: CredentialRef = { type: 'shihengApi', id: `benchShiheng${suffix}01`, name: `Bench Shiheng ${suffix}` };
	const pages = Math.ceil(employees / config.pageSize);
	const concurrency = config.shihengConcurrency;
	const url = `${handle.baseUrl}${handle.employeePath}`;
	const ours = benchWorkflow(`bench${suffix}Ours00001`, `bench ${id} ours`, [], [
		ourNode(
			MEASURED,
			'shiheng',
			{
				resource: 'employee',
				operation: 'getAll',
				endpointPath: handle.employeePath,
				returnAll: true,
				pageSize: config.pageSize,
				options: { concurrency },
			},
			credential,
		),
	]);
	const peer = benchWorkflow(`bench${suffix}Peer00001`, `bench ${id} peer`, [], [
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url,
			jsonBody: JSON.stringify({ paramContent: { pageNum: 1, pageSize: config.pageSize } }),
			options: {
				pagination: pagination(
					{ type: 'body', name: 'paramContent', value: `={{ { "pageNum": $pageCount + 1, "pageSize": ${config.pageSize} } }}` },
					// $pageCount is the number of pages received so far when this is evaluated.
					'={{ $pageCount >= $response.body.result.pages }}',
					pages + 5,
				),
			},
		}),
	]);
	// The skilled user: page 1 tells the page count, a Code node makes one item per remaining page,
	// and one HTTP Request node fetches them all (it starts every item's request without waiting).
	// The other scenarios' input Code node lets the task runner connect before the job; here a
	// warm-up Code node does (not counted).
	const tuned = benchWorkflow(`bench${suffix}Tuned0001`, `bench ${id} tuned`, [runnerWarmUpNode('Warm-up')], [
		httpRequestNode(FIRST_PAGE, credential, {
			method: 'POST',
			url,
			jsonBody: JSON.stringify({ paramContent: { pageNum: 1, pageSize: config.pageSize } }),
		}),
		remainingPagesNode(PAGE_NUMBERS, 'result.pages'),
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url,
			jsonBody: `={{ JSON.stringify({ paramContent: { pageNum: $json.pageNum, pageSize: ${config.pageSize} } }) }}`,
		}),
	]);
	const bound = latencyMs > 0 ? Math.ceil(pages / concurrency) * latencyMs : null;
	return {
		id,
		title:
			id === 'overhead'
				? `Overhead: Shiheng list ${employees.toLocaleString('en')} employees, no latency`
				: `Shiheng list ${employees.toLocaleString('en')} employees (${pages} pages)`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer, tuned },
		builds: {
			ours: `Get Many, Return All, page size ${config.pageSize}, Concurrency ${concurrency}`,
			peer: 'HTTP Request node, its pagination option (paramContent.pageNum per page, until result.pages)',
			tuned: `HTTP Request node for page 1, a Code node making one item per page 2..${pages}, an HTTP Request node fetching them (all at once)`,
		},
		jobItems: employees,
		boundMs: bound,
		boundFormula: bound === null ? null : `ceil(${pages} pages / concurrency ${concurrency}) x ${latencyMs} ms`,
		settings: { pages, pageSize: config.pageSize, concurrency, latencyMs },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, handle.employeePath), rateLimited: null }),
		check: (side, output) => {
			const problems: string[] = [];
			if (side === 'ours') {
				expectCount(problems, 'employees output', output.items.length, employees);
			} else {
				// The HTTP Request node outputs one item per page answer; the tuned side got page 1 from its first node.
				const answers = side === 'tuned' ? [...(output.byNode[FIRST_PAGE] ?? []), ...output.items] : output.items;
				checkPageAnswers(problems, answers, pages, employees);
			}
			return { items: output.items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

/**
 * Scenario 2: relations of many ids; ours in de-duplicated batches, the HTTP Request node one
 * request per item (peer) or per batch of ids grouped by a Code node (tuned). `readIdsFrom`:
 * 'expression' gives our node the ids as a per-item expression, 'field' its Read IDs From Field option.
 */
async function mingdaoRelations(config: BenchConfig, readIdsFrom: 'expression' | 'field'): Promise<Scenario> {
	const ids = config.relationIds;
	const handle = await startMingdaoEmulator({ latencyMs: config.latencyMs, users: ids });
	const key = readIdsFrom === 'field' ? 'Fld' : 'Exp';
	const id: ScenarioId = readIdsFrom === 'field' ? 'mingdao-relations-field' : 'mingdao-relations';
	const credential: CredentialRef = { type: 'mingdaoApi', id: `benchMingdao${key}001`, name: `Bench Mingdao ${key}` };
	const apiPath = '/generalintegrateapi/v2/user/getUserRelations';
	const url = `${handle.baseUrl}${apiPath}`;
	const batch = config.mingdaoBatch;
	// The same ids the emulator holds (wx-user-00001 …), made inside the workflow.
	const input = generatorNode('Input', ids, `{ corpUserId: 'wx-user-' + String(i).padStart(5, '0') }`);
	const ourOptions: Record<string, unknown> = { batchSize: batch, concurrency: config.mingdaoConcurrency };
	// The option the node's help suggests for thousands of items: read the field, no per-item expression.
	if (readIdsFrom === 'field') ourOptions.idField = 'corpUserId';
	const ours = benchWorkflow(`benchMd${key}Ours00001`, `bench ${id} ours`, [input], [
		ourNode(
			MEASURED,
			'mingdao',
			{ resource: 'user', operation: 'getRelations', corpUserIds: '={{ $json.corpUserId }}', options: ourOptions },
			credential,
		),
	]);
	const perItem = (options?: Record<string, unknown>) =>
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url,
			jsonBody: '={{ JSON.stringify({ corpUserIds: [$json.corpUserId] }) }}',
			options,
		});
	const peer = benchWorkflow(`benchMd${key}Peer00001`, `bench ${id} peer`, [input], [perItem()]);
	// The skilled user sees that corpUserIds is a list: a Code node groups the ids, one request per group.
	const tuned = benchWorkflow(`benchMd${key}Tuned0001`, `bench ${id} tuned`, [input], [
		groupingNode(`Groups of ${batch}`, batch, 'j.corpUserId', 'corpUserIds'),
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url,
			jsonBody: '={{ JSON.stringify({ corpUserIds: $json.corpUserIds }) }}',
		}),
	]);
	const variants: Variant[] =
		readIdsFrom === 'expression'
			? [
					{
						key: 'peer_batching',
						label: 'HTTP Request node, one request per id, Batching option 50 items / 0 ms',
						workflow: benchWorkflow(`benchMd${key}Batch0001`, `bench ${id} peer, batching option`, [input], [perItem(batching(50, 0))]),
						checkAs: 'peer',
					},
				]
			: [];
	const requests = Math.ceil(ids / batch);
	const bound = Math.ceil(requests / config.mingdaoConcurrency) * config.latencyMs;
	const matchedIds = handle.userIds.filter((userId) => handle.accountOf(userId) !== undefined);
	return {
		id,
		title: `Mingdao relations for ${ids.toLocaleString('en')} ids (ours: ${readIdsFrom === 'field' ? 'Read IDs From Field' : 'a per-item expression'})`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer, tuned },
		builds: {
			ours: `Get Relations, batches of ${batch}, Concurrency ${config.mingdaoConcurrency}, ${readIdsFrom === 'field' ? 'Read IDs From Field corpUserId' : 'IDs {{ $json.corpUserId }}'}`,
			peer: 'HTTP Request node, one request per id',
			tuned: `a Code node grouping the ids by ${batch}, an HTTP Request node with one request per group (all at once)`,
		},
		variants,
		jobItems: ids,
		boundMs: bound,
		boundFormula: `ceil(${requests} requests / concurrency ${config.mingdaoConcurrency}) x ${config.latencyMs} ms`,
		settings: { batchSize: batch, concurrency: config.mingdaoConcurrency, latencyMs: config.latencyMs, readIdsFrom },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, apiPath), rateLimited: null }),
		check: (side, output) => {
			const problems: string[] = [];
			const items = output.items;
			if (side === 'ours') {
				expectCount(problems, 'items output', items.length, ids);
				expectCount(problems, 'ids with a relation', items.filter((item) => item.found === true).length, matchedIds.length);
			} else if (side === 'peer') {
				expectCount(problems, 'items output', items.length, ids);
				const found = items.filter((item) => Array.isArray(item.data) && item.data.length > 0).length;
				expectCount(problems, 'ids with a relation', found, matchedIds.length);
			} else {
				expectCount(problems, 'group answers output', items.length, requests);
				// A refused call answers data: null.
				const refused = items.filter((item) => !Array.isArray(item.data)).length;
				if (refused > 0) problems.push(`${refused} group answers carry no data list (message: ${String(items.find((item) => !Array.isArray(item.data))?.message)})`);
				const related = new Set(items.flatMap((item) => (Array.isArray(item.data) ? (item.data as Json[]) : []).map((row) => row.corpUserId)));
				expectCount(problems, 'ids with a relation', related.size, matchedIds.length);
				if (matchedIds.some((userId) => !related.has(userId))) problems.push('some ids with a relation are missing from the answers');
			}
			return { items: items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

/** Scenario 3: sync status of many persons under WeLink's 40 requests/s limit. */
async function weLinkStatus(config: BenchConfig): Promise<Scenario> {
	const persons = config.persons;
	const rate = config.welinkRatePerSecond;
	const handle = await startWeLinkEmulator({ latencyMs: config.latencyMs, demoPersons: persons, ratePerSecond: rate });
	const credential: CredentialRef = { type: 'weLinkApi', id: 'benchWeLink0000001', name: 'Bench WeLink' };
	const apiPath = '/api/contact/v1/users/status';
	const batch = 10;
	// The demo persons the emulator seeds (demo0001 …), made inside the workflow.
	const input = generatorNode('Input', persons, `{ corpUserId: 'demo' + String(i).padStart(4, '0') }`);
	const ours = benchWorkflow('benchWlOurs0000001', 'bench welink-status ours', [input], [
		ourNode(
			MEASURED,
			'weLink',
			{ resource: 'userSync', operation: 'getStatus', identifierType: 'corpUserId', identifier: '={{ $json.corpUserId }}', options: {} },
			credential,
		),
	]);
	// A user of the HTTP Request node groups the persons into WeLink's batches of 10 first.
	const grouping = groupingNode('Batches of 10', batch, '({ corpUserId: j.corpUserId })', 'personInfo');
	const statusRequest = (options?: Record<string, unknown>) =>
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url: `${handle.baseUrl}${apiPath}`,
			jsonBody: '={{ JSON.stringify({ personInfo: $json.personInfo }) }}',
			options,
		});
	const peer = benchWorkflow('benchWlPeer0000001', 'bench welink-status peer', [input], [grouping, statusRequest()]);
	// The skilled user also sets the node's Batching option to WeLink's published limit.
	const tuned = benchWorkflow('benchWlTuned000001', 'bench welink-status tuned', [input], [grouping, statusRequest(batching(rate, 1000))]);
	const requests = Math.ceil(persons / batch);
	const bound = Math.round((requests / rate) * 1000);
	return {
		id: 'welink-status',
		title: `WeLink status for ${persons.toLocaleString('en')} persons at ${rate} requests/s`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer, tuned },
		builds: {
			ours: 'Get Status (defaults: batches of 10, 40 requests/s)',
			peer: `a Code node grouping the persons by ${batch}, an HTTP Request node with one request per group`,
			tuned: `as peer, with the HTTP Request node's Batching option: ${rate} items per 1000 ms`,
		},
		jobItems: persons,
		boundMs: bound,
		boundFormula: `${requests} requests / ${rate} per s`,
		settings: { batch, ratePerSecond: rate, latencyMs: config.latencyMs },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, apiPath), rateLimited: handle.rateLimitedCount() }),
		check: (side, output) => {
			const problems: string[] = [];
			const items = output.items;
			const refused = items.filter((item) => String(item.code) === '48503').length;
			if (side === 'ours') {
				expectCount(problems, 'persons output', items.length, persons);
				if (refused > 0) problems.push(`${refused} persons answered 48503 (rate limited)`);
			} else {
				expectCount(problems, 'batch answers output', items.length, requests);
				if (refused > 0) problems.push(`${refused} of ${items.length} answers were 48503 (rate limited), their persons have no status`);
			}
			return { items: items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

export const SCENARIO_IDS: ScenarioId[] = ['shiheng-list', 'mingdao-relations', 'mingdao-relations-field', 'welink-status', 'overhead'];

export async function startScenario(id: ScenarioId, config: BenchConfig): Promise<Scenario> {
	switch (id) {
		case 'shiheng-list':
			return await shihengListing(id, config, config.employees, config.latencyMs);
		case 'mingdao-relations':
			return await mingdaoRelations(config, 'expression');
		case 'mingdao-relations-field':
			return await mingdaoRelations(config, 'field');
		case 'welink-status':
			return await weLinkStatus(config);
		case 'overhead':
			return await shihengListing(id, config, config.overheadEmployees, 0);
	}
}

/** A workflow with nothing but the trigger: its CPU time is n8n's own start-up and shutdown. */
export function baselineWorkflow(): BenchWorkflow {
	return benchWorkflow('benchBaseline00001', 'bench baseline', [], [
		{ name: MEASURED, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	]);
}
