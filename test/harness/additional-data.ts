/**
 * The stubbed n8n runtime context (`IWorkflowExecuteAdditionalData`) a `WorkflowExecute` outside a
 * running n8n needs: local URLs, no variables, no sub-workflows, no task runners. Shared by the
 * jest harness (run-workflow.ts) and the compat driver (test/compat/run-in-n8n.ts), which loads an
 * installed n8n's own n8n-core: so this file imports nothing at run time, only types.
 */
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

/** `hooks` is an n8n-core `ExecutionLifecycleHooks` of whichever n8n-core runs the workflow. */
export function stubAdditionalData(
	hooks: unknown,
	credentialsHelper: ICredentialsHelper,
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available here');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not available here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}
