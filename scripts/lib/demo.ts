/**
 * The demo instance's fixed names: credential ids and names the example workflows reference, the
 * owner account `npm start` creates, and which example workflow is which.
 */
import type { VendorEmulatorHandle } from '../../test/emulators/frame';
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
} as const;

/** Path of the OA-login example's webhook (production URL: /webhook/<path>). */
export const OA_LOGIN_WEBHOOK_PATH = 'oa-login';

export function demoCredentialImports(handles: Record<VendorKey, VendorEmulatorHandle>): CredentialImport[] {
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
			if (typeof value === 'string' && value.length >= 6 && /secret|token|password|signature/i.test(key)) secrets.push(value);
		}
	}
	return secrets;
}
