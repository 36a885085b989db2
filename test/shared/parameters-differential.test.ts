import type {
	IConnections,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { collectionReader, itemParameterReader } from '../../nodes/shared/execution/parameters';
import { nodeTypesByName } from '../harness/registry';
import { runWorkflow } from '../harness/run-workflow';

/**
 * The fast parameter reader must give exactly what n8n's own `getNodeParameter` gives. A test node
 * reads its `value` parameter both ways for every item, inside n8n-core's real WorkflowExecute, and
 * the two outcomes (a value, or an error's message) are compared for a corpus of expression forms
 * × item shapes, fed in three ways: from a node before, from pinned data, and over two inputs.
 */

type Outcome = { value: unknown } | { error: string };

interface Reading {
	node: string;
	item: number;
	fast: Outcome;
	n8n: Outcome;
}

const readings: Reading[] = [];

function outcomeOf(read: () => unknown): Outcome {
	try {
		return { value: read() };
	} catch (error) {
		return { error: error instanceof Error ? error.message : String(error) };
	}
}

function readerDescription(name: string, inputs: number): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: name,
		defaults: { name },
		inputs: Array.from({ length: inputs }, () => 'main'),
		outputs: ['main'],
		properties: [
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'collection',
				default: {},
				options: [
					{ displayName: 'A', name: 'a', type: 'string', default: '' },
					{ displayName: 'B', name: 'b', type: 'string', default: '' },
					{ displayName: 'C', name: 'c', type: 'boolean', default: true },
				],
			},
		],
	} as INodeTypeDescription;
}

class ParameterReader implements INodeType {
	description: INodeTypeDescription;

	constructor(name: string, inputs: number) {
		this.description = readerDescription(name, inputs);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const fast = itemParameterReader(this, 'value');
		const fastFields = collectionReader(this, 'fields');
		const items = this.getInputData();
		const node = this.getNode().name;
		// n8n's `$json` comes from the first input that has items: read as many items as that has.
		const count = Math.max(
			items.length,
			...Array.from({ length: 2 }, (_, input) => safeLength(this, input)),
		);
		for (let item = 0; item < count; item++) {
			readings.push({
				node,
				item,
				fast: outcomeOf(() => fast(item)),
				n8n: outcomeOf(() => this.getNodeParameter('value', item)),
			});
			// The same form inside a collection, beside a plain field and a constant.
			readings.push({
				node: `${node} (collection)`,
				item,
				fast: outcomeOf(() => fastFields(item)),
				n8n: outcomeOf(() => this.getNodeParameter('fields', item, {})),
			});
		}
		return [items];
	}
}

function safeLength(ctx: IExecuteFunctions, input: number): number {
	try {
		return ctx.getInputData(input).length;
	} catch {
		return 0;
	}
}

beforeAll(() => {
	nodeTypesByName().set('test.readParameter', new ParameterReader('testReadParameter', 1));
	nodeTypesByName().set(
		'test.readParameterTwoInputs',
		new ParameterReader('testReadParameterTwoInputs', 2),
	);
});

/** Item shapes: every kind of JSON value, missing and null fields, unicode and odd keys. */
const ITEMS: IDataObject[] = [
	{
		name: 'Ann',
		id: 'x',
		num: 12345,
		zero: 0,
		float: -1.5,
		yes: true,
		no: false,
		nothing: null,
		empty: '',
		spaces: '  ',
		list: ['x', 'y'],
		emptyList: [],
		nested: { a: { b: 'deep' }, list: [1, [2, 3]], nothing: null },
		objects: [{ id: 1 }, { id: 2 }],
		名字: '张三',
		'user id': 'u 1',
		'a.b': 'dotted',
		'': 'empty key',
		length: 7,
	},
	{},
	{ name: 42, list: 'x,y', nested: null },
	{ name: ['a', 'b'], nested: { a: null }, objects: [] },
	{ name: { first: 'B' }, nested: { a: { b: 0 } }, 名字: null },
	{ name: '', nested: 'text', list: [null, { a: 1 }] },
	JSON.parse(
		'{"__proto__": "own", "constructor": "own too", "toString": "mine", "valueOf": 1}',
	) as IDataObject,
];

const FIELDS = [
	'name',
	'id',
	'num',
	'zero',
	'float',
	'yes',
	'no',
	'nothing',
	'empty',
	'spaces',
	'list',
	'emptyList',
	'nested',
	'objects',
	'missing',
];

/** Expression forms: whitespace around, prototype names, lengths, paths, brackets, unicode. */
const FORMS: string[] = [
	...FIELDS.map((field) => `={{ $json.${field} }}`),
	'={{$json.name}}',
	'={{   $json.name   }}',
	'={{\n$json.name\n}}',
	'={{ $json.name }}\n',
	'={{ $json.name }} ',
	'={{ $json.list }}\n',
	'={{ $json.nested }}\n',
	'={{ $json.num }}\t',
	' ={{ $json.name }}',
	'\n={{ $json.name }}',
	'= {{ $json.name }}',
	'=\n{{ $json.list }}',
	'={{ $json.name.length }}',
	'={{ $json.list.length }}',
	'={{ $json.emptyList.length }}',
	'={{ $json.length }}',
	'={{ $json.constructor }}',
	'={{ $json.toString }}',
	'={{ $json.__proto__ }}',
	'={{ $json.valueOf }}',
	'={{ $json.hasOwnProperty }}',
	'={{ $json.name.constructor }}',
	'={{ $json.nested.__proto__ }}',
	'={{ $json["constructor"] }}',
	'={{ $json["__proto__"] }}',
	'={{ $json.nested.a.b }}',
	'={{ $json.nested.a }}',
	'={{ $json.nested.list }}',
	'={{ $json.nested.nothing }}',
	'={{ $json.nested.nothing.deeper }}',
	'={{ $json.nothing.deeper }}',
	'={{ $json.missing.deeper }}',
	'={{ $json.name.first }}',
	'={{ $json.objects }}',
	'={{ $json["user id"] }}',
	"={{ $json['名字'] }}",
	'={{ $json["名字"] }}',
	'={{ $json.名字 }}',
	'={{ $json["a.b"] }}',
	'={{ $json[""] }}',
	'={{ $json.nested["a"].b }}',
	"={{ $json['nested']['a']['b'] }}",
	'={{ $json [ "name" ] }}',
	'={{ $json.list[0] }}',
	'={{ $json }}',
	'={{ $json.name }}{{ $json.id }}',
	'=x{{ $json.name }}',
];

function sameOutcome(fast: Outcome, n8n: Outcome): boolean {
	if ('error' in fast || 'error' in n8n)
		return 'error' in fast && 'error' in n8n && fast.error === n8n.error;
	if (typeof fast.value !== typeof n8n.value) return false;
	if (typeof fast.value !== 'object' || fast.value === null)
		return Object.is(fast.value, n8n.value);
	try {
		expect(fast.value).toStrictEqual(n8n.value);
		return true;
	} catch {
		return false;
	}
}

function describeOutcome(outcome: Outcome): string {
	return 'error' in outcome
		? `error "${outcome.error}"`
		: `${typeof outcome.value} ${JSON.stringify(outcome.value) ?? String(outcome.value)}`;
}

function readerNode(name: string, form: string, twoInputs = false) {
	return {
		name,
		type: twoInputs ? 'test.readParameterTwoInputs' : 'test.readParameter',
		parameters: { value: form, fields: { a: form, b: '={{ $json.id }}', c: false } },
	};
}

function itemsNode(name: string, items: IDataObject[]) {
	return { name, type: 'test.items', parameters: { items: JSON.stringify(items) } };
}

/** Every form read by one node per form, all in one workflow. */
async function readAll(
	feed: 'node before' | 'pinned data' | 'two inputs' | 'second input only',
): Promise<Reading[]> {
	readings.length = 0;
	const readers = FORMS.map((form, index) =>
		readerNode(`Read ${index}`, form, feed === 'two inputs' || feed === 'second input only'),
	);
	const connections: IConnections = {};
	const to = (node: string, index = 0) => ({ node, type: 'main' as const, index });
	let pinData: Record<string, INodeExecutionData[]> | undefined;
	const nodes = [itemsNode('Start', [{}])];
	if (feed === 'node before' || feed === 'pinned data') {
		nodes.push(itemsNode('Items', feed === 'pinned data' ? [{ unpinned: true }] : ITEMS));
		connections.Start = { main: [[to('Items')]] };
		connections.Items = { main: [readers.map((reader) => to(reader.name))] };
		if (feed === 'pinned data') pinData = { Items: ITEMS.map((json) => ({ json })) };
	} else {
		// Input 0 gets other items (or none at all), input 1 the corpus.
		nodes.push(
			itemsNode(
				'First',
				feed === 'two inputs' ? ITEMS.map((json) => ({ ...json, first: true })) : [],
			),
		);
		nodes.push(itemsNode('Second', ITEMS));
		connections.Start = { main: [[to('First'), to('Second')]] };
		connections.First = { main: [readers.map((reader) => to(reader.name, 0))] };
		connections.Second = { main: [readers.map((reader) => to(reader.name, 1))] };
	}
	const run = await runWorkflow({ nodes: [...nodes, ...readers], connections, pinData });
	expect(run.run.data.resultData.error).toBeUndefined();
	return [...readings];
}

describe.each(['node before', 'pinned data', 'two inputs', 'second input only'] as const)(
	'items from %s',
	(feed) => {
		test('the fast reader gives exactly n8n’s value or error for every form and item', async () => {
			const seen = await readAll(feed);
			// Every reader ran, over every item of the corpus, reading the parameter and the collection.
			expect(new Set(seen.map((reading) => reading.node)).size).toBe(FORMS.length * 2);
			expect(seen.length).toBe(FORMS.length * ITEMS.length * 2);
			const differences = seen
				.filter((reading) => !sameOutcome(reading.fast, reading.n8n))
				.map((reading) => {
					const form = FORMS[Number(reading.node.split(' ')[1])];
					return `${JSON.stringify(form)}${reading.node.endsWith('(collection)') ? ' in a collection' : ''} item ${reading.item}: fast ${describeOutcome(reading.fast)}, n8n ${describeOutcome(reading.n8n)}`;
				});
			expect(differences).toEqual([]);
		});
	},
);
