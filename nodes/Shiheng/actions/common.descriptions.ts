import type { INodeProperties } from 'n8n-workflow';

type DisplayOptions = NonNullable<INodeProperties['displayOptions']>;

/** The path field every Shiheng operation has: Shiheng publishes no paths, so the user gives them. */
export function endpointPathField(
	show: DisplayOptions['show'],
	listName: string,
	field: { name: string; displayName: string } = {
		name: 'endpointPath',
		displayName: 'Endpoint Path',
	},
): INodeProperties {
	return {
		displayName: field.displayName,
		name: field.name,
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: 'e.g. /path/from/your/api/doc',
		description: `Path of the ${listName} API. Shiheng does not publish its paths: take it from your onboarding documents (the API document of your app). It is added to the credential's Base URL.`,
	};
}
