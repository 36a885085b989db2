import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ParameterError } from '../../shared/errors';
import { failItem } from '../../shared/execution/item-loop';
import type { OperationRun } from '../../shared/execution/router';
import type { MingdaoConnection } from '../transport/connection';
import { PRIVATE_DEPLOYMENT_MESSAGE } from './codes';

/**
 * Upsert and Remove exist only on private deployments (Mingdao: 公有云版本不支持). On a SaaS
 * credential every item fails with that reason before anything is sent: an error item each with
 * Continue On Fail, otherwise one error naming the credential field. Undefined when the credential
 * is not SaaS (a custom base URL may lead to either, so Mingdao's own answer decides there).
 */
export function refuseOnSaas(
	ctx: IExecuteFunctions,
	run: OperationRun<MingdaoConnection>,
	operation: string,
): INodeExecutionData[] | undefined {
	if (run.connection.deployment !== 'saas') return undefined;
	const error = new ParameterError(
		'Deployment',
		`${operation} ${PRIVATE_DEPLOYMENT_MESSAGE}`,
		'Set Deployment to "Private Deployment" (or "Custom API Base URL") in the Mingdao credential',
	);
	return ctx
		.getInputData()
		.map((_item, itemIndex) => failItem(ctx, error, itemIndex, run.redactor));
}
