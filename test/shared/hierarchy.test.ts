import fc from 'fast-check';

import { orderByParent } from '../../nodes/shared/execution/hierarchy';
import { propertySeed } from '../harness/fc-seed';

/** Parents before children: the order Department → Submit sends levels in. */

const node = (itemIndex: number, code: string, parentCode: string) => ({
	itemIndex,
	code,
	parentCode,
});

describe('orderByParent', () => {
	test('levels follow the parents given among the records; others are top of their own chain', () => {
		const order = orderByParent([
			node(0, 'C', 'B'),
			node(1, 'B', 'A'),
			node(2, 'A', '0'),
			node(3, 'X', 'KNOWN-AT-VENDOR'),
		]);
		expect(order.problems).toEqual([]);
		expect(order.levels).toEqual([[2, 3], [1], [0]]);
	});

	test('a self-parent, a cycle and a duplicate are problems naming the items; what hangs below them too', () => {
		const order = orderByParent([
			node(0, 'S', 'S'),
			node(1, 'A', 'B'),
			node(2, 'B', 'A'),
			node(3, 'D', '0'),
			node(4, 'D', '0'),
			node(5, 'U', 'A'),
			node(6, 'OK', '0'),
		]);
		expect(order.levels).toEqual([[6]]);
		const byItem = Object.fromEntries(order.problems.map((p) => [p.itemIndex, p.message]));
		expect(byItem[0]).toMatch(/cycle \("S" → "S"; items 0\)/);
		expect(byItem[1]).toMatch(/cycle .*items 1, 2/);
		expect(byItem[3]).toMatch(/"D" is given by more than one item \(items 3, 4\)/);
		expect(byItem[5]).toMatch(/parent department "A" cannot be submitted/);
	});

	test('property: every ordered record comes on a later level than its parent among the records', () => {
		fc.assert(
			fc.property(fc.array(fc.nat(30), { maxLength: 60 }), (parents) => {
				// Record i has code "n<i>" and a parent among any record (or none): cycles happen too.
				const nodes = parents.map((parent, i) =>
					node(i, `n${i}`, parent < parents.length ? `n${parent}` : '0'),
				);
				const order = orderByParent(nodes);
				const ordered = order.levels.flat();
				expect(new Set([...ordered, ...order.problems.map((p) => p.itemIndex)]).size).toBe(
					nodes.length,
				);
				for (const index of ordered) {
					const parent = nodes.find((other) => other.code === nodes[index].parentCode);
					if (parent)
						expect(order.levelOf.get(index)).toBe((order.levelOf.get(parent.itemIndex) ?? -99) + 1);
					else expect(order.levelOf.get(index)).toBe(0);
				}
			}),
			{ seed: propertySeed('orderByParent property') },
		);
	});
});
