/** The item loop: one call per input item, paired outputs, and failures as error items (Continue On Fail) or a stop. */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { refusesWholeRun, toNodeError, unscoped } from '../errors';
import type { Redactor } from '../redact';
import { runsAsAgentTool } from './agent-tool';
import { cancellationError, isAbort } from './cancellation';

/** The item a Continue On Fail run outputs in place of a failed item. */
export function errorItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	redactor: Redactor,
): INodeExecutionData {
	const nodeError = toNodeError(ctx.getNode(), error, itemIndex, redactor);
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	// n8n's "Continue (using error output)" moves an item that carries its error, or whose json holds
	// nothing but error and message (so not ours, with its description). n8n then rewrites the
	// item's json to the error's message, so the error goes on the item in that mode only.
	if (ctx.getNode().onError === 'continueErrorOutput')
		return { json, error: nodeError, pairedItem: { item: itemIndex } };
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Handles an item's failure: with Continue On Fail it becomes an error item, otherwise the run
 * stops with an n8n error that names the item (and never contains a secret).
 */
export function failItem(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	redactor: Redactor,
): INodeExecutionData {
	// A stopped execution is not an item's failure: report it to n8n as the cancellation it is.
	if (isAbort(error)) throw cancellationError(ctx);
	if (continuesOnFail(ctx)) return errorItem(ctx, error, itemIndex, redactor);
	throw toNodeError(ctx.getNode(), error, itemIndex, redactor);
}

/**
 * Whether a failure becomes an error item: with Continue On Fail, and always when the node runs as
 * an AI Agent's tool, where the error is an answer the model reads and acts on (n8n 1.123 would
 * otherwise stop the whole execution at the tool's error; 2.41 passes only its message on).
 */
export function continuesOnFail(ctx: IExecuteFunctions): boolean {
	return ctx.continueOnFail() || runsAsAgentTool(ctx);
}

/**
 * Runs `handle` for every input item in turn (one listing or one call per item), pairing the
 * outputs with their item and turning failures into error items or a stopping error. After a
 * refusal of the whole run (`refusesWholeRun`) no further item is sent: each gets that error.
 */
export async function forEachItem(
	ctx: IExecuteFunctions,
	redactor: Redactor,
	handle: (itemIndex: number) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	// A refusal of the whole run (a wrong secret, no permission) answers every later item without a request.
	let refusal: unknown;
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		if (refusal !== undefined) {
			out.push(failItem(ctx, refusal, itemIndex, redactor));
			continue;
		}
		try {
			const results = await handle(itemIndex);
			for (const json of results) out.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (refusesWholeRun(error)) refusal = unscoped(error);
			out.push(failItem(ctx, error, itemIndex, redactor));
		}
	}
	return out;
}
