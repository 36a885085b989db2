import { Container } from '@n8n/di';
import { PollContext, PollTriggerExecutor } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { nodeTypesByName } from './registry';
import { credentialTypeOfId, credentialsHelper, recordCredentialSecrets } from './run-workflow';
import { recordVisible } from './secret-audit';

/**
 * Runs a polling trigger the way n8n does, through n8n-core's own PollContext: an active
 * workflow's polls go through PollTriggerExecutor (whose errors become failed executions), and
 * "Fetch Test Event" calls the node's poll in manual mode, as WorkflowExecute does. The workflow's
 * static data lives on one Workflow object across polls, as it does in a running n8n.
 */

class OwnNodeTypes implements INodeTypes {
	getByName(type: string) {
		const node = nodeTypesByName().get(type);
		if (!node) throw new Error(`Unknown node type ${type}`);
		return node;
	}

	getByNameAndVersion(type: string) {
		return this.getByName(type);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export interface PollOutcome {
	/** What the poll emitted (one execution's trigger data), or undefined when it emitted nothing. */
	emitted: INodeExecutionData[] | undefined;
	/** The error n8n would record as a failed execution. */
	error: Error | undefined;
}

/** Each PollingTrigger is a workflow of its own (a trigger keeps one poll at a time per workflow and node). */
let workflowsMade = 0;

export class PollingTrigger {
	workflow: Workflow;

	readonly node: INode;

	private readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(options: {
		type: string;
		parameters: INode['parameters'];
		credentials: Record<string, ICredentialDataDecryptedObject>;
	}) {
		const helper = credentialsHelper();
		const refs: Record<string, { id: string; name: string }> = {};
		for (const [id, data] of Object.entries(options.credentials)) {
			helper.store(id, data);
			recordCredentialSecrets(credentialTypeOfId(id), data);
			refs[credentialTypeOfId(id)] = { id, name: id };
		}
		this.node = {
			id: 'poll-node',
			name: 'Trigger Under Test',
			type: options.type,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: refs,
		};
		this.workflow = new Workflow({
			id: `poll-test-workflow-${++workflowsMade}`,
			nodes: [this.node],
			connections: {},
			nodeTypes: new OwnNodeTypes(),
			active: true,
			staticData: {},
			settings: { executionOrder: 'v1' },
		});
		this.additionalData = {
			credentialsHelper: helper,
			restApiUrl: 'http://127.0.0.1/rest',
			instanceBaseUrl: 'http://127.0.0.1/',
			webhookBaseUrl: 'http://127.0.0.1/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/**
	 * Deactivates and activates the workflow again: n8n then builds a new Workflow object from the
	 * workflow as saved, static data included.
	 */
	reactivate(): void {
		this.workflow = new Workflow({
			id: this.workflow.id,
			nodes: [this.node],
			connections: {},
			nodeTypes: new OwnNodeTypes(),
			active: true,
			staticData: JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject,
			settings: { executionOrder: 'v1' },
		});
	}

	/** Replaces what a credential of the trigger holds (the user edits the credential, or picks another). */
	setCredential(id: string, data: ICredentialDataDecryptedObject): void {
		credentialsHelper().store(id, data);
		recordCredentialSecrets(credentialTypeOfId(id), data);
	}

	/** The node's static data, as n8n would save it with the workflow. */
	staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** One scheduled poll of the active workflow. */
	async poll(): Promise<PollOutcome> {
		let emitted: INodeExecutionData[] | undefined;
		let error: Error | undefined;
		const context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData,
			'trigger',
			'activate',
			(data) => {
				emitted = data[0];
			},
			(failure) => {
				error = failure;
			},
		);
		await Container.get(PollTriggerExecutor).create(
			this.workflow,
			this.node,
			context,
			() => true,
		)(false);
		if (emitted) recordVisible('poll output', emitted);
		if (error) recordVisible('poll error', error);
		return { emitted, error };
	}

	/** "Fetch Test Event" in the editor: the poll in manual mode. */
	async fetchTestEvent(): Promise<INodeExecutionData[] | undefined> {
		const context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData,
			'manual',
			'manual',
		);
		const nodeType = nodeTypesByName().get(this.node.type);
		const result = await nodeType!.poll!.call(context);
		if (result) recordVisible('test event', result);
		return result?.[0];
	}
}
