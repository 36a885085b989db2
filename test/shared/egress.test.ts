import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

import { TransportError } from '../../nodes/shared/errors';
import { closeTransport } from '../../nodes/shared/http/pool';
import { sendWithRetry } from '../../nodes/shared/http/retry';
import type { TransportSettings } from '../../nodes/shared/http/types';
import { Emulator } from '../emulators/frame';
import { installPolicy, watchConnects } from './egress-policy';
import { startSelfSignedServer } from './self-signed-server';
import type { SelfSignedServer } from './self-signed-server';

/**
 * The shared transport under n8n 2.41's outbound network policy (SSRF protection), with n8n's own
 * SsrfProtectionService and a hosts-style DNS table: every refused address is refused before any
 * connection, so nothing but 127.0.0.1 is ever contacted.
 */

let emulator: Emulator;
let origin = '';
let port = 0;

beforeAll(async () => {
	emulator = new Emulator('egress');
	emulator.route('GET', '/read', () => ({ json: { ok: true } }));
	emulator.route('GET', '/to-metadata', () => ({
		status: 302,
		headers: { location: 'http://169.254.169.254/latest/meta-data/' },
	}));
	emulator.route('GET', '/to-self', () => ({ status: 302, headers: { location: '/read' } }));
	origin = await emulator.start();
	port = Number(new URL(origin).port);
});

afterAll(async () => {
	await closeTransport();
	await emulator.stop();
});

beforeEach(() => emulator.resetCounters());

function settings(
	egress: TransportSettings['egress'],
	extra: Partial<TransportSettings> = {},
): TransportSettings {
	return {
		connectTimeoutMs: 2_000,
		responseTimeoutMs: 2_000,
		// Three attempts and tiny pauses: a refusal that were retried would show in the count.
		retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
		idempotent: true,
		egress,
		...extra,
	};
}

/** Sends one GET; returns the answer or the TransportError, and how many attempts were made. */
async function get(
	url: string,
	transport: TransportSettings,
): Promise<{ status?: number; error?: TransportError; attempts: number }> {
	let attempts = 0;
	try {
		const response = await sendWithRetry(
			() => ({ method: 'GET', url }),
			transport,
			{ name: 'Vendor' },
			() => attempts++,
		);
		return { status: response.status, attempts };
	} catch (error) {
		if (!(error instanceof TransportError)) throw error;
		return { error, attempts };
	}
}

describe('protection on (N8N_SSRF_PROTECTION_ENABLED=true, default blocked ranges)', () => {
	test.each([
		[
			'the cloud metadata address',
			'http://169.254.169.254/latest/meta-data/?secret=s3cr3t',
			'169.254.169.254',
		],
		['a private network', 'https://10.20.30.40/api?sign=s3cr3t', '10.20.30.40'],
		['loopback over plain HTTP', 'http://127.0.0.1:1/api?sign=s3cr3t', '127.0.0.1:1'],
		['IPv6 loopback', 'http://[::1]:1/api', '[::1]:1'],
	])(
		'%s is refused before any connection, once, naming the host and the setting',
		async (_what, url, host) => {
			const { filter } = installPolicy({ enabled: true });
			const connects = watchConnects();
			try {
				const { error, attempts } = await get(url, settings(filter));
				expect(error?.details.kind).toBe('egress-refused');
				expect(error?.details.mayHaveReachedServer).toBe(false);
				expect(error?.message).toContain(host);
				expect(error?.message).toContain('N8N_SSRF_BLOCKED_IP_RANGES');
				expect(error?.message).toContain('N8N_SSRF_PROTECTION_ENABLED');
				// Host only: the path and query (a signature, a secret) never reach the message.
				expect(error?.message).not.toContain('s3cr3t');
				expect(error?.message).not.toContain('/api');
				expect(attempts).toBe(1);
				expect(connects.hosts).toEqual([]);
			} finally {
				connects.stop();
			}
		},
	);

	test('a host name resolving to a blocked address is refused, naming the name and the address', async () => {
		const { filter, dns } = installPolicy({
			enabled: true,
			hosts: { 'metadata.example.test': [['169.254.169.254']] },
		});
		const connects = watchConnects();
		try {
			const { error, attempts } = await get(
				'https://metadata.example.test/latest',
				settings(filter),
			);
			expect(error?.details.kind).toBe('egress-refused');
			expect(error?.message).toContain('metadata.example.test (169.254.169.254)');
			expect(attempts).toBe(1);
			expect(dns.lookups).toEqual(['metadata.example.test']);
			expect(connects.hosts).toEqual([]);
		} finally {
			connects.stop();
		}
	});

	test('a name that passes the check but resolves to a blocked address when connecting is refused by the secure lookup (DNS rebinding)', async () => {
		// First answer (the check before connecting): the emulator's loopback address, allowed here.
		// Second answer (the connection's own lookup): a private address.
		const { filter, dns } = installPolicy({
			enabled: true,
			allowedIpRanges: ['127.0.0.1/32'],
			hosts: { 'rebind.example.test': [['127.0.0.1'], ['10.0.0.7']] },
		});
		const { error, attempts } = await get(
			`http://rebind.example.test:${port}/read`,
			settings(filter),
		);
		expect(error?.details.kind).toBe('egress-refused');
		expect(error?.message).toContain('rebind.example.test');
		expect(error?.message).toContain('10.0.0.7');
		expect(attempts).toBe(1);
		// Both lookups were made (check, then connect) and the emulator never saw the request.
		expect(dns.lookups).toEqual(['rebind.example.test', 'rebind.example.test']);
		expect(emulator.count()).toBe(0);
	});

	test('a redirect to the metadata address is refused and not followed', async () => {
		const { filter } = installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.1/32'] });
		const connects = watchConnects();
		try {
			const { error, attempts } = await get(`${origin}/to-metadata`, settings(filter));
			expect(error?.details.kind).toBe('egress-refused');
			expect(error?.message).toContain(`a redirect from 127.0.0.1:${port} to 169.254.169.254`);
			expect(attempts).toBe(1);
			expect(connects.hosts.every((host) => host === '127.0.0.1')).toBe(true);
			expect(emulator.count('/to-metadata')).toBe(1);
		} finally {
			connects.stop();
		}
	});

	test('a redirect to an allowed address is not followed either: no vendor documents one', async () => {
		const { filter } = installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.1/32'] });
		const { error, attempts } = await get(`${origin}/to-self`, settings(filter));
		expect(error?.details.kind).toBe('redirect');
		expect(error?.message).toBe(
			`127.0.0.1:${port} answered with a redirect to 127.0.0.1:${port}, which is not followed`,
		);
		expect(attempts).toBe(1);
		expect(emulator.count('/read')).toBe(0);
	});

	test('an allowed host name passes (N8N_SSRF_ALLOWED_HOSTNAMES), though it resolves to loopback', async () => {
		const hosts = { 'vendor.example.test': [['127.0.0.1']] };
		const refused = installPolicy({ enabled: true, hosts });
		expect(
			(await get(`http://vendor.example.test:${port}/read`, settings(refused.filter))).error
				?.details.kind,
		).toBe('egress-refused');
		const allowed = installPolicy({
			enabled: true,
			allowedHostnames: ['vendor.example.test'],
			hosts,
		});
		expect(await get(`http://vendor.example.test:${port}/read`, settings(allowed.filter))).toEqual({
			status: 200,
			attempts: 1,
		});
		expect(emulator.count('/read')).toBe(1);
	});

	test('an allowed range passes (N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.0/8)', async () => {
		const { filter } = installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.0/8'] });
		expect(await get(`${origin}/read`, settings(filter))).toEqual({ status: 200, attempts: 1 });
	});

	test('a name that does not resolve stays a connection failure (retried, as before)', async () => {
		const { filter } = installPolicy({ enabled: true });
		const { error, attempts } = await get('https://nowhere.example.test/', settings(filter));
		expect(error?.details.kind).toBe('connect');
		expect(attempts).toBe(3);
	});
});

describe('protection off (the default)', () => {
	test('loopback over plain HTTP passes, as before', async () => {
		const { filter } = installPolicy({ enabled: false });
		expect(await get(`${origin}/read`, settings(filter))).toEqual({ status: 200, attempts: 1 });
	});

	test('without a filter (n8n 1.x) requests go out as before', async () => {
		expect(await get(`${origin}/read`, settings(undefined))).toEqual({ status: 200, attempts: 1 });
	});

	test('a filtered request never rides on a connection an unfiltered one opened to the same origin', async () => {
		// Unfiltered (system DNS): opens a keep-alive connection to localhost.
		const plainUrl = `http://localhost:${port}/read`;
		expect((await get(plainUrl, settings(undefined))).status).toBe(200);
		// Filtered: the check before connecting sees an allowed address, the connection's own lookup a
		// private one. Had the pool been shared, the open connection would carry the request.
		const { filter } = installPolicy({
			enabled: true,
			allowedIpRanges: ['127.0.0.1/32'],
			hosts: { localhost: [['127.0.0.1'], ['10.0.0.7']] },
		});
		expect((await get(plainUrl, settings(filter))).error?.details.kind).toBe('egress-refused');
		expect(emulator.count('/read')).toBe(1);
	});
});

describe('Ignore SSL Issues and proxies keep working under the policy', () => {
	let tls: SelfSignedServer;
	beforeAll(async () => {
		tls = await startSelfSignedServer();
	});
	afterAll(async () => await tls.stop());

	test('a self-signed server is reached with Ignore SSL Issues, and refused without it', async () => {
		const { filter } = installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.1/32'] });
		expect(await get(`${tls.baseUrl}/`, settings(filter, { allowInsecureTls: true }))).toEqual({
			status: 200,
			attempts: 1,
		});
		expect((await get(`${tls.baseUrl}/`, settings(filter))).error?.details.kind).toBe(
			'certificate',
		);
	});

	describe('HTTP_PROXY: the destination is checked, not the proxy', () => {
		let proxy: Server;
		const proxied: string[] = [];
		beforeAll(async () => {
			// A forwarding proxy on 127.0.0.2 (loopback, in the default blocked ranges).
			proxy = createServer((req, res) => {
				proxied.push(`${req.method} ${req.url}`);
				const upstream = httpRequest(
					req.url ?? '',
					{ method: req.method, headers: req.headers },
					(answer) => {
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(res);
					},
				);
				req.pipe(upstream);
			});
			// undici tunnels plain HTTP too (CONNECT).
			proxy.on('connect', (req, clientSocket, head) => {
				proxied.push(`CONNECT ${req.url}`);
				const [host, targetPort] = (req.url ?? '').split(':');
				const target = connect(Number(targetPort), host, () => {
					clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
					target.write(head);
					target.pipe(clientSocket);
					clientSocket.pipe(target);
				});
				target.on('error', () => clientSocket.destroy());
			});
			await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.2', resolve));
			process.env.HTTP_PROXY = `http://127.0.0.2:${(proxy.address() as AddressInfo).port}`;
		});
		afterAll(async () => {
			delete process.env.HTTP_PROXY;
			await closeTransport();
			proxy.closeAllConnections();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
		});
		beforeEach(() => {
			proxied.length = 0;
		});

		test('an allowed destination goes through a proxy at a blocked address', async () => {
			const { filter } = installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.1/32'] });
			expect(await get(`${origin}/read`, settings(filter))).toEqual({ status: 200, attempts: 1 });
			expect(proxied).toEqual([`CONNECT 127.0.0.1:${port}`]);
		});

		test('a blocked destination is refused before the proxy is asked', async () => {
			const { filter } = installPolicy({ enabled: true, allowedIpRanges: ['127.0.0.1/32'] });
			const { error } = await get('http://169.254.169.254/latest/meta-data/', settings(filter));
			expect(error?.details.kind).toBe('egress-refused');
			expect(proxied).toEqual([]);
		});
	});
});
