import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/execution/router';
import { readConnection } from '../transport/connection';

import * as department from './department/Department.resource';
import * as user from './user/User.resource';
import * as userSync from './userSync/UserSync.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, {
		credentialName: 'weLinkApi',
		secretFields: ['clientSecret', 'accessToken'],
		operations: {
			userSync: { getStatus: userSync.getStatus, submit: userSync.submit },
			user: { getMany: user.getMany, getWeLinkId: user.getWeLinkId, update: user.update },
			department: { getStatus: department.getStatus, submit: department.submit },
		},
		connect: readConnection,
	});
}
