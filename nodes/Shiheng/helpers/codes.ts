/**
 * Shiheng's code tables. The employee status codes are the employee-list doc's; Shiheng publishes
 * no error codes, so errors get hints from the words of the message instead.
 */

/** Status 5, "退出企业": the employee left the company. */
export const STATUS_LEFT = 5;

/** Employee status codes as the employee-list doc lists them; anything else stays visible as unknown:<n>. */
const STATUS_LABELS: Record<number, string> = {
	0: 'unknown',
	1: 'active',
	2: 'disabled',
	4: 'not activated',
	[STATUS_LEFT]: 'left',
};

export function statusLabel(status: unknown): string | null {
	if (status === undefined || status === null || status === '') return null;
	const code = Number(status);
	if (Number.isInteger(code) && STATUS_LABELS[code] !== undefined) return STATUS_LABELS[code];
	return `unknown:${String(status)}`;
}

/** A refusal that names the signature or the app: words, since Shiheng publishes no codes. */
const CREDENTIAL_REFUSAL =
	/sign|签名|app\s*_?id|appkey|app key|secret|密钥|权限|permission|unauthori[sz]ed|forbidden|未授权/i;

/**
 * Whether a refusal holds for every request of the run. Shiheng publishes no error codes, so this
 * is not a documented rule: the first refusal of a credential that names the signature or the app
 * (its message's words), before any answer of this listing was accepted, decides. A credential
 * that has been accepted once is not refused the same way a moment later.
 */
export function refusesShihengRun(message: string, acceptedBefore: boolean): boolean {
	return !acceptedBefore && CREDENTIAL_REFUSAL.test(message);
}

/** Shown with such a refusal: why the rest of the run was not sent, and that it is no published rule. */
export const RUN_REFUSED_NOTE =
	'The first answer refused the signature or the app, so no further request of this run was sent (Shiheng publishes no error codes; this is read from its message).';

/** What to check for a refused call, read from the message (the codes themselves are not published). */
export function errorHint(message: string): string {
	if (/sign|签名/i.test(message)) {
		return 'Check the App Secret and the Signing Scheme in the credential: the scheme must be the one in your Shiheng onboarding documents.';
	}
	if (/time|时间/i.test(message)) {
		return "Check this machine's clock and the credential's Timestamp Unit (part of the Signing Scheme).";
	}
	return 'Shiheng does not publish its error codes; the message above is its own. Check the credential and the parameters.';
}
