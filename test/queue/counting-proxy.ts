import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of a vendor emulator that notes, for every call, its path,
 * when it arrived and the `code` of the JSON answer. The queue-mode test reads the rate the vendor
 * accepted and the rate-limit refusals (WeLink 48503) per API from it, without the emulator
 * having to keep a log of its own.
 */

export interface ProxiedCall {
	path: string;
	at: number;
	code: string | undefined;
}

export interface CountingProxy {
	baseUrl: string;
	calls: ProxiedCall[];
	stop(): Promise<void>;
}

function answerCode(body: string): string | undefined {
	try {
		const parsed = JSON.parse(body) as { code?: unknown };
		return parsed && typeof parsed === 'object' && parsed.code !== undefined && parsed.code !== null
			? String(parsed.code)
			: undefined;
	} catch {
		return undefined;
	}
}

/** `onCall` hears of each call as soon as it was answered. */
export async function startCountingProxy(
	target: string,
	onCall?: (call: ProxiedCall) => void,
): Promise<CountingProxy> {
	const upstream = new URL(target);
	const calls: ProxiedCall[] = [];
	const server: Server = createServer((req, res) => {
		const at = Date.now();
		const path = new URL(req.url ?? '/', 'http://proxy').pathname;
		const forward = httpRequest(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: upstream.host },
			},
			(answer) => {
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					const body = Buffer.concat(chunks);
					const call = { path, at, code: answerCode(body.toString('utf8')) };
					calls.push(call);
					onCall?.(call);
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					res.end(body);
				});
			},
		);
		forward.on('error', () => {
			res.writeHead(502);
			res.end();
		});
		req.pipe(forward);
	});
	server.keepAliveTimeout = 60_000;
	await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		calls,
		stop: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
		},
	};
}
