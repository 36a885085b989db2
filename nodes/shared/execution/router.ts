/** The router: resource + operation → operation module, with the credential, redactor, egress and outcome hint. */

import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { egressFilterOf } from '../http/egress';
import type { EgressFilter } from '../http/egress';
import {
	ItemScopedError,
	ParameterError,
	TransportError,
	VendorApiError,
	toNodeError,
} from '../errors';
import { cancelSignal, cancellationError, isAbort } from './cancellation';
import { continuesOnFail, errorItem } from './item-loop';
import { Redactor } from '../redact';
import { reportOutcomes } from './outcome-hint';
import type { OutcomeSummary } from './outcome-hint';
import { watchSharedState } from '../scale-out/shared-state-hint';

/**
 * The one way every vendor node goes from n8n's `execute` to an operation: resource and operation
 * pick a module, the credential is read and checked once, and an unknown operation or a bad
 * credential fails the same way in every node.
 */

/** What an operation receives besides n8n's context. */
export interface OperationRun<Connection> {
	/** The credential, read and checked (`transport/connection.ts` of the vendor). */
	connection: Connection;
	/** Masks every secret of this run; the connection and the clients add what they learn (tokens). */
	redactor: Redactor;
	/** Stopping the execution aborts requests in flight and queued. */
	signal: AbortSignal | undefined;
	/**
	 * n8n's outbound network policy for this run (undefined on n8n 1.x). Client factories put it
	 * into the transport settings, so every request of every operation is checked by it.
	 */
	egress: EgressFilter | undefined;
}

/** One `<operation>.operation.ts`: its parameters and what it does. */
export interface OperationModule<Connection> {
	description: INodeProperties[];
	execute: (
		this: IExecuteFunctions,
		run: OperationRun<Connection>,
	) => Promise<INodeExecutionData[]>;
	/** How to tell the items that did not succeed, for the hint above the output (outcome-hint.ts). */
	outcomes?: OutcomeSummary;
}

/** resource → operation → module, as the vendor's `actions/router.ts` lists them. */
export type OperationTable<Connection> = Record<
	string,
	Record<string, OperationModule<Connection>>
>;

export interface VendorRoute<Connection> {
	credentialName: string;
	/** Credential fields whose values are masked everywhere, registered before anything can fail. */
	secretFields: readonly string[];
	operations: OperationTable<Connection>;
	/** Reads and checks the credential; throws a ParameterError naming the field. */
	connect: (credentials: ICredentialDataDecryptedObject, redactor: Redactor) => Connection;
}

export async function routeOperation<Connection>(
	ctx: IExecuteFunctions,
	route: VendorRoute<Connection>,
): Promise<INodeExecutionData[][]> {
	const redactor = new Redactor();
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const module =
		Object.hasOwn(route.operations, resource) &&
		Object.hasOwn(route.operations[resource], operation)
			? route.operations[resource][operation]
			: undefined;
	if (!module) {
		const error = new ParameterError(
			'Operation',
			`The operation "${operation}" is not known for resource "${resource}"`,
		);
		throw toNodeError(ctx.getNode(), error, 0, redactor);
	}

	const credentials = await ctx.getCredentials(route.credentialName);
	for (const field of route.secretFields) redactor.add(credentials[field]);
	let connection: Connection;
	try {
		connection = route.connect(credentials, redactor);
	} catch (error) {
		// A bad credential fails every item alike: one error item each with Continue On Fail,
		// otherwise one error that names the credential field.
		if (!continuesOnFail(ctx)) throw toNodeError(ctx.getNode(), error, 0, redactor);
		return [
			ctx.getInputData().map((_item, itemIndex) => errorItem(ctx, error, itemIndex, redactor)),
		];
	}
	// Tells the user when this run could not share tokens and rate limits with the other workers.
	const sharedState = watchSharedState();
	try {
		const out = await module.execute.call(ctx, {
			connection,
			redactor,
			signal: cancelSignal(ctx),
			egress: egressFilterOf(ctx),
		});
		sharedState.report(ctx);
		reportOutcomes(ctx, out, module.outcomes, ctx.continueOnFail());
		return [out];
	} catch (error) {
		// A stop that surfaced outside an item's handling is still the stop it was, not a failure.
		if (isAbort(error)) throw cancellationError(ctx);
		// Our own errors raised before any item was handled (an Options value read once for the
		// node) still reach the user redacted and naming their field.
		if (
			error instanceof ParameterError ||
			error instanceof VendorApiError ||
			error instanceof TransportError ||
			error instanceof ItemScopedError
		) {
			throw toNodeError(ctx.getNode(), error, 0, redactor);
		}
		throw error;
	}
}
