import type { CredentialImport } from '../scripts/lib/n8n';
import type { Emulator } from '../test/emulators/frame';
import { startMingdaoEmulator } from '../test/emulators/mingdao';
import { startShihengEmulator } from '../test/emulators/shiheng';
import { startWeLinkEmulator } from '../test/emulators/welink';
import {
	MEASURED,
	benchWorkflow,
	codeNode,
	graphWorkflow,
	generatorNode,
	groupingNode,
	httpRequestNode,
	ourNode,
	pagination,
	remainingPagesNode,
	runnerWarmUpNode,
} from './workflows';
import type { BenchWorkflow, CredentialRef, Edge, NodeSpec } from './workflows';

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

export type ScenarioId =
	| 'shiheng-list'
	| 'mingdao-relations'
	| 'mingdao-relations-field'
	| 'welink-status'
	| 'welink-departments'
	| 'overhead';

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
	/** WeLink departments: departments per level (top level first), persons in the last level's departments, the poll interval of both sides. */
	departmentLevels: number[];
	departmentUsers: number;
	departmentPollMs: number;
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
	departmentLevels: [1, 9, 90, 300, 600],
	departmentUsers: 2_000,
	// The emulator settles a department on its third status poll, not after a time: a short pause between polls wastes nothing.
	departmentPollMs: 100,
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
	departmentLevels: [1, 3, 6, 10, 20],
	departmentUsers: 60,
	departmentPollMs: 100,
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
	/** Called before every run: a scenario whose job changes the emulator's state starts each run from the same state. */
	prepareRun?(): void;
	check(side: SideName, output: JobOutput): RunCheck;
	stop(): Promise<void>;
}

function credentialImport(
	ref: CredentialRef,
	data: Record<string, string | number | boolean>,
): CredentialImport {
	return { id: ref.id, name: ref.name, type: ref.type, data };
}

function countRequests(
	emulator: Emulator,
	apiPath: string,
): Pick<Counters, 'requests' | 'apiRequests'> {
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
function checkPageAnswers(
	problems: string[],
	answers: Json[],
	pages: number,
	employees: number,
): void {
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
	const credential: CredentialRef = {
		type: 'shihengApi',
		id: `benchShiheng${suffix}01`,
		name: `Bench Shiheng ${suffix}`,
	};
	const pages = Math.ceil(employees / config.pageSize);
	const concurrency = config.shihengConcurrency;
	const url = `${handle.baseUrl}${handle.employeePath}`;
	const ours = benchWorkflow(
		`bench${suffix}Ours00001`,
		`bench ${id} ours`,
		[runnerWarmUpNode('Warm-up')],
		[
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
		],
	);
	const peer = benchWorkflow(
		`bench${suffix}Peer00001`,
		`bench ${id} peer`,
		[runnerWarmUpNode('Warm-up')],
		[
			httpRequestNode(MEASURED, credential, {
				method: 'POST',
				url,
				jsonBody: JSON.stringify({ paramContent: { pageNum: 1, pageSize: config.pageSize } }),
				options: {
					pagination: pagination(
						{
							type: 'body',
							name: 'paramContent',
							value: `={{ { "pageNum": $pageCount + 1, "pageSize": ${config.pageSize} } }}`,
						},
						// $pageCount is the number of pages received so far when this is evaluated.
						'={{ $pageCount >= $response.body.result.pages }}',
						pages + 5,
					),
				},
			}),
		],
	);
	// The skilled user: page 1 tells the page count, a Code node makes one item per remaining page,
	// and one HTTP Request node fetches them all (it starts every item's request without waiting).
	// The other scenarios' input Code node lets the task runner connect before the job; here a
	// warm-up Code node does (not counted), on all three sides: without it the runner starts up
	// during the job and takes a core from it.
	const tuned = benchWorkflow(
		`bench${suffix}Tuned0001`,
		`bench ${id} tuned`,
		[runnerWarmUpNode('Warm-up')],
		[
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
		],
	);
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
		boundFormula:
			bound === null ? null : `ceil(${pages} pages / concurrency ${concurrency}) x ${latencyMs} ms`,
		settings: { pages, pageSize: config.pageSize, concurrency, latencyMs },
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, handle.employeePath), rateLimited: null }),
		check: (side, output) => {
			const problems: string[] = [];
			if (side === 'ours') {
				expectCount(problems, 'employees output', output.items.length, employees);
			} else {
				// The HTTP Request node outputs one item per page answer; the tuned side got page 1 from its first node.
				const answers =
					side === 'tuned' ? [...(output.byNode[FIRST_PAGE] ?? []), ...output.items] : output.items;
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
async function mingdaoRelations(
	config: BenchConfig,
	readIdsFrom: 'expression' | 'field',
): Promise<Scenario> {
	const ids = config.relationIds;
	const handle = await startMingdaoEmulator({ latencyMs: config.latencyMs, users: ids });
	const key = readIdsFrom === 'field' ? 'Fld' : 'Exp';
	const id: ScenarioId = readIdsFrom === 'field' ? 'mingdao-relations-field' : 'mingdao-relations';
	const credential: CredentialRef = {
		type: 'mingdaoApi',
		id: `benchMingdao${key}001`,
		name: `Bench Mingdao ${key}`,
	};
	const apiPath = '/generalintegrateapi/v2/user/getUserRelations';
	const url = `${handle.baseUrl}${apiPath}`;
	const batch = config.mingdaoBatch;
	// The same ids the emulator holds (wx-user-00001 …), made inside the workflow.
	const input = generatorNode(
		'Input',
		ids,
		`{ corpUserId: 'wx-user-' + String(i).padStart(5, '0') }`,
	);
	const ourOptions: Record<string, unknown> = {
		batchSize: batch,
		concurrency: config.mingdaoConcurrency,
	};
	// The option the node's help suggests for thousands of items: read the field, no per-item expression.
	if (readIdsFrom === 'field') ourOptions.idField = 'corpUserId';
	const ours = benchWorkflow(
		`benchMd${key}Ours00001`,
		`bench ${id} ours`,
		[input],
		[
			ourNode(
				MEASURED,
				'mingdao',
				{
					resource: 'user',
					operation: 'getRelations',
					corpUserIds: '={{ $json.corpUserId }}',
					options: ourOptions,
				},
				credential,
			),
		],
	);
	const perItem = (options?: Record<string, unknown>) =>
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url,
			jsonBody: '={{ JSON.stringify({ corpUserIds: [$json.corpUserId] }) }}',
			options,
		});
	const peer = benchWorkflow(`benchMd${key}Peer00001`, `bench ${id} peer`, [input], [perItem()]);
	// The skilled user sees that corpUserIds is a list: a Code node groups the ids, one request per group.
	const tuned = benchWorkflow(
		`benchMd${key}Tuned0001`,
		`bench ${id} tuned`,
		[input],
		[
			groupingNode(`Groups of ${batch}`, batch, 'j.corpUserId', 'corpUserIds'),
			httpRequestNode(MEASURED, credential, {
				method: 'POST',
				url,
				jsonBody: '={{ JSON.stringify({ corpUserIds: $json.corpUserIds }) }}',
			}),
		],
	);
	const variants: Variant[] =
		readIdsFrom === 'expression'
			? [
					{
						key: 'peer_batching',
						label: 'HTTP Request node, one request per id, Batching option 50 items / 0 ms',
						workflow: benchWorkflow(
							`benchMd${key}Batch0001`,
							`bench ${id} peer, batching option`,
							[input],
							[perItem(batching(50, 0))],
						),
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
		settings: {
			batchSize: batch,
			concurrency: config.mingdaoConcurrency,
			latencyMs: config.latencyMs,
			readIdsFrom,
		},
		emulator: handle.emulator,
		counters: () => ({ ...countRequests(handle.emulator, apiPath), rateLimited: null }),
		check: (side, output) => {
			const problems: string[] = [];
			const items = output.items;
			if (side === 'ours') {
				expectCount(problems, 'items output', items.length, ids);
				expectCount(
					problems,
					'ids with a relation',
					items.filter((item) => item.found === true).length,
					matchedIds.length,
				);
			} else if (side === 'peer') {
				expectCount(problems, 'items output', items.length, ids);
				const found = items.filter(
					(item) => Array.isArray(item.data) && item.data.length > 0,
				).length;
				expectCount(problems, 'ids with a relation', found, matchedIds.length);
			} else {
				expectCount(problems, 'group answers output', items.length, requests);
				// A refused call answers data: null.
				const refused = items.filter((item) => !Array.isArray(item.data)).length;
				if (refused > 0)
					problems.push(
						`${refused} group answers carry no data list (message: ${String(items.find((item) => !Array.isArray(item.data))?.message)})`,
					);
				const related = new Set(
					items.flatMap((item) =>
						(Array.isArray(item.data) ? (item.data as Json[]) : []).map((row) => row.corpUserId),
					),
				);
				expectCount(problems, 'ids with a relation', related.size, matchedIds.length);
				if (matchedIds.some((userId) => !related.has(userId)))
					problems.push('some ids with a relation are missing from the answers');
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
	const handle = await startWeLinkEmulator({
		latencyMs: config.latencyMs,
		demoPersons: persons,
		ratePerSecond: rate,
	});
	const credential: CredentialRef = {
		type: 'weLinkApi',
		id: 'benchWeLink0000001',
		name: 'Bench WeLink',
	};
	const apiPath = '/api/contact/v1/users/status';
	const batch = 10;
	// The demo persons the emulator seeds (demo0001 …), made inside the workflow.
	const input = generatorNode(
		'Input',
		persons,
		`{ corpUserId: 'demo' + String(i).padStart(4, '0') }`,
	);
	const ours = benchWorkflow(
		'benchWlOurs0000001',
		'bench welink-status ours',
		[input],
		[
			ourNode(
				MEASURED,
				'weLink',
				{
					resource: 'userSync',
					operation: 'getStatus',
					identifierType: 'corpUserId',
					identifier: '={{ $json.corpUserId }}',
					options: {},
				},
				credential,
			),
		],
	);
	// A user of the HTTP Request node groups the persons into WeLink's batches of 10 first.
	const grouping = groupingNode(
		'Batches of 10',
		batch,
		'({ corpUserId: j.corpUserId })',
		'personInfo',
	);
	const statusRequest = (options?: Record<string, unknown>) =>
		httpRequestNode(MEASURED, credential, {
			method: 'POST',
			url: `${handle.baseUrl}${apiPath}`,
			jsonBody: '={{ JSON.stringify({ personInfo: $json.personInfo }) }}',
			options,
		});
	const peer = benchWorkflow(
		'benchWlPeer0000001',
		'bench welink-status peer',
		[input],
		[grouping, statusRequest()],
	);
	// The skilled user also sets the node's Batching option to WeLink's published limit.
	const tuned = benchWorkflow(
		'benchWlTuned000001',
		'bench welink-status tuned',
		[input],
		[grouping, statusRequest(batching(rate, 1000))],
	);
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
		counters: () => ({
			...countRequests(handle.emulator, apiPath),
			rateLimited: handle.rateLimitedCount(),
		}),
		check: (side, output) => {
			const problems: string[] = [];
			const items = output.items;
			const refused = items.filter((item) => String(item.code) === '48503').length;
			if (side === 'ours') {
				expectCount(problems, 'persons output', items.length, persons);
				if (refused > 0) problems.push(`${refused} persons answered 48503 (rate limited)`);
			} else {
				expectCount(problems, 'batch answers output', items.length, requests);
				if (refused > 0)
					problems.push(
						`${refused} of ${items.length} answers were 48503 (rate limited), their persons have no status`,
					);
			}
			return { items: items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

/** corpDeptCode of the `index`-th (0-based) department of `level` (1 = top) in the welink-departments tree. */
function departmentCode(level: number, index: number): string {
	return `L${level}-${String(index + 1).padStart(4, '0')}`;
}

/** The JavaScript expression (over a 1-based `i`) of the welink-departments persons, spread over the last level's departments. */
function departmentUserExpression(leaves: number, level: number): string {
	return (
		`{ corpUserId: 'dept-user-' + String(i).padStart(5, '0'), userNameCn: '用户' + i, ` +
		`userEmail: 'dept-user-' + String(i).padStart(5, '0') + '@example.com', ` +
		`corpDeptCode: 'L${level}-' + String(((i - 1) % ${leaves}) + 1).padStart(4, '0') }`
	);
}

/**
 * Scenario 5 (issue 25): submit a department tree level by level (WeLink syncs departments
 * asynchronously: a child sent before its parent is final fails 47114), then persons in the last
 * level's departments (a person in a department WeLink does not know ends 47106). Every run starts
 * from an emulator that knows no department and no person.
 */
async function weLinkDepartments(config: BenchConfig): Promise<Scenario> {
	const levels = config.departmentLevels;
	const users = config.departmentUsers;
	const rate = config.welinkRatePerSecond;
	const pollMs = config.departmentPollMs;
	const batch = 10;
	// A department is final on its third status poll (two answers of 47118 first).
	const processingPolls = 2;
	const pollsToFinal = processingPolls + 1;
	const handle = await startWeLinkEmulator({
		latencyMs: config.latencyMs,
		ratePerSecond: rate,
		demoPersons: 0,
		departments: [],
		departmentPolls: processingPolls,
	});
	const credential: CredentialRef = {
		type: 'weLinkApi',
		id: 'benchWeLinkDept001',
		name: 'Bench WeLink Departments',
	};
	const paths = {
		submit: '/api/contact/v2/departments/bulk',
		status: '/api/contact/v2/departments/status',
		users: '/api/contact/v1/users/bulk',
	};
	const url = (path: string) => `${handle.baseUrl}${path}`;
	const departmentCount = levels.reduce((sum, n) => sum + n, 0);
	const codes = levels.flatMap((n, level) =>
		Array.from({ length: n }, (_, index) => departmentCode(level + 1, index)),
	);
	const userIds = Array.from(
		{ length: users },
		(_, i) => `dept-user-${String(i + 1).padStart(5, '0')}`,
	);

	// The export: every department with its parent and level, in a fixed shuffled order (children before parents too).
	const input = codeNode('Input', [
		`const sizes = ${JSON.stringify(levels)};`,
		"const code = (level, index) => 'L' + level + '-' + String(index + 1).padStart(4, '0');",
		'const out = [];',
		'for (let l = 0; l < sizes.length; l++) {',
		'  for (let i = 0; i < sizes[l]; i++) {',
		"    const parent = l === 0 ? '0' : code(l, Math.floor((i * sizes[l - 1]) / sizes[l]));",
		"    out.push({ corpDeptCode: code(l + 1, i), corpParentCode: parent, deptNameCn: '部门 ' + code(l + 1, i), deptLevel: String(l + 1) });",
		'  }',
		'}',
		'let seed = 12345;',
		'for (let i = out.length - 1; i > 0; i--) {',
		'  seed = (seed * 1103515245 + 12345) % 2147483648;',
		'  const j = seed % (i + 1);',
		'  [out[i], out[j]] = [out[j], out[i]];',
		'}',
		'return out.map((json) => ({ json }));',
	]);
	// The persons, made after the departments on every side (counted, the same Code node everywhere).
	const usersNode = generatorNode(
		'Users',
		users,
		departmentUserExpression(levels[levels.length - 1], levels.length),
	);
	const userGroups = groupingNode(
		'Users by 10',
		batch,
		'({ corpUserId: j.corpUserId, userNameCn: j.userNameCn, userEmail: j.userEmail, corpDeptCode: j.corpDeptCode })',
		'personInfo',
	);
	const userRequest = httpRequestNode(MEASURED, credential, {
		method: 'POST',
		url: url(paths.users),
		jsonBody: '={{ JSON.stringify({ personInfo: $json.personInfo }) }}',
		options: batching(rate, 1000),
	});

	const submitOurs = ourNode(
		'Submit departments',
		'weLink',
		{
			resource: 'department',
			operation: 'submit',
			corpDeptCode: '={{ $json.corpDeptCode }}',
			corpParentCode: '={{ $json.corpParentCode }}',
			deptNameCn: '={{ $json.deptNameCn }}',
			additionalFields: { deptLevel: '={{ $json.deptLevel }}' },
			options: { pollIntervalMs: pollMs },
		},
		credential,
	);
	// Wait for Parents leaves the last level unpolled (nothing in the input waits for it); the persons do.
	const notFinal: NodeSpec = {
		name: 'Not final yet',
		type: 'n8n-nodes-base.filter',
		typeVersion: 2.2,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: 'b7d5c3a0-0001-4000-8000-000000000001',
						leftValue: '={{ $json.final === true }}',
						rightValue: '',
						operator: { type: 'boolean', operation: 'false', singleValue: true },
					},
				],
				combinator: 'and',
			},
			options: {},
		},
	};
	const lastLevelStatus = ourNode(
		'Wait for the last level',
		'weLink',
		{
			resource: 'department',
			operation: 'getStatus',
			corpDeptCode: '={{ $json.corpDeptCode }}',
			options: { waitUntilFinal: true, pollIntervalMs: pollMs },
		},
		credential,
	);
	const usersOurs = ourNode(
		MEASURED,
		'weLink',
		{
			resource: 'userSync',
			operation: 'submit',
			corpUserId: '={{ $json.corpUserId }}',
			userNameCn: '={{ $json.userNameCn }}',
			additionalFields: {
				corpDeptCode: '={{ $json.corpDeptCode }}',
				userEmail: '={{ $json.userEmail }}',
			},
			options: {},
		},
		credential,
	);
	const ours = benchWorkflow(
		'benchWlDeptOurs001',
		'bench welink-departments ours',
		[input],
		[submitOurs, notFinal, lastLevelStatus, usersNode, usersOurs],
	);

	// The first build: sort by level, groups of 10, one request per group at 40/s; nothing waits for WeLink's processing.
	const sortAndGroup = codeNode('Sort and group by 10', [
		'const all = $input.all().map((item) => item.json).sort((a, b) => Number(a.deptLevel) - Number(b.deptLevel));',
		'const out = [];',
		`for (let i = 0; i < all.length; i += ${batch}) out.push({ json: { deptInfo: all.slice(i, i + ${batch}) } });`,
		'return out;',
	]);
	const submitRequest = httpRequestNode('Submit departments', credential, {
		method: 'POST',
		url: url(paths.submit),
		jsonBody: '={{ JSON.stringify({ deptInfo: $json.deptInfo }) }}',
		options: batching(rate, 1000),
	});
	const peer = benchWorkflow(
		'benchWlDeptPeer001',
		'bench welink-departments peer',
		[input],
		[sortAndGroup, submitRequest, usersNode, userGroups, userRequest],
	);

	// The skilled build: a loop over the levels; per level submit, then poll departments/status until none is processing.
	const tunedNodes: NodeSpec[] = [
		codeNode('Levels', [
			'const byLevel = new Map();',
			'for (const { json } of $input.all()) {',
			'  const level = Number(json.deptLevel);',
			'  if (!byLevel.has(level)) byLevel.set(level, []);',
			'  byLevel.get(level).push(json);',
			'}',
			'return [...byLevel.keys()].sort((a, b) => a - b).map((level) => ({ json: { level, departments: byLevel.get(level) } }));',
		]),
		{
			name: 'Loop over levels',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			parameters: { batchSize: 1, options: {} },
		},
		codeNode('Level by 10', [
			'const departments = $input.first().json.departments;',
			'const out = [];',
			`for (let i = 0; i < departments.length; i += ${batch}) out.push({ json: { deptInfo: departments.slice(i, i + ${batch}) } });`,
			'return out;',
		]),
		submitRequest,
		// First round: the departments WeLink accepted; later rounds: those still processing (or whose answer was lost).
		codeNode('Status by 10', [
			'const first = $input.first().json;',
			'const codes = Array.isArray(first.pending)',
			'  ? first.pending',
			"  : $input.all().flatMap((item) => (item.json.data ?? []).filter((d) => String(d.code) === '0').map((d) => d.corpDeptCode));",
			'const out = [];',
			`for (let i = 0; i < codes.length; i += ${batch}) out.push({ json: { deptInfo: codes.slice(i, i + ${batch}).map((corpDeptCode) => ({ corpDeptCode })) } });`,
			'return out;',
		]),
		httpRequestNode('Department status', credential, {
			method: 'POST',
			url: url(paths.status),
			jsonBody: '={{ JSON.stringify({ deptInfo: $json.deptInfo }) }}',
			options: batching(rate, 1000),
		}),
		// 47119 succeeded and 47114 failed are final; an answer without data (48503) leaves its departments to ask again.
		codeNode('Still processing', [
			"const asked = $('Status by 10').all().flatMap((item) => item.json.deptInfo.map((d) => d.corpDeptCode));",
			'const final = new Set();',
			'for (const item of $input.all()) {',
			"  for (const d of item.json.data ?? []) if (String(d.code) === '47119' || String(d.code) === '47114') final.add(d.corpDeptCode);",
			'}',
			'return [{ json: { pending: asked.filter((code) => !final.has(code)) } }];',
		]),
		{
			name: 'All final?',
			type: 'n8n-nodes-base.if',
			typeVersion: 2.2,
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'b7d5c3a0-0002-4000-8000-000000000002',
							leftValue: '={{ $json.pending.length }}',
							rightValue: 0,
							operator: { type: 'number', operation: 'equals' },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
		{
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			parameters: { resume: 'timeInterval', amount: pollMs / 1000, unit: 'seconds' },
		},
		usersNode,
		userGroups,
		userRequest,
	];
	const tunedEdges: Edge[] = [
		{ from: 'Start', to: 'Input' },
		{ from: 'Input', to: 'Levels' },
		{ from: 'Levels', to: 'Loop over levels' },
		// Loop Over Items: output 0 is "done", output 1 the next level.
		{ from: 'Loop over levels', to: 'Users', output: 0 },
		{ from: 'Loop over levels', to: 'Level by 10', output: 1 },
		{ from: 'Level by 10', to: 'Submit departments' },
		{ from: 'Submit departments', to: 'Status by 10' },
		{ from: 'Status by 10', to: 'Department status' },
		{ from: 'Department status', to: 'Still processing' },
		{ from: 'Still processing', to: 'All final?' },
		{ from: 'All final?', to: 'Loop over levels', output: 0 },
		{ from: 'All final?', to: 'Wait', output: 1 },
		{ from: 'Wait', to: 'Status by 10' },
		{ from: 'Users', to: 'Users by 10' },
		{ from: 'Users by 10', to: MEASURED },
	];
	const tuned: BenchWorkflow = {
		json: graphWorkflow(
			'benchWlDeptTuned01',
			'bench welink-departments tuned',
			[input, ...tunedNodes],
			tunedEdges,
		),
		measured: tunedNodes.map((node) => node.name),
	};

	const groups = levels.map((n) => Math.ceil(n / batch));
	const groupSum = groups.reduce((sum, g) => sum + g, 0);
	const userRequests = Math.ceil(users / batch);
	// Per level one round of submissions and pollsToFinal rounds of polls, then the persons: each round at the allowed rate,
	// plus one latency per round (a round starts when the previous one's answers are in).
	const rounds = levels.length * (1 + pollsToFinal) + 1;
	const rateMs = ((groupSum * (1 + pollsToFinal) + userRequests) / rate) * 1000;
	const bound = Math.round(rateMs + rounds * config.latencyMs);

	let rateLimitedBefore = 0;
	const apiCount = () =>
		handle.emulator.count(paths.submit) +
		handle.emulator.count(paths.status) +
		handle.emulator.count(paths.users);
	return {
		id: 'welink-departments',
		title: `WeLink: ${departmentCount.toLocaleString('en')} departments in ${levels.length} levels (${levels.join(' → ')}), then ${users.toLocaleString('en')} persons, at ${rate} requests/s`,
		credentials: [credentialImport(credential, handle.credentials)],
		workflows: { ours, peer, tuned },
		builds: {
			ours: `Department Submit (Wait for Parents, Poll Interval ${pollMs} ms), a Filter node keeping the departments not final yet (the last level), Department Get Status (Wait Until Final, Poll Interval ${pollMs} ms), a Code node making the persons, User Sync Submit (defaults: batches of 10, 40 requests/s)`,
			peer: `a Code node sorting the departments by level and grouping them by ${batch}, an HTTP Request node (Batching ${rate} per 1000 ms), the persons' Code node, a Code node grouping them by ${batch}, an HTTP Request node (Batching ${rate} per 1000 ms); nothing waits for WeLink's asynchronous processing of a level`,
			tuned: `a Code node grouping the departments by level, Loop Over Items over the levels: a Code node grouping the level by ${batch}, HTTP Request (Batching ${rate} per 1000 ms), then departments/status by ${batch} (HTTP Request, Batching ${rate} per 1000 ms) in a loop with a Code node collecting the departments still processing, IF and a Wait node of ${pollMs} ms; then the persons as peer`,
		},
		jobItems: departmentCount + users,
		boundMs: bound,
		boundFormula:
			`(sum over levels of ceil(n / ${batch}) x (1 submission + ${pollsToFinal} status polls) + ceil(${users} / ${batch})) requests / ${rate} per s` +
			` + ${rounds} rounds x ${config.latencyMs} ms = (${groupSum} x ${1 + pollsToFinal} + ${userRequests}) / ${rate} s + ${rounds} x ${config.latencyMs} ms`,
		settings: {
			levels: levels.join(','),
			departments: departmentCount,
			users,
			batch,
			ratePerSecond: rate,
			pollIntervalMs: pollMs,
			pollsToFinal,
			latencyMs: config.latencyMs,
		},
		emulator: handle.emulator,
		counters: () => ({
			requests: handle.emulator.records.length,
			apiRequests: apiCount(),
			rateLimited: handle.rateLimitedCount(),
		}),
		prepareRun: () => {
			handle.departments.clear();
			handle.persons.clear();
			// Also empties the rate windows: every run starts with the whole budget.
			handle.setRatePerSecond(rate);
			rateLimitedBefore = handle.rateLimitedCount();
		},
		check: (side, output) => {
			const problems: string[] = [];
			const departments = codes.map((code) => handle.departments.get(code));
			const missing = departments.filter((d) => d === undefined).length;
			const failed = departments.filter((d) => d?.outcome === 'failed').length;
			const unsettled = departments.filter(
				(d) => d !== undefined && d.outcome === 'succeeded' && !d.exists,
			).length;
			if (missing > 0)
				problems.push(`${missing} of ${departmentCount} departments never reached WeLink`);
			if (failed > 0)
				problems.push(
					`${failed} of ${departmentCount} departments failed 47114 (parent not there yet)`,
				);
			if (unsettled > 0)
				problems.push(
					`${unsettled} of ${departmentCount} departments not final at WeLink when the persons were sent or after`,
				);
			const persons = userIds.map((id) => handle.persons.get(id));
			const noPerson = persons.filter((p) => p === undefined).length;
			const noDepartment = persons.filter((p) => p?.outcome === 'parentDepartmentMissing').length;
			const otherwise = persons.filter(
				(p) => p !== undefined && p.outcome !== 'opened' && p.outcome !== 'parentDepartmentMissing',
			).length;
			if (noPerson > 0) problems.push(`${noPerson} of ${users} persons never reached WeLink`);
			if (noDepartment > 0)
				problems.push(`${noDepartment} of ${users} persons end 47106 (department not created)`);
			if (otherwise > 0)
				problems.push(`${otherwise} of ${users} persons end neither opened nor 47106`);
			const items = output.items;
			if (side === 'ours') {
				expectCount(problems, 'persons output', items.length, users);
				const limited = handle.rateLimitedCount() - rateLimitedBefore;
				if (limited > 0) problems.push(`${limited} answers were 48503 (rate limited)`);
			} else {
				expectCount(problems, 'person batch answers output', items.length, userRequests);
				const refused = items.filter((item) => String(item.code) === '48503').length;
				if (refused > 0)
					problems.push(
						`${refused} of ${items.length} person batch answers were 48503, their persons were not submitted`,
					);
			}
			return { items: items.length, problems };
		},
		stop: async () => await handle.stop(),
	};
}

export const SCENARIO_IDS: ScenarioId[] = [
	'shiheng-list',
	'mingdao-relations',
	'mingdao-relations-field',
	'welink-status',
	'welink-departments',
	'overhead',
];

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
		case 'welink-departments':
			return await weLinkDepartments(config);
		case 'overhead':
			return await shihengListing(id, config, config.overheadEmployees, 0);
	}
}

/** A workflow with nothing but the trigger: its CPU time is n8n's own start-up and shutdown. */
export function baselineWorkflow(): BenchWorkflow {
	return benchWorkflow(
		'benchBaseline00001',
		'bench baseline',
		[],
		[{ name: MEASURED, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }],
	);
}
