/**
 * WeLink's side of the queue-mode test in a process of its own (started by welink-vendor.ts): the
 * WeLink emulator behind the counting proxy. WeLink's gateway does not share a CPU with the n8n
 * processes or the test's bookkeeping; here at least no other work of the test runs in the event
 * loop whose clock decides what a second is, so the emulator's count stays the vendor's count.
 *
 * IPC: sends {type:'ready', …} once listening and {type:'call', call} for every call answered;
 * answers {type:'query'} with {type:'state', tokensIssued, stalls}; {type:'stop'} ends it.
 */
import { startWeLinkEmulator } from '../emulators/welink';
import { startCountingProxy } from './counting-proxy';
import { StallWatch } from './stall-watch';

export interface VendorOptions {
	latencyMs: number;
	ratePerSecond: number;
}

export type VendorMessage =
	| {
			type: 'ready';
			baseUrl: string;
			credentialType: string;
			credentials: Record<string, string | number | boolean>;
	  }
	| { type: 'call'; call: { path: string; at: number; code: string | undefined } }
	| { type: 'state'; tokensIssued: number; stalls: Array<{ endedAt: number; ms: number }> };

function send(message: VendorMessage): void {
	process.send?.(message);
}

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2] ?? '{}') as VendorOptions;
	const stalls = new StallWatch();
	const weLink = await startWeLinkEmulator({
		latencyMs: options.latencyMs,
		demoPersons: 0,
		ratePerSecond: options.ratePerSecond,
	});
	const proxy = await startCountingProxy(weLink.baseUrl, (call) => send({ type: 'call', call }));
	process.on('message', (message: { type?: string }) => {
		if (message.type === 'query')
			send({ type: 'state', tokensIssued: weLink.tokensIssued(), stalls: stalls.stalls });
		if (message.type === 'stop') {
			stalls.stop();
			void Promise.allSettled([proxy.stop(), weLink.stop()]).then(() => process.exit(0));
		}
	});
	// The parent going away (a crash, Ctrl-C) ends this process too.
	process.on('disconnect', () => process.exit(0));
	send({
		type: 'ready',
		baseUrl: proxy.baseUrl,
		credentialType: weLink.credentialType,
		credentials: { ...weLink.credentials, baseUrl: proxy.baseUrl },
	});
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
