import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

import { closeTransport } from '../../nodes/shared/http/pool';
import { sendWithRetry } from '../../nodes/shared/http/retry';
import { Emulator } from '../emulators/frame';

/**
 * The transport honours HTTP_PROXY / NO_PROXY, as administrators behind a corporate proxy need:
 * a small forward proxy on 127.0.0.1 (CONNECT tunnels and absolute-form requests) sees the calls.
 */

let emulator: Emulator;
let proxy: Server;
let proxyUrl = '';
const proxied: string[] = [];

beforeAll(async () => {
	emulator = new Emulator('behind-proxy');
	emulator.route('GET', '/read', () => ({ json: { ok: true } }));
	await emulator.start();
	proxy = createServer((req, res) => {
		// Absolute-form request: forward it.
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
	proxy.on('connect', (req, clientSocket, head) => {
		proxied.push(`CONNECT ${req.url}`);
		const [host, port] = (req.url ?? '').split(':');
		const target = connect(Number(port), host, () => {
			clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			target.write(head);
			target.pipe(clientSocket);
			clientSocket.pipe(target);
		});
		target.on('error', () => clientSocket.destroy());
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
	delete process.env.HTTP_PROXY;
	delete process.env.NO_PROXY;
	await closeTransport();
	proxy.closeAllConnections();
	await new Promise<void>((resolve) => proxy.close(() => resolve()));
	await emulator.stop();
});

const settings = {
	connectTimeoutMs: 2_000,
	responseTimeoutMs: 2_000,
	retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
	idempotent: true,
};

test('requests go through HTTP_PROXY, and bypass it for hosts in NO_PROXY', async () => {
	process.env.HTTP_PROXY = proxyUrl;
	process.env.NO_PROXY = '';
	const viaProxy = await sendWithRetry(
		() => ({ method: 'GET', url: `${emulator.baseUrl}/read` }),
		settings,
		{ name: 'Test' },
	);
	expect(viaProxy.status).toBe(200);
	const target = emulator.baseUrl.replace('http://', '');
	expect(proxied.some((line) => line.includes(target))).toBe(true);
	expect(emulator.count('/read')).toBe(1);

	proxied.length = 0;
	await closeTransport();
	process.env.NO_PROXY = '127.0.0.1';
	const direct = await sendWithRetry(
		() => ({ method: 'GET', url: `${emulator.baseUrl}/read` }),
		settings,
		{ name: 'Test' },
	);
	expect(direct.status).toBe(200);
	expect(proxied).toEqual([]);
	expect(emulator.count('/read')).toBe(2);
});
