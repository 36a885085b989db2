import type { CredentialImport } from '../scripts/lib/n8n';
import type { Emulator } from '../test/emulators/frame';
import { startMingdaoEmulator } from '../test/emulators/mingdao';
import { startShihengEmulator } from '../test/emulators/shiheng';
import { startWeLinkEmulator } from '../test/emulators/welink';
import {
	MEASURED,
	chainWorkflow,
	generatorNode,
	groupingNode,
	httpRequestNode,
	ourNode,
	pagination,
} from './workflows';
import type { CredentialRef, WorkflowJson } from './workflows';

/**
 * The four scenarios of issue #8. Each starts its own emulator in this process (127.0.0.1, a free
 * port), and builds the two workflows that do the same job: one with our node, one with n8n's HTTP
 * Request node authenticating with OUR credential (the alternative a user would build). Both read
 * the same input, produced inside the workflow by the same Code node where the job needs input.
 */

export type SideName = 'ours' | 'peer';

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
};

export interface Counters {
	requests: number;
	/** Requests on the scenario's main API path (without token fetches). */
	apiRequests: number;
	rateLimited: number | null;
}

/** What one run produced, as the scenario judges it. */
export interface RunCheck {
	/** Items the measured node output. */
	items: number;
	/** Empty when the output is what the job asked for. */
	problems: string[];
}

export interface Scenario {
	id: 'shiheng-list' | 'mingdao-relations' | 'welink-status' | 'overhead';
	title: string;
	credentials: CredentialImport[];
	workflows: Record<SideName, WorkflowJson>;
	/** Other ways to build the peer side, measured and reported in details only. */
	variants?: Array<{ key: string; label: string; workflow: WorkflowJson }>;
	/** Items the job is about (employees, ids, persons) — the divisor for per-item figures. */
	jobItems: number;
	/** Theoretical lower bound of the job's time with the injected latency, or null. */
	boundMs: number | null;
	boundFormula: string | null;
	settings: Record<string, number | string>;
	/** The scenario's emulator: its request records give the arrival times of a run's requests. */
	emulator: Emulator;
	counters(): Counters;
	check(side: SideName | 'variant', items: Array<Record<string, unknown>>): RunCheck;
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
	const ours = chainWorkflow(`bench${suffix}Ours00001`, `bench ${id} ours`, [
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
	const peer = chainWorkflow(`bench${suffix}Peer00001`, `bench ${id} peer`, [
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url: `${handle.baseUrl}${handle.employeePath}`,
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
	const bound = latencyMs > 0 ? Math.ceil(pages / concurrency) * latencyMs : null;
	return {
		id,
		title:
			id === 'overhead'
				? `Overhead: Shiheng list ${employees.toLocaleString('en')} employees, no latency`
				: `Shiheng list ${employees.toLocaleString('en')} employees (${pages} pages)`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer },
		jobItems: employees,
		boundMs: bound,
		boundFormula: bound === null ? null : `ceil(${pages} pages / concurrency ${concurrency}) x ${latencyMs} ms`,
		settings: { pages, pageSize: config.pageSize, concurrency, latencyMs },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, handle.employeePath), rateLimited: null }),
		check: (side, items) => {
			const problems: string[] = [];
			if (side === 'ours') {
				expectCount(problems, 'employees output', items.length, employees);
				return { items: items.length, problems };
			}
			// The HTTP Request node outputs one item per page answer.
			expectCount(problems, 'pages output', items.length, pages);
			const listed = items.reduce((sum, page) => {
				const result = (page.result as { result?: unknown[] } | undefined)?.result;
				return sum + (Array.isArray(result) ? result.length : 0);
			}, 0);
			expectCount(problems, 'employees in the pages', listed, employees);
			return { items: items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

/** Scenario 2: relations of many ids; ours in de-duplicated batches, the HTTP Request node one request per item. */
async function mingdaoRelations(config: BenchConfig): Promise<Scenario> {
	const ids = config.relationIds;
	const handle = await startMingdaoEmulator({ latencyMs: config.latencyMs, users: ids });
	const credential: CredentialRef = { type: 'mingdaoApi', id: 'benchMingdao000001', name: 'Bench Mingdao' };
	const apiPath = '/generalintegrateapi/v2/user/getUserRelations';
	// The same ids the emulator holds (wx-user-00001 …), made inside the workflow.
	const input = generatorNode('Input', ids, `{ corpUserId: 'wx-user-' + String(i).padStart(5, '0') }`);
	const ours = chainWorkflow('benchMdOurs0000001', 'bench mingdao-relations ours', [
		input,
		ourNode(
			MEASURED,
			'mingdao',
			{
				resource: 'user',
				operation: 'getRelations',
				corpUserIds: '={{ $json.corpUserId }}',
				// What the node's help suggests for thousands of items: read the field, no per-item expression.
				options: { batchSize: config.mingdaoBatch, concurrency: config.mingdaoConcurrency, idField: 'corpUserId' },
			},
			credential,
		),
	]);
	const peer = chainWorkflow('benchMdPeer0000001', 'bench mingdao-relations peer', [
		input,
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url: `${handle.baseUrl}${apiPath}`,
			jsonBody: '={{ JSON.stringify({ corpUserIds: [$json.corpUserId] }) }}',
		}),
	]);
	const requests = Math.ceil(ids / config.mingdaoBatch);
	const bound = Math.ceil(requests / config.mingdaoConcurrency) * config.latencyMs;
	const matched = handle.userIds.filter((userId) => handle.accountOf(userId) !== undefined).length;
	return {
		id: 'mingdao-relations',
		title: `Mingdao relations for ${ids.toLocaleString('en')} ids`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer },
		jobItems: ids,
		boundMs: bound,
		boundFormula: `ceil(${requests} requests / concurrency ${config.mingdaoConcurrency}) x ${config.latencyMs} ms`,
		settings: { batchSize: config.mingdaoBatch, concurrency: config.mingdaoConcurrency, latencyMs: config.latencyMs },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, apiPath), rateLimited: null }),
		check: (side, items) => {
			const problems: string[] = [];
			expectCount(problems, 'items output', items.length, ids);
			const found =
				side === 'ours'
					? items.filter((item) => item.found === true).length
					: items.filter((item) => Array.isArray(item.data) && item.data.length > 0).length;
			expectCount(problems, 'ids with a relation', found, matched);
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
	const ours = chainWorkflow('benchWlOurs0000001', 'bench welink-status ours', [
		input,
		ourNode(
			MEASURED,
			'weLink',
			{ resource: 'userSync', operation: 'getStatus', identifierType: 'corpUserId', identifier: '={{ $json.corpUserId }}', options: {} },
			credential,
		),
	]);
	// A user of the HTTP Request node would group the persons into WeLink's batches of 10 first.
	const peer = chainWorkflow('benchWlPeer0000001', 'bench welink-status peer', [
		input,
		groupingNode('Batches of 10', batch, '({ corpUserId: j.corpUserId })', 'personInfo'),
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url: `${handle.baseUrl}${apiPath}`,
			jsonBody: '={{ JSON.stringify({ personInfo: $json.personInfo }) }}',
		}),
	]);
	// The careful user: the HTTP Request node's own Batching option set to WeLink's published limit.
	const throttled = chainWorkflow('benchWlPeerThrot01', 'bench welink-status peer, batching option', [
		input,
		groupingNode('Batches of 10', batch, '({ corpUserId: j.corpUserId })', 'personInfo'),
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url: `${handle.baseUrl}${apiPath}`,
			jsonBody: '={{ JSON.stringify({ personInfo: $json.personInfo }) }}',
			options: { batching: { batch: { batchSize: rate, batchInterval: 1000 } } },
		}),
	]);
	const requests = Math.ceil(persons / batch);
	const bound = Math.round((requests / rate) * 1000);
	return {
		id: 'welink-status',
		title: `WeLink status for ${persons.toLocaleString('en')} persons at ${rate} requests/s`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer },
		variants: [
			{
				key: 'peer_batching',
				label: `HTTP Request node with its Batching option: ${rate} items per 1000 ms`,
				workflow: throttled,
			},
		],
		jobItems: persons,
		boundMs: bound,
		boundFormula: `${requests} requests / ${rate} per s`,
		settings: { batch, ratePerSecond: rate, latencyMs: config.latencyMs },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, apiPath), rateLimited: handle.rateLimitedCount() }),
		check: (side, items) => {
			const problems: string[] = [];
			if (side === 'ours') {
				expectCount(problems, 'persons output', items.length, persons);
				const refused = items.filter((item) => String(item.code) === '48503').length;
				if (refused > 0) problems.push(`${refused} persons answered 48503 (rate limited)`);
			} else {
				expectCount(problems, 'batch answers output', items.length, requests);
				const refused = items.filter((item) => String(item.code) === '48503').length;
				if (refused > 0) problems.push(`${refused} of ${items.length} answers were 48503 (rate limited), their persons have no status`);
			}
			return { items: items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

export const SCENARIO_IDS: Array<Scenario['id']> = ['shiheng-list', 'mingdao-relations', 'welink-status', 'overhead'];

export async function startScenario(id: Scenario['id'], config: BenchConfig): Promise<Scenario> {
	switch (id) {
		case 'shiheng-list':
			return await shihengListing(id, config, config.employees, config.latencyMs);
		case 'mingdao-relations':
			return await mingdaoRelations(config);
		case 'welink-status':
			return await weLinkStatus(config);
		case 'overhead':
			return await shihengListing(id, config, config.overheadEmployees, 0);
	}
}

/** A workflow with nothing but the trigger: its CPU time is n8n's own start-up and shutdown. */
export function baselineWorkflow(): WorkflowJson {
	return chainWorkflow('benchBaseline00001', 'bench baseline', [
		{ name: MEASURED, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	]);
}
