import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/execution/router';

import { readConnection } from '../transport/connection';

import * as customApiCall from './customApiCall/CustomApiCall.resource';
import * as employee from './employee/Employee.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, {
		credentialName: 'aliyunIotApi',
		secretFields: ['appSecret', 'appKey'],
		operations: {
			employee: {
				createByAuthCode: employee.createByAuthCode,
				getManyByCompany: employee.getManyByCompany,
			},
			customApiCall: { call: customApiCall.call },
		},
		connect: readConnection,
	});
}
