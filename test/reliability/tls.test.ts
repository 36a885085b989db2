import { startSelfSignedServer } from '../shared/self-signed-server';
import type { SelfSignedServer } from '../shared/self-signed-server';
import { SCENARIOS } from './vendors';
import type { ReadScenario } from './vendors';

/**
 * Every vendor node whose credential points at a server with a certificate nobody trusts (a real
 * HTTPS server on 127.0.0.1, self-signed): the certificate is refused at once, however many
 * retries the node allows, and the error names the host and what to do about it. Mingdao's
 * credential has the "Ignore SSL Issues" switch; with it on, the same server is reached.
 */

let tls: SelfSignedServer;
beforeAll(async () => {
	tls = await startSelfSignedServer();
});
afterAll(async () => await tls.stop());

describe.each(SCENARIOS)('%s', (vendor, start) => {
	let s: ReadScenario;
	beforeAll(async () => {
		s = await start();
	});
	afterAll(async () => await s.stop());
	beforeEach(() => s.reset());

	/** Connections the server saw during one run that stops at the first failure. */
	async function connectionsOfRun(
		maxRetries: number,
	): Promise<{ connections: number; requests: number; error: Error | undefined }> {
		s.useServer(tls.baseUrl);
		const [connections, requests] = [tls.connections(), tls.requests()];
		const { result } = await s.partial({ maxRetries }, false);
		return {
			connections: tls.connections() - connections,
			requests: tls.requests() - requests,
			error: result.error,
		};
	}

	test('an untrusted certificate is refused at once, never retried, naming the host and "Ignore SSL Issues"', async () => {
		const once = await connectionsOfRun(0);
		const allowed = await connectionsOfRun(3);
		expect(once.connections).toBeGreaterThan(0);
		// Three retries allowed and none taken: the server saw the same connections as with none.
		expect(allowed.connections).toBe(once.connections);
		expect(once.requests + allowed.requests).toBe(0);
		const error = allowed.error as (Error & { description?: string }) | undefined;
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toContain(
			`The TLS certificate of ${tls.host} was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)`,
		);
		expect(error?.message).toContain('item 0');
		expect(error?.description).toContain('"Ignore SSL Issues"');
	});

	if (vendor === 'Mingdao') {
		test('with "Ignore SSL Issues" on, the same server is reached', async () => {
			s.useServer(tls.baseUrl, { ignoreSslIssues: true });
			const before = tls.requests();
			const { result } = await s.partial({ maxRetries: 0 }, false);
			expect(tls.requests()).toBeGreaterThan(before);
			// The server is no Mingdao, so the run fails — but on its answer, not on its certificate.
			expect(result.error?.message).not.toContain('TLS certificate');
		});
	}
});
