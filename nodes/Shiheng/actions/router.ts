import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/execution/router';
import { readConnection } from '../transport/connection';
import type { ShihengConnection } from '../transport/connection';
import * as customer from './customer/Customer.resource';
import * as employee from './employee/Employee.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation<ShihengConnection>(this, {
		credentialName: 'shihengApi',
		secretFields: ['appSecret'],
		operations: {
			employee: { getAll: employee.getAll },
			customer: { getAll: customer.getAll },
		},
		connect: readConnection,
	});
}
