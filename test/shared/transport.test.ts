import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { TransportError, toNodeError } from '../../nodes/shared/errors';
import { RateLimiter } from '../../nodes/shared/http/rate-limiter';
import { mapConcurrent } from '../../nodes/shared/execution/concurrency';
import { Redactor } from '../../nodes/shared/redact';
import { parseRetryAfter, sendWithRetry } from '../../nodes/shared/http/retry';
import { parseJsonBody } from '../../nodes/shared/http/body';
import type {
	HttpRequestSpec,
	TransportSettings,
	VendorProfile,
} from '../../nodes/shared/http/types';
import { Emulator } from '../emulators/frame';
import { startSelfSignedServer } from './self-signed-server';
import type { SelfSignedServer } from './self-signed-server';

/** The shared transport against a real HTTP server on 127.0.0.1. */

const profile: VendorProfile = { name: 'Test API' };
let emulator: Emulator;
let hits = 0;

function settings(overrides: Partial<TransportSettings> = {}): TransportSettings {
	return {
		connectTimeoutMs: 2_000,
		responseTimeoutMs: 2_000,
		retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
		idempotent: true,
		...overrides,
	};
}

const post = (): HttpRequestSpec => ({
	method: 'POST',
	url: `${emulator.baseUrl}/write`,
	body: '{"a":1}',
});
const get = (): HttpRequestSpec => ({ method: 'GET', url: `${emulator.baseUrl}/read` });

/** A port nothing listens on: connecting is refused before any byte is sent. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

beforeAll(async () => {
	emulator = new Emulator('transport');
	emulator.route('POST', '/write', () => {
		hits++;
		return { json: { ok: true, hits } };
	});
	emulator.route('GET', '/read', () => ({ json: { ok: true } }));
	await emulator.start();
});
afterAll(async () => await emulator.stop());
beforeEach(() => {
	hits = 0;
	emulator.clearFaults();
	emulator.resetCounters();
	emulator.latencyMs = 0;
});

describe("the caller's place in flight (a listing's Concurrency)", () => {
	/** Records the calls in order, and whether the answer had been handed over at each. */
	const recordingPlace = (events: string[], answered: () => boolean) => ({
		acquire: async () => {
			events.push(`acquire${answered() ? ' after answer' : ''}`);
		},
		release: () => {
			events.push(`release${answered() ? ' after answer' : ''}`);
		},
	});

	test('given back when the answer arrives, before the caller reads it', async () => {
		const events: string[] = [];
		let done = false;
		const response = await sendWithRetry(
			get,
			settings({ inFlight: recordingPlace(events, () => done) }),
			profile,
		);
		done = true;
		expect(response.status).toBe(200);
		expect(events).toEqual(['release']);
	});

	test('a retry takes a place again before it is sent: one acquire per retry, one release per answer', async () => {
		emulator.injectFault({
			path: '/read',
			times: 2,
			fault: { kind: 'status', status: 503, json: {} },
		});
		const events: string[] = [];
		const response = await sendWithRetry(
			get,
			settings({ inFlight: recordingPlace(events, () => false) }),
			profile,
		);
		expect(response.status).toBe(200);
		expect(emulator.count('/read')).toBe(3);
		expect(events).toEqual(['release', 'acquire', 'release', 'acquire', 'release']);
	});

	test('a request that never got an answer (connection refused) gives its place back too', async () => {
		const port = await closedPort();
		const events: string[] = [];
		const failure = await sendWithRetry(
			() => ({ ...get(), url: `http://127.0.0.1:${port}/read` }),
			settings({
				retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
				inFlight: recordingPlace(events, () => false),
			}),
			profile,
		).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(TransportError);
		// Given back (a repeated release counts once, as InFlightSlot allows), never taken again.
		expect(events.length).toBeGreaterThan(0);
		expect(new Set(events)).toEqual(new Set(['release']));
	});
});

describe('retry only where it is safe', () => {
	test('an idempotent read is retried through a burst of 503s', async () => {
		emulator.injectFault({
			path: '/read',
			times: 2,
			fault: { kind: 'status', status: 503, json: {} },
		});
		const response = await sendWithRetry(get, settings(), profile);
		expect(response.status).toBe(200);
		expect(emulator.count('/read')).toBe(3);
	});

	test('a non-idempotent write is not repeated after the server may have acted (503)', async () => {
		emulator.injectFault({ path: '/write', fault: { kind: 'status', status: 503, json: {} } });
		const response = await sendWithRetry(post, settings({ idempotent: false }), profile);
		expect(response.status).toBe(503);
		expect(emulator.count('/write')).toBe(1);
	});

	test('a non-idempotent write is not repeated when the connection drops after it was read', async () => {
		emulator.injectFault({ path: '/write', fault: { kind: 'reset-after-read' } });
		const failure = await sendWithRetry(post, settings({ idempotent: false }), profile).catch(
			(e: unknown) => e,
		);
		expect(failure).toBeInstanceOf(TransportError);
		expect((failure as TransportError).details.kind).toBe('reset');
		expect((failure as TransportError).details.mayHaveReachedServer).toBe(true);
		// The handler ran once (the write happened) and was never asked again.
		expect(hits).toBe(1);
		expect(emulator.count('/write')).toBe(1);
	});

	test('a non-idempotent write IS retried when the connection was refused before sending', async () => {
		const port = await closedPort();
		let attempt = 0;
		const response = await sendWithRetry(
			() => (++attempt === 1 ? { ...post(), url: `http://127.0.0.1:${port}/write` } : post()),
			settings({ idempotent: false }),
			profile,
		);
		expect(response.status).toBe(200);
		expect(attempt).toBe(2);
		expect(hits).toBe(1);
	});

	test('a vendor answer refused before the service (a gateway throttle) is retried even for writes', async () => {
		emulator.injectFault({
			path: '/write',
			times: 2,
			fault: { kind: 'status', status: 403, json: { message: 'Request Limited' } },
		});
		const throttleAware: VendorProfile = {
			name: 'Gateway',
			transientAnswer: (response) =>
				response.status === 403 && response.text.includes('Request Limited')
					? { reason: 'throttled', reachedService: false }
					: undefined,
		};
		const response = await sendWithRetry(post, settings({ idempotent: false }), throttleAware);
		expect(response.status).toBe(200);
		expect(hits).toBe(1);
		expect(emulator.count('/write')).toBe(3);
	});

	test('attempts are bounded: a persistent 503 ends after maxAttempts', async () => {
		emulator.injectFault({
			path: '/read',
			times: 100,
			fault: { kind: 'status', status: 503, json: {} },
		});
		const response = await sendWithRetry(
			get,
			settings({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 } }),
			profile,
		);
		expect(response.status).toBe(503);
		expect(emulator.count('/read')).toBe(3);
	});

	test('a slow answer times out and an idempotent read is tried again', async () => {
		emulator.injectFault({ path: '/read', fault: { kind: 'delay', ms: 1_000 } });
		const response = await sendWithRetry(get, settings({ responseTimeoutMs: 200 }), profile);
		expect(response.status).toBe(200);
		expect(emulator.count('/read')).toBe(2);
	});

	test('every attempt is built afresh (signers need a new nonce and timestamp)', async () => {
		emulator.injectFault({
			path: '/read',
			times: 2,
			fault: { kind: 'status', status: 502, json: {} },
		});
		const built: number[] = [];
		await sendWithRetry(
			() => {
				built.push(built.length);
				return get();
			},
			settings(),
			profile,
		);
		expect(built).toEqual([0, 1, 2]);
	});
});

describe('Retry-After', () => {
	test('parses seconds and HTTP dates', () => {
		expect(parseRetryAfter('2')).toBe(2_000);
		expect(parseRetryAfter(new Date(Date.now() + 3_000).toUTCString(), Date.now())).toBeGreaterThan(
			1_000,
		);
		expect(parseRetryAfter('soon')).toBeUndefined();
	});

	test('a 429 with Retry-After waits that long before the next attempt', async () => {
		emulator.injectFault({
			path: '/read',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' }, json: {} },
		});
		const response = await sendWithRetry(get, settings(), profile);
		expect(response.status).toBe(200);
		const [first, second] = emulator.records;
		// Backoff alone would wait at most 20 ms here; the vendor asked for a second.
		expect(second.at - first.at).toBeGreaterThanOrEqual(950);
	});
});

describe('rate limiter', () => {
	test('the server never sees more than `limit` requests in any sliding window', async () => {
		// The margin absorbs the jitter between our grant and the server's arrival time.
		const limiter = new RateLimiter([{ limit: 5, intervalMs: 200 }], 25);
		await mapConcurrent(Array.from({ length: 20 }), 8, async () => {
			await sendWithRetry(get, settings({ rateLimiter: limiter }), profile);
		});
		const arrivals = emulator.records.map((record) => record.at).sort((a, b) => a - b);
		expect(arrivals).toHaveLength(20);
		for (let i = 5; i < arrivals.length; i++) {
			// The 6th request after any request arrives a full window later.
			expect(arrivals[i] - arrivals[i - 5]).toBeGreaterThanOrEqual(200);
		}
	});

	test('honours every window at once (per second and per minute style)', async () => {
		const limiter = new RateLimiter([
			{ limit: 10, intervalMs: 100 },
			{ limit: 3, intervalMs: 150 },
		]);
		const starts: number[] = [];
		for (let i = 0; i < 9; i++) {
			await limiter.acquire();
			starts.push(Date.now());
		}
		for (let i = 3; i < starts.length; i++)
			expect(starts[i] - starts[i - 3]).toBeGreaterThanOrEqual(149);
	});
});

describe('cancellation', () => {
	test('aborting stops a request in flight and the queued ones never start', async () => {
		emulator.latencyMs = 1_000;
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const started = Date.now();
		const failure = await mapConcurrent(
			Array.from({ length: 10 }),
			2,
			async () => await sendWithRetry(get, settings({ signal: controller.signal }), profile),
			controller.signal,
		).catch((e: unknown) => e);
		expect(Date.now() - started).toBeLessThan(900);
		expect((failure as TransportError).details.kind).toBe('aborted');
		expect(emulator.count('/read')).toBe(2);
	});

	test('aborting during a backoff pause ends the wait at once', async () => {
		emulator.injectFault({
			path: '/read',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '30' }, json: {} },
		});
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const started = Date.now();
		const failure = await sendWithRetry(
			get,
			settings({
				signal: controller.signal,
				retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
			}),
			profile,
		).catch((e: unknown) => e);
		expect(Date.now() - started).toBeLessThan(2_000);
		expect((failure as TransportError).details.kind).toBe('aborted');
	});
});

describe('bodies that are not JSON', () => {
	test('an HTML gateway page becomes an error with the status and a short excerpt', async () => {
		emulator.injectFault({ path: '/read', times: 10, fault: { kind: 'html', status: 502 } });
		const response = await sendWithRetry(
			get,
			settings({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } }),
			profile,
		);
		let failure: unknown;
		try {
			parseJsonBody(response, profile);
		} catch (error) {
			failure = error;
		}
		expect(failure).toBeInstanceOf(TransportError);
		const details = (failure as TransportError).details;
		expect(details.kind).toBe('non-json');
		expect(details.httpStatus).toBe(502);
		expect((failure as Error).message).toBe('Test API answered with an HTML page instead of JSON');
		expect(details.excerpt).toContain('502 Bad Gateway');
		expect(details.excerpt!.length).toBeLessThanOrEqual(161);
	});

	test('a truncated JSON body is reported as such, not as a parse stack trace', async () => {
		emulator.injectFault({ path: '/read', fault: { kind: 'truncated' } });
		const response = await sendWithRetry(
			get,
			settings({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } }),
			profile,
		);
		expect(() => parseJsonBody(response, profile)).toThrow(
			'Test API answered with a body that is not valid JSON',
		);
	});
});

describe('connection reuse', () => {
	test('requests to an origin reuse pooled keep-alive connections, also in a later run', async () => {
		const fresh = new Emulator('fresh-origin');
		fresh.route('GET', '/read', () => ({ json: { ok: true } }));
		await fresh.start();
		const read = () =>
			sendWithRetry(() => ({ method: 'GET', url: `${fresh.baseUrl}/read` }), settings(), profile);
		try {
			for (let i = 0; i < 20; i++) await read();
			// undici may open a second socket while the first finishes its bookkeeping; never more.
			expect(fresh.connectionCount()).toBeLessThanOrEqual(2);
			const firstRunPorts = new Set(fresh.records.map((record) => record.remotePort));
			fresh.resetCounters();
			for (let i = 0; i < 20; i++) await read();
			expect(fresh.records.every((record) => firstRunPorts.has(record.remotePort))).toBe(true);
			expect(fresh.count('/read')).toBe(20);
		} finally {
			await fresh.stop();
		}
	});
});

describe('unreadable answers to idempotent requests', () => {
	test('a truncated 200 body is retried for a read and the complete answer is returned', async () => {
		emulator.injectFault({ path: '/read', fault: { kind: 'truncated' } });
		const response = await sendWithRetry(get, settings(), profile);
		expect(parseJsonBody(response, profile)).toEqual({ ok: true });
		expect(emulator.count('/read')).toBe(2);
	});

	test('a truncated 200 body is NOT retried for a write (it may have been served)', async () => {
		emulator.injectFault({ path: '/write', fault: { kind: 'truncated' } });
		const response = await sendWithRetry(post, settings({ idempotent: false }), profile);
		expect(() => parseJsonBody(response, profile)).toThrow('not valid JSON');
		expect(hits).toBe(1);
	});
});

describe('a TLS certificate that is not trusted', () => {
	let tls: SelfSignedServer;
	beforeAll(async () => {
		tls = await startSelfSignedServer();
	});
	afterAll(async () => await tls.stop());

	test('fails at once, not retried, naming the host and the "Ignore SSL Issues" switch', async () => {
		const before = tls.connections();
		const failure = await sendWithRetry(
			() => ({ method: 'GET', url: `${tls.baseUrl}/read` }),
			settings({ retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 } }),
			profile,
		).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(TransportError);
		// A certificate does not fix itself: one attempt, the server saw one connection.
		expect(tls.connections() - before).toBe(1);
		expect(tls.requests()).toBe(0);
		const details = (failure as TransportError).details;
		expect(details.kind).toBe('certificate');
		expect(details.message).toContain(tls.host);
		expect(details.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
		const shown = toNodeError({ name: 'Node' } as never, failure, 0, new Redactor());
		expect(shown.message).toContain(tls.host);
		expect(shown.description).toContain('"Ignore SSL Issues"');
	});

	test('is accepted where the credential allows it (Ignore SSL Issues on)', async () => {
		const response = await sendWithRetry(
			() => ({ method: 'GET', url: `${tls.baseUrl}/read` }),
			settings({ allowInsecureTls: true }),
			profile,
		);
		expect(response.status).toBe(200);
		expect(parseJsonBody(response, profile)).toEqual({ ok: true });
	});
});

describe('the answer as read from the socket', () => {
	test('a body in many chunks, a character split between two of them and a byte-order mark: the same text, headers joined', async () => {
		const text = JSON.stringify({
			name: '食亨员工',
			list: Array.from({ length: 2_000 }, (_, i) => `第${i}名`),
		});
		const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
		let seenUrl = '';
		const server = createHttpServer((request, response) => {
			seenUrl = request.url ?? '';
			response.writeHead(200, { 'content-type': 'application/json', 'x-trace': ['a', 'b'] });
			// Cut inside the first Chinese character's bytes, then in pieces with pauses between.
			const cuts = [5, 4_001, 9_003, bytes.length];
			let from = 0;
			const next = (index: number) => {
				if (index === cuts.length) {
					response.end();
					return;
				}
				response.write(bytes.subarray(from, cuts[index]));
				from = cuts[index];
				setTimeout(() => next(index + 1), 5);
			};
			next(0);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const response = await sendWithRetry(
				() => ({
					method: 'GET',
					url: `http://127.0.0.1:${port}/list`,
					query: { page: 2, q: '员工' },
				}),
				settings(),
				profile,
			);
			expect(seenUrl).toBe(`/list?page=2&q=${encodeURIComponent('员工')}`);
			expect(response.status).toBe(200);
			expect(response.text).toBe(text);
			expect(response.headers['x-trace']).toBe('a, b');
			expect(parseJsonBody(response, profile)).toEqual(JSON.parse(text));
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	test('a stop while the answer is awaited ends the request at once, as an aborted transport error', async () => {
		emulator.latencyMs = 5_000;
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 100);
		const failure = await sendWithRetry(
			get,
			settings({ signal: controller.signal, responseTimeoutMs: 10_000 }),
			profile,
		).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(TransportError);
		expect((failure as TransportError).details.kind).toBe('aborted');
		expect(Date.now() - started).toBeLessThan(2_000);
	});
});
