/**
 * Loads this package into the n8n-core and n8n-workflow of one installed n8n (either line) and runs
 * nodes with them, in a process of that line's Node: `node build/test/compat/run-in-n8n.js
 * <request.json>` prints a CompatReport as JSON. test/e2e/compat.e2e.test.ts starts it and checks
 * the report.
 *
 * Nothing here comes from the repository's own node_modules: n8n-core and n8n-workflow are required
 * from the n8n install (as n8n itself resolves them), and the package is the installed tarball,
 * whose `require('n8n-workflow')` finds n8n's copy through NODE_PATH, which the caller sets the way
 * n8n sets it for community packages. The n8n types below are the repository's 2.x ones, used for
 * compiling only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type * as N8nCore from 'n8n-core';
import type * as N8nWorkflow from 'n8n-workflow';
import { stubAdditionalData } from '../harness/additional-data';

export interface CompatRun {
	/** Node name in the workflow (also the key of the run data). */
	name: string;
	/** Node type without the package prefix, e.g. `shiheng`. */
	type: string;
	parameters: N8nWorkflow.INodeParameters;
	/** Input items of the node. */
	items: N8nWorkflow.IDataObject[];
	/** The credential type this node uses and its data, as a user would enter it. */
	credentialType: string;
	credentials: N8nWorkflow.ICredentialDataDecryptedObject;
}

export interface CompatRequest {
	/** The folder whose node_modules holds n8n. */
	appDir: string;
	/** Our package as installed into `<user folder>/.n8n/nodes/node_modules/`. */
	packageDir: string;
	runs: CompatRun[];
}

export interface CompatReport {
	versions: { node: string; n8nCore: string; n8nWorkflow: string };
	/** Where the package's own `require('n8n-workflow')` led. */
	packageResolvesN8nWorkflowTo: string;
	packageName: string;
	/** Node descriptions as n8n's loader built them (what the editor receives). */
	nodes: Array<{
		name: string;
		displayName: string;
		version: number | number[];
		properties: number;
		credentials: string[];
		iconUrl: unknown;
		usableAsTool: boolean;
	}>;
	/** `test`: the credential's own test request, a test function a loaded node names for it (`testedBy`), or none. */
	credentials: Array<{
		name: string;
		displayName: string;
		properties: number;
		test: 'request' | 'node function' | 'none';
		authenticate: string;
	}>;
	runs: Array<{
		name: string;
		status: string;
		error?: string;
		items: Array<{ json: N8nWorkflow.IDataObject; pairedItem: unknown }>;
	}>;
}

const PACKAGE_NAME = 'n8n-nodes-employee-sync';

function versionOf(lineRequire: NodeJS.Require, name: string): string {
	return (lineRequire(`${name}/package.json`) as { version: string }).version;
}

async function main(): Promise<void> {
	const request = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CompatRequest;
	// Resolve as n8n's own code does: from inside the n8n package.
	const lineRequire = createRequire(join(request.appDir, 'node_modules', 'n8n', 'package.json'));
	const core = lineRequire('n8n-core') as typeof N8nCore;
	const workflowLib = lineRequire('n8n-workflow') as typeof N8nWorkflow;
	const packageRequire = createRequire(join(request.packageDir, 'package.json'));

	const loader = new core.PackageDirectoryLoader(request.packageDir);
	await loader.loadAll();

	const credentialTypes = new Map<string, N8nWorkflow.ICredentialType>(
		Object.entries(loader.credentialTypes).map(([name, loaded]) => [name, loaded.type]),
	);

	/** What n8n's CredentialsHelper does for a node that calls getCredentials(): decrypted data with the type's defaults. */
	class InMemoryCredentialsHelper extends workflowLib.ICredentialsHelper {
		constructor(private readonly byId: Map<string, N8nWorkflow.ICredentialDataDecryptedObject>) {
			super();
		}

		getParentTypes(): string[] {
			return [];
		}

		async authenticate(
			_credentials: unknown,
			_type: string,
			requestOptions: N8nWorkflow.IHttpRequestOptions,
		): Promise<N8nWorkflow.IHttpRequestOptions> {
			return requestOptions;
		}

		isCredentialUsableByNode(): boolean {
			return true;
		}

		// Our nodes read their credentials and sign requests themselves: n8n's request helpers
		// (authenticate, preAuthentication) are not on their path.
		async preAuthentication(): Promise<undefined> {
			return undefined;
		}

		async runPreAuthentication(): Promise<undefined> {
			return undefined;
		}

		async getCredentials(
			details: N8nWorkflow.INodeCredentialsDetails,
			type: string,
		): Promise<N8nCore.Credentials> {
			return new core.Credentials({ id: details.id, name: details.name }, type, '');
		}

		async getDecrypted(
			_additionalData: unknown,
			details: N8nWorkflow.INodeCredentialsDetails,
			type: string,
		): Promise<N8nWorkflow.ICredentialDataDecryptedObject> {
			const data = details.id ? this.byId.get(details.id) : undefined;
			if (!data) throw new Error(`no credential ${details.id ?? ''} of type ${type}`);
			const defaults: N8nWorkflow.ICredentialDataDecryptedObject = {};
			for (const property of credentialTypes.get(type)?.properties ?? []) {
				if (property.default !== undefined)
					defaults[property.name] =
						property.default as N8nWorkflow.ICredentialDataDecryptedObject[string];
			}
			return { ...defaults, ...data };
		}

		async updateCredentials(): Promise<void> {}

		async updateCredentialsOauthTokenData(): Promise<void> {}

		getCredentialsProperties(type: string): N8nWorkflow.INodeProperties[] {
			return credentialTypes.get(type)?.properties ?? [];
		}
	}

	const nodeTypes: N8nWorkflow.INodeTypes = {
		getByName: (type) => loader.getNode(type.replace(`${PACKAGE_NAME}.`, '')).type,
		getByNameAndVersion: (type, version) =>
			workflowLib.NodeHelpers.getVersionedNodeType(
				loader.getNode(type.replace(`${PACKAGE_NAME}.`, '')).type,
				version,
			),
		getKnownTypes: () => ({}),
	};

	// As n8n's credential tester looks one up: a node declaring the credential with `testedBy`,
	// and that name among the node's `methods.credentialTest`.
	const nodeTestFunction = (credentialName: string): boolean =>
		loader.types.nodes.some((description) => {
			const testedBy = (description.credentials ?? []).find(
				(credential) => credential.name === credentialName,
			)?.testedBy;
			if (typeof testedBy !== 'string') return false;
			try {
				const type = loader.getNode(description.name.replace(`${PACKAGE_NAME}.`, ''))
					.type as N8nWorkflow.INodeType;
				return typeof type.methods?.credentialTest?.[testedBy] === 'function';
			} catch {
				// A type the loader only describes (an agent tool's variant), as n8n's tester skips it.
				return false;
			}
		});

	const report: CompatReport = {
		versions: {
			node: process.version,
			n8nCore: versionOf(lineRequire, 'n8n-core'),
			n8nWorkflow: versionOf(lineRequire, 'n8n-workflow'),
		},
		packageResolvesN8nWorkflowTo: packageRequire.resolve('n8n-workflow'),
		packageName: loader.packageName,
		nodes: loader.types.nodes.map((description) => ({
			name: description.name,
			displayName: description.displayName,
			version: description.version,
			properties: description.properties.length,
			credentials: (description.credentials ?? []).map((credential) => credential.name),
			iconUrl: description.iconUrl,
			usableAsTool: description.usableAsTool === true,
		})),
		credentials: loader.types.credentials.map((description) => {
			const type = credentialTypes.get(description.name);
			return {
				name: description.name,
				displayName: description.displayName,
				properties: description.properties.length,
				test:
					type?.test !== undefined
						? 'request'
						: nodeTestFunction(description.name)
							? 'node function'
							: 'none',
				authenticate:
					typeof type?.authenticate === 'function'
						? 'function'
						: (type?.authenticate?.type ?? 'none'),
			};
		}),
		runs: [],
	};

	for (const [index, run] of request.runs.entries()) {
		const credentialId = `cred-${index}`;
		const node: N8nWorkflow.INode = {
			id: `node-${index}`,
			name: run.name,
			type: `${PACKAGE_NAME}.${run.type}`,
			typeVersion: 1,
			position: [0, 0],
			parameters: run.parameters,
			credentials: { [run.credentialType]: { id: credentialId, name: run.name } },
		};
		const workflowData = {
			id: `compat-${index}`,
			name: `compat ${run.name}`,
			active: false,
			nodes: [node],
			connections: {},
			createdAt: new Date(),
			updatedAt: new Date(),
		} as unknown as N8nWorkflow.IWorkflowBase;
		const workflow = new workflowLib.Workflow({
			id: workflowData.id,
			nodes: [node],
			connections: {},
			nodeTypes,
			active: false,
			settings: { executionOrder: 'v1' },
		});
		const hooks = new core.ExecutionLifecycleHooks('manual', `compat-exec-${index}`, workflowData);
		const additionalData = stubAdditionalData(
			hooks,
			new InMemoryCredentialsHelper(new Map([[credentialId, run.credentials]])),
		);
		const runExecutionData = workflowLib.createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node, data: { main: [run.items.map((json) => ({ json }))] }, source: null },
				],
			},
		});
		const result = await new core.WorkflowExecute(
			additionalData,
			'manual',
			runExecutionData,
		).processRunExecutionData(workflow);
		const task = result.data.resultData.runData[run.name]?.[0];
		report.runs.push({
			name: run.name,
			status: result.status,
			error: task?.error?.message ?? result.data.resultData.error?.message,
			items: (task?.data?.main?.[0] ?? []).map((item) => ({
				json: item.json,
				pairedItem: item.pairedItem,
			})),
		});
	}
	process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
	// n8n-core keeps handles open (its expression isolate, timers): the report is complete here.
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
