import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real HTTPS server on 127.0.0.1 whose certificate no client trusts: self-signed, made for the
 * test by Debian's `openssl` in a temporary folder (node can read certificates but not issue
 * them). It counts the TCP connections it accepted — one per attempt a client makes, whether or
 * not the handshake succeeds — and answers every request that gets through with `{"ok":true}`.
 */

export interface SelfSignedServer {
	/** `https://127.0.0.1:<port>` */
	baseUrl: string;
	/** `127.0.0.1:<port>`, as an error message should name it. */
	host: string;
	connections(): number;
	requests(): number;
	stop(): Promise<void>;
}

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
	const dir = mkdtempSync(join(tmpdir(), 'employee-sync-tls-'));
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-keyout',
				join(dir, 'key.pem'),
				'-out',
				join(dir, 'cert.pem'),
				'-days',
				'1',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1',
			],
			{ stdio: 'ignore' },
		);
		return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function startSelfSignedServer(): Promise<SelfSignedServer> {
	let connections = 0;
	let requests = 0;
	const server: Server = createServer(selfSignedCertificate(), (request, response) => {
		requests++;
		request.resume();
		request.on('end', () => {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{"ok":true}');
		});
	});
	server.on('connection', () => connections++);
	// The client refusing the certificate ends the handshake; that is the expected outcome here.
	server.on('tlsClientError', () => undefined);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `https://127.0.0.1:${port}`,
		host: `127.0.0.1:${port}`,
		connections: () => connections,
		requests: () => requests,
		stop: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
