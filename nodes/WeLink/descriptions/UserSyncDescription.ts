import type { INodeProperties } from 'n8n-workflow';

import { sharedOptionFields, sortByName } from './common';

const showGetStatus = { resource: ['userSync'], operation: ['getStatus'] };
const showSubmit = { resource: ['userSync'], operation: ['submit'] };

export const userSyncOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['userSync'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Get the result of the asynchronous person sync (account opening) for each person',
				action: 'Get sync status of persons',
			},
			{
				name: 'Submit',
				value: 'submit',
				description: 'Submit persons for asynchronous sync (create, update or remove accounts)',
				action: 'Submit persons for sync',
			},
		],
		default: 'getStatus',
	},
];

export const userSyncFields: INodeProperties[] = [
	// Get Status
	{
		displayName: 'Identify By',
		name: 'identifierType',
		type: 'options',
		displayOptions: { show: showGetStatus },
		options: [
			{ name: 'Corp User ID', value: 'corpUserId' },
			{ name: 'Email', value: 'userEmail' },
			{ name: 'Mobile Number', value: 'mobileNumber' },
		],
		default: 'corpUserId',
		description: 'Which value identifies the person. Set it by expression to mix kinds across items, with an expression on the item giving corpUserId, mobileNumber or userEmail.',
	},
	{
		displayName: 'Identifier',
		name: 'identifier',
		type: 'string',
		required: true,
		displayOptions: { show: showGetStatus },
		default: '',
		placeholder: '={{ $json.corpUserId }}',
		description: 'The Corp User ID, mobile number or email of the person, usually an expression on the input item',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show: showGetStatus },
		default: {},
		options: sortByName([
			...sharedOptionFields(),
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 300,
				description:
					'With Wait Until Final: how long to keep polling. Persons still not final then are output with timedOut set.',
			},
			{
				displayName: 'Poll Interval (Ms)',
				name: 'pollIntervalMs',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 2000,
				description: 'With Wait Until Final: the first pause between polls; each later pause is 1.5 times longer, up to 30 s',
			},
			{
				displayName: 'Wait Until Final',
				name: 'waitUntilFinal',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep polling persons whose sync is still pending or processing until every person is final (saved, opened, failed, not existing) or Max Wait passes',
			},
		]),
	},

	// Submit
	{
		displayName: 'Corp User ID',
		name: 'corpUserId',
		type: 'string',
		required: true,
		displayOptions: { show: showSubmit },
		default: '',
		description: "The person's unique ID in your own system (corpUserId)",
	},
	{
		displayName: 'Name (Chinese)',
		name: 'userNameCn',
		type: 'string',
		required: true,
		displayOptions: { show: showSubmit },
		default: '',
		description: "The person's name as shown in WeLink (userNameCn)",
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		displayOptions: { show: showSubmit },
		default: {},
		options: [
			{
				displayName: 'Department Code',
				name: 'corpDeptCode',
				type: 'string',
				default: '',
				description: "Code of the person's department in your own system (corpDeptCode)",
			},
			{
				displayName: 'Email',
				name: 'userEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'English Name',
				name: 'userNameEn',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Mobile Number',
				name: 'mobileNumber',
				type: 'string',
				default: '',
				description: 'Mobile number, e.g. 13800000000 or +86-13800000000',
			},
			{
				displayName: 'Open Account',
				name: 'isOpenAccount',
				type: 'boolean',
				default: true,
				description: 'Whether to open a WeLink account for the person; off only saves the person in the address book',
			},
			{
				displayName: 'Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				description: 'Landline number',
			},
			{
				displayName: 'Sex',
				name: 'sex',
				type: 'options',
				options: [
					{ name: 'Female', value: 'F' },
					{ name: 'Male', value: 'M' },
				],
				default: 'M',
			},
			{
				displayName: 'Valid',
				name: 'valid',
				type: 'boolean',
				default: true,
				description: 'Whether the person stays valid; off removes the account',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show: showSubmit },
		default: {},
		options: sortByName(sharedOptionFields()),
	},
];
