import { fork, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';

import type { ProxiedCall } from './counting-proxy';
import type { Stall } from './stall-watch';
import type { VendorMessage, VendorOptions } from './welink-vendor-process';

/**
 * The test's handle on WeLink's side (welink-vendor-process.ts): where the n8n credential points,
 * every call WeLink answered as it happens, and the emulator's token count and event-loop stalls
 * on request.
 */
export interface WeLinkVendor {
	pid: number;
	/** The counting proxy's address: the credential's Base URL. */
	baseUrl: string;
	credentialType: string;
	credentials: Record<string, string | number | boolean>;
	/** Every call answered so far, in the order answered. */
	calls: ProxiedCall[];
	/** The process's nice value: VENDOR_NICE where this process may raise priorities (root), else 0. */
	nice: number;
	state(): Promise<{ tokensIssued: number; stalls: Stall[] }>;
	stop(): Promise<void>;
}

/**
 * WeLink's gateway runs on machines of its own; here it shares the cores with the n8n processes
 * (and whatever else runs). It counts a request when its event loop gets to it, so every delay
 * the scheduler puts on that loop shifts its clock: the process gets the CPU first where this
 * process may say so (as root).
 */
const VENDOR_NICE = -10;

export async function startWeLinkVendor(options: VendorOptions): Promise<WeLinkVendor> {
	const child: ChildProcess = fork(
		join(__dirname, 'welink-vendor-process.js'),
		[JSON.stringify(options)],
		{ stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
	);
	try {
		setPriority(child.pid ?? 0, VENDOR_NICE);
	} catch {
		// Only root may raise a priority: the emulator then runs at the usual one.
	}
	const nice = getPriority(child.pid ?? 0);
	const calls: ProxiedCall[] = [];
	const waiting: Array<(state: { tokensIssued: number; stalls: Stall[] }) => void> = [];
	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	const ready = await new Promise<Extract<VendorMessage, { type: 'ready' }>>(
		(resolveReady, reject) => {
			child.once('exit', (code) =>
				reject(new Error(`the WeLink emulator's process ended (exit ${code}) before it was ready`)),
			);
			child.on('message', (message: VendorMessage) => {
				if (message.type === 'ready') resolveReady(message);
				else if (message.type === 'call') calls.push(message.call);
				else if (message.type === 'state') waiting.shift()?.(message);
			});
		},
	);
	return {
		pid: child.pid ?? 0,
		baseUrl: ready.baseUrl,
		credentialType: ready.credentialType,
		credentials: ready.credentials,
		calls,
		nice,
		state: async () =>
			await new Promise((resolveState) => {
				waiting.push(resolveState);
				child.send({ type: 'query' });
			}),
		stop: async () => {
			if (child.exitCode === null && child.connected) child.send({ type: 'stop' });
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		},
	};
}
