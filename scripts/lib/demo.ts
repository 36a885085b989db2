/**
 * The demo instance's fixed names: credential ids and names the example workflows reference, the
 * owner account `npm start` creates, and which example workflow is which.
 */
import type { VendorEmulatorHandle } from '../../test/emulators/frame';
import type { ChatScript, OpenAiEmulator } from '../../test/emulators/openai';
import type { VendorKey } from '../../test/emulators/serve';
import type { CredentialImport, Owner } from './n8n';

/** Ids/names the example workflows in examples/ reference; `npm start` imports them under these. */
export const DEMO_CREDENTIALS: Record<VendorKey, { id: string; name: string }> = {
	shiheng: { id: 'shihengDemoCred1', name: 'Shiheng (demo emulator)' },
	mingdao: { id: 'mingdaoDemoCred1', name: 'Mingdao (demo emulator)' },
	weLink: { id: 'weLinkDemoCred01', name: 'WeLink (demo emulator)' },
	aliyunIot: { id: 'aliyunDemoCred01', name: 'Aliyun IoT (demo emulator)' },
};

export const DEMO_OWNER: Owner = {
	email: 'admin@example.com',
	password: 'EmployeeSync2024',
	firstName: 'Demo',
	lastName: 'Admin',
};

/** Workflow ids of examples/*.json. */
export const EXAMPLE_WORKFLOWS = {
	identitySync: 'exEmployeeSync01',
	weLinkProvisioning: 'exWeLinkProvision1',
	oaLogin: 'exOaLoginIot01',
	askEmployee: 'exAskEmployee01',
	reconcile: 'exReconcileWeLink1',
	mingdaoMirror: 'exMingdaoMirror1',
} as const;

/** The OpenAI credential of examples/ask-about-an-employee.json: under `npm start`, the chat-model emulator. */
export const DEMO_OPENAI_CREDENTIAL = {
	id: 'openAiDemoCred01',
	name: 'OpenAI (chat-model emulator)',
};

export function openAiCredentialImport(
	emulator: Pick<OpenAiEmulator, 'apiKey' | 'baseUrl'>,
): CredentialImport {
	return {
		...DEMO_OPENAI_CREDENTIAL,
		type: 'openAiApi',
		data: { apiKey: emulator.apiKey, url: emulator.baseUrl },
	};
}

/** The output items a tool returned, from the tool message n8n's agent sends the model (a JSON array). */
export function toolItems(toolResult: string): Array<Record<string, unknown>> {
	try {
		const parsed = JSON.parse(toolResult) as unknown;
		const list = Array.isArray(parsed) ? parsed : [parsed];
		return list.filter(
			(item): item is Record<string, unknown> => typeof item === 'object' && item !== null,
		);
	} catch {
		return [];
	}
}

const personIn = (question: string): string => /wx-emp-\d+/i.exec(question)?.[0] ?? 'wx-emp-1';

/**
 * The conversation the offline demo can hold (the chat-model emulator plays the model): one question
 * per tool of examples/ask-about-an-employee.json, the person or count read from the question.
 */
export const DEMO_CHAT_SCRIPTS: ChatScript[] = [
	{
		when: /mingdao/i,
		tool: 'Mingdao_Account',
		arguments: (question) => ({ corpUserId: personIn(question) }),
		answer: (result) => {
			const [relation] = toolItems(result);
			if (!relation) return `The Mingdao tool answered: ${result}`;
			if (typeof relation.error === 'string') return `Mingdao refused: ${relation.error}`;
			return relation.found === true
				? `${String(relation.corpUserId)} has the Mingdao account ${String(relation.accountId)}.`
				: `${String(relation.corpUserId)} has no Mingdao account.`;
		},
	},
	{
		when: /welink|opened/i,
		tool: 'WeLink_Sync_Status',
		arguments: (question) => ({ identifierType: 'corpUserId', identifier: personIn(question) }),
		answer: (result) => {
			const [status] = toolItems(result);
			if (!status) return `The WeLink tool answered: ${result}`;
			if (typeof status.error === 'string') return `WeLink refused: ${status.error}`;
			return `WeLink reports ${String(status.identifier)} as ${String(status.state)}${status.final === true ? '' : ' (not final yet)'}.`;
		},
	},
	{
		when: /employees|list/i,
		tool: 'Shiheng_Employees',
		arguments: (question) => ({ limit: Number(/\d+/.exec(question)?.[0] ?? 5) }),
		answer: (result) => {
			const employees = toolItems(result);
			return `Shiheng lists ${employees.length} employees: ${employees.map((e) => `${String(e.name)} (${String(e.weComUserId)})`).join(', ')}.`;
		},
	},
];

export const DEMO_CHAT_FALLBACK =
	'This is the offline chat-model emulator. Ask "Which Mingdao account has corpUserId wx-emp-1?", "Has wx-emp-2\'s WeLink account been opened?" or "List 3 employees".';

/** Path of the OA-login example's webhook (production URL: /webhook/<path>). */
export const OA_LOGIN_WEBHOOK_PATH = 'oa-login';

export function demoCredentialImports(
	handles: Record<VendorKey, VendorEmulatorHandle>,
): CredentialImport[] {
	return (Object.keys(DEMO_CREDENTIALS) as VendorKey[]).map((vendor) => ({
		...DEMO_CREDENTIALS[vendor],
		type: handles[vendor].credentialType,
		data: handles[vendor].credentials,
	}));
}

/** Every secret-looking value of the demo credentials (asserted absent from run output). */
export function demoSecrets(handles: Record<VendorKey, VendorEmulatorHandle>): string[] {
	const secrets: string[] = [];
	for (const handle of Object.values(handles)) {
		for (const [key, value] of Object.entries(handle.credentials)) {
			if (
				typeof value === 'string' &&
				value.length >= 6 &&
				/secret|token|password|signature/i.test(key)
			)
				secrets.push(value);
		}
	}
	return secrets;
}
