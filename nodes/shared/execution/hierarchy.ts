/** Parents before children: records that name their parent, ordered in levels. */

/**
 * Orders records that name their parent (departments) so that every parent is sent before its
 * children: level 0 holds the records whose parent is not among them (a top department or one the
 * vendor already has), level 1 their children, and so on. A code given twice, or a chain of
 * parents that comes back to itself, cannot be ordered; those records are reported, and so is
 * every record below them, with the items that carry them.
 */

export interface HierarchyNode {
	/** The position of the record among the input items. */
	itemIndex: number;
	code: string;
	parentCode: string;
}

export interface HierarchyProblem {
	itemIndex: number;
	message: string;
}

export interface HierarchyOrder {
	/** Item indexes per level, parents' level first, in input order within a level. */
	levels: number[][];
	/** Level of each ordered item (by item index). */
	levelOf: Map<number, number>;
	/** Records that cannot be ordered, with the reason naming the items involved. */
	problems: HierarchyProblem[];
}

/** Item indexes as n8n's errors name items (from 0), so the two agree. */
const itemList = (indexes: number[]) => indexes.join(', ');

export function orderByParent(nodes: readonly HierarchyNode[]): HierarchyOrder {
	const problems = new Map<number, string>();
	const byCode = new Map<string, HierarchyNode[]>();
	for (const node of nodes) byCode.set(node.code, [...(byCode.get(node.code) ?? []), node]);

	for (const [code, same] of byCode) {
		if (same.length < 2) continue;
		const items = itemList(same.map((node) => node.itemIndex));
		for (const node of same)
			problems.set(
				node.itemIndex,
				`The department code "${code}" is given by more than one item (items ${items})`,
			);
	}

	// Depth by walking up the parents among the records (iteratively: a chain may be long); a walk
	// that meets a record already on its path has found a cycle.
	const levelOf = new Map<number, number>();
	const settled = new Map<number, number | 'problem'>();
	for (const start of nodes) {
		const path: HierarchyNode[] = [];
		const onPath = new Map<number, number>();
		let result: number | 'problem' = -1;
		for (let node: HierarchyNode | undefined = start; node;) {
			const known = settled.get(node.itemIndex);
			if (known !== undefined) {
				result = known;
				break;
			}
			if (problems.has(node.itemIndex)) {
				settled.set(node.itemIndex, 'problem');
				result = 'problem';
				break;
			}
			const seenAt = onPath.get(node.itemIndex);
			if (seenAt !== undefined) {
				const cycle = path.splice(seenAt);
				const codes = [...cycle, cycle[0]].map((entry) => `"${entry.code}"`).join(' → ');
				const items = itemList(cycle.map((entry) => entry.itemIndex).sort((a, b) => a - b));
				for (const entry of cycle) {
					problems.set(
						entry.itemIndex,
						`The departments' parents form a cycle (${codes}; items ${items})`,
					);
					settled.set(entry.itemIndex, 'problem');
				}
				result = 'problem';
				break;
			}
			onPath.set(node.itemIndex, path.push(node) - 1);
			node = byCode.get(node.parentCode)?.[0];
		}
		// Back down the path: each record is one level below its parent, or cannot be sent with it.
		for (let i = path.length - 1; i >= 0; i--) {
			const entry = path[i];
			if (result === 'problem') {
				problems.set(
					entry.itemIndex,
					`Its parent department "${entry.parentCode}" cannot be submitted (see the item that gives "${entry.parentCode}")`,
				);
			} else {
				result += 1;
				levelOf.set(entry.itemIndex, result);
			}
			settled.set(entry.itemIndex, result);
		}
	}

	const levels: number[][] = [];
	for (const node of nodes) {
		const level = levelOf.get(node.itemIndex);
		if (level === undefined) continue;
		(levels[level] ??= []).push(node.itemIndex);
	}
	return {
		levels: levels.filter((level) => level !== undefined),
		levelOf,
		problems: [...problems]
			.map(([itemIndex, message]) => ({ itemIndex, message }))
			.sort((a, b) => a.itemIndex - b.itemIndex),
	};
}
