import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { testMingdaoCredential } from './transport/credentialTest';

export class Mingdao implements INodeType {
	description: INodeTypeDescription = versionDescription;

	// The Mingdao credential's Test button: `testedBy` in the description names it.
	methods = { credentialTest: { mingdaoApiTest: testMingdaoCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
