import type { INodeProperties } from 'n8n-workflow';

type DisplayOptions = NonNullable<INodeProperties['displayOptions']>;

/** The path field every Shiheng operation has: Shiheng publishes no paths, so the user gives them. */
export function endpointPathField(show: DisplayOptions['show'], listName: string): INodeProperties {
	return {
		displayName: 'Endpoint Path',
		name: 'endpointPath',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: 'e.g. /path/from/your/api/doc',
		description: `Path of the ${listName} API. Shiheng does not publish its paths: take it from your onboarding documents (the API document of your app). It is added to the credential's Base URL.`,
	};
}
