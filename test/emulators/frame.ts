import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { recordRequestSecrets } from '../harness/secret-audit';

/**
 * The frame every vendor emulator is built on: a real HTTP server on 127.0.0.1 (a free port),
 * routes written by the vendor emulator, an injected latency, a queue of faults, and counters so
 * tests can assert how many requests were received and how many reached the "service".
 */

export interface EmulatorRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	text: string;
	remotePort: number;
	receivedAt: number;
}

export interface EmulatorReply {
	status?: number;
	headers?: Record<string, string>;
	json?: unknown;
	text?: string;
}

export type Handler = (request: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

export type Fault =
	/** Answer with this status/body instead of running the handler. */
	| {
			kind: 'status';
			status: number;
			json?: unknown;
			text?: string;
			headers?: Record<string, string>;
	  }
	/** Close the connection as soon as the request arrives, before the handler runs. */
	| { kind: 'reset-before-read' }
	/** Run the handler (its effects happen), then close the connection without answering. */
	| { kind: 'reset-after-read' }
	/** Run the handler, then wait this long before answering (slower than a client's timeout). */
	| { kind: 'delay'; ms: number }
	/** Answer with a gateway's HTML error page. */
	| { kind: 'html'; status?: number }
	/** Run the handler, then send only the first half of its JSON body. */
	| { kind: 'truncated' };

export interface FaultRule {
	fault: Fault;
	/** Only requests whose path matches (default: every path). */
	path?: string | RegExp;
	/** How many matching requests get the fault (default 1). */
	times?: number;
	/** Let this many matching requests through first (default 0). */
	skip?: number;
}

export interface RequestRecord {
	method: string;
	path: string;
	status: number;
	remotePort: number;
	at: number;
	/** False when a fault answered before the handler ran. */
	handled: boolean;
	fault?: Fault['kind'];
}

export interface EmulatorOptions {
	/**
	 * Milliseconds from a request's arrival to its answer. The emulator's own work happens within
	 * them, as a vendor's does within its round trip; only work longer than the latency delays the
	 * answer further.
	 */
	latencyMs?: number;
}

interface ActiveRule extends FaultRule {
	remaining: number;
	toSkip: number;
}

export class Emulator {
	latencyMs: number;

	readonly records: RequestRecord[] = [];

	private readonly routes = new Map<string, Handler>();

	private faults: ActiveRule[] = [];

	private server: Server | undefined;

	private readonly sockets = new Set<Socket>();

	private readonly remotePorts = new Set<number>();

	baseUrl = '';

	constructor(
		readonly name: string,
		options: EmulatorOptions = {},
	) {
		this.latencyMs = options.latencyMs ?? 0;
	}

	route(method: string, path: string, handler: Handler): this {
		this.routes.set(`${method.toUpperCase()} ${path}`, handler);
		return this;
	}

	injectFault(rule: FaultRule): this {
		this.faults.push({ ...rule, remaining: rule.times ?? 1, toSkip: rule.skip ?? 0 });
		return this;
	}

	clearFaults(): void {
		this.faults = [];
	}

	/** Requests received on a path (or all), including those a fault answered. */
	count(path?: string, onlyHandled = false): number {
		return this.records.filter(
			(r) => (path === undefined || r.path === path) && (!onlyHandled || r.handled),
		).length;
	}

	/** Distinct client connections seen: tells whether keep-alive pools are reused. */
	connectionCount(): number {
		return this.remotePorts.size;
	}

	resetCounters(): void {
		this.records.length = 0;
		this.remotePorts.clear();
	}

	async start(port = 0): Promise<string> {
		const server = createServer((req, res) => {
			void this.handle(req, res);
		});
		server.keepAliveTimeout = 60_000;
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
		this.server = server;
		this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private takeFault(path: string): Fault | undefined {
		for (const rule of this.faults) {
			if (rule.remaining <= 0) continue;
			const matches =
				rule.path === undefined ||
				(typeof rule.path === 'string' ? rule.path === path : rule.path.test(path));
			if (!matches) continue;
			if (rule.toSkip > 0) {
				rule.toSkip--;
				continue;
			}
			rule.remaining--;
			return rule.fault;
		}
		return undefined;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const remotePort = req.socket.remotePort ?? 0;
		this.remotePorts.add(remotePort);
		const record: RequestRecord = {
			method: req.method ?? 'GET',
			path: url.pathname,
			status: 0,
			remotePort,
			at: Date.now(),
			handled: false,
		};
		this.records.push(record);
		const fault = this.takeFault(url.pathname);
		if (fault) record.fault = fault.kind;

		if (fault?.kind === 'reset-before-read') {
			req.socket.destroy();
			return;
		}
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		// Signatures and tokens that reached us must never show up in what a user sees.
		recordRequestSecrets(req.headers, url.searchParams, rawBody.toString('utf8'));

		if (fault?.kind === 'status' || fault?.kind === 'html') {
			await this.waitFromArrival(record, 0);
			const reply: EmulatorReply =
				fault.kind === 'html'
					? {
							status: fault.status ?? 502,
							headers: { 'content-type': 'text/html' },
							text: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
						}
					: { status: fault.status, headers: fault.headers, json: fault.json, text: fault.text };
			this.send(res, reply, record);
			return;
		}

		const handler = this.routes.get(`${record.method} ${url.pathname}`);
		let reply: EmulatorReply;
		if (!handler) {
			reply = {
				status: 404,
				json: { message: `${this.name} emulator has no route ${record.method} ${url.pathname}` },
			};
		} else {
			record.handled = true;
			try {
				reply = await handler({
					method: record.method,
					path: url.pathname,
					query: url.searchParams,
					headers: req.headers,
					rawBody,
					text: rawBody.toString('utf8'),
					remotePort,
					receivedAt: record.at,
				});
			} catch (error) {
				reply = {
					status: 500,
					json: { message: `emulator handler failed: ${(error as Error).message}` },
				};
			}
		}

		if (fault?.kind === 'reset-after-read') {
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'truncated') {
			const body = JSON.stringify(reply.json ?? {});
			await this.waitFromArrival(record, 0);
			record.status = reply.status ?? 200;
			res.writeHead(record.status, { 'content-type': 'application/json' });
			res.end(body.slice(0, Math.floor(body.length / 2)));
			return;
		}
		const body = bodyOf(reply);
		await this.waitFromArrival(record, fault?.kind === 'delay' ? fault.ms : 0);
		this.send(res, reply, record, body);
	}

	private send(
		res: ServerResponse,
		reply: EmulatorReply,
		record: RequestRecord,
		body = bodyOf(reply),
	): void {
		if (res.destroyed) return;
		record.status = reply.status ?? 200;
		res.writeHead(record.status, {
			'content-type':
				reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
			...reply.headers,
		});
		res.end(body);
	}

	/** Waits until the latency (plus `extraMs`) has passed since the request arrived. */
	private async waitFromArrival(record: RequestRecord, extraMs: number): Promise<void> {
		const ms = record.at + this.latencyMs + extraMs - Date.now();
		if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
	}
}

function bodyOf(reply: EmulatorReply): string {
	return reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
}

/**
 * What every vendor emulator module's `start…Emulator()` returns: the running emulator and the
 * credential data (as a user would type it into n8n) that works against it. `npm start`, the
 * end-to-end tests and the benchmark start emulators through this shape.
 */
export interface VendorEmulatorHandle {
	emulator: Emulator;
	baseUrl: string;
	/** Credential type name (`shihengApi` …) the credentials below are for. */
	credentialType: string;
	credentials: Record<string, string | number | boolean>;
	stop(): Promise<void>;
}
