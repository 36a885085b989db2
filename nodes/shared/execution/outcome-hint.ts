/** The one hint above a node's output that counts the items that did not succeed. */

import type { IDataObject, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';

import type { HintTarget } from '../scale-out/shared-state-hint';

/**
 * One execution hint above a node's output when some of its items did not succeed ("8 of 250 ids
 * have no Mingdao account"), so a run that looks green in the canvas still says what it left
 * undone. Nothing when every item succeeded. Every action node reports through here (the router).
 */

export interface OutcomeSummary {
	/** What an output item stands for, plural: "ids", "persons", "departments". */
	noun: string;
	/** Why an item did not succeed, as it reads after "N of M <noun>"; undefined for a success. */
	classify: (json: IDataObject) => string | undefined;
}

export const ERROR_ITEM_PHRASE = 'failed with an error (see the error items)';

/** The hint for these output items, or undefined when all succeeded. */
export function outcomeHint(
	items: readonly INodeExecutionData[],
	summary: OutcomeSummary | undefined,
	errorItems: boolean,
): NodeExecutionHint | undefined {
	const counts = new Map<string, number>();
	for (const { json } of items) {
		const why =
			errorItems &&
			typeof json.error === 'string' &&
			Object.keys(json).every((key) => key === 'error' || key === 'description')
				? ERROR_ITEM_PHRASE
				: summary?.classify(json);
		if (why !== undefined) counts.set(why, (counts.get(why) ?? 0) + 1);
	}
	if (counts.size === 0) return undefined;
	const noun = summary?.noun ?? 'items';
	const parts = [...counts].map(([why, count]) => `${count} of ${items.length} ${noun} ${why}`);
	return { type: 'warning', location: 'outputPane', message: `${parts.join('; ')}.` };
}

/** Adds the hint to the run, if there is one (older n8n lines have no execution hints). */
export function reportOutcomes(
	ctx: HintTarget,
	items: readonly INodeExecutionData[],
	summary: OutcomeSummary | undefined,
	errorItems: boolean,
): boolean {
	const hint = outcomeHint(items, summary, errorItems);
	if (!hint || typeof ctx.addExecutionHints !== 'function') return false;
	ctx.addExecutionHints(hint);
	return true;
}
