import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import type { Redactor } from '../../shared/redact';
import { routeOperation } from '../../shared/execution/router';
import { mingdaoApiBaseUrl, readConnection } from '../transport/connection';
import type { MingdaoConnection } from '../transport/connection';
import * as department from './department/Department.resource';
import * as user from './user/User.resource';

/** The node always talks to the deployment's API base, so its address is checked with the rest of the credential. */
function connect(
	credentials: ICredentialDataDecryptedObject,
	redactor: Redactor,
): MingdaoConnection {
	const connection = readConnection(credentials, redactor);
	mingdaoApiBaseUrl(connection);
	return connection;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation<MingdaoConnection>(this, {
		credentialName: 'mingdaoApi',
		secretFields: ['secretKey', 'appKey'],
		operations: {
			department: { getRelations: department.getRelations },
			user: {
				getMany: user.getMany,
				getRelation: user.getRelation,
				getRelations: user.getRelations,
				remove: user.remove,
				upsert: user.upsert,
			},
		},
		connect,
	});
}
