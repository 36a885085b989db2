/**
 * What every start-up helper (n8n main, workers, Redis, PostgreSQL) and the Redis test harness
 * share: a free port, and watching a child process so it can be stopped in order (its stop signal,
 * SIGKILL after 15 s).
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

export interface WatchedChild {
	/** Whether the child has exited. */
	exited(): boolean;
	/** Resolves when the child exits. */
	done: Promise<void>;
	/** Sends the stop signal, SIGKILL if the child is still there 15 s later; resolves once it exited. */
	stop(): Promise<void>;
}

export function watchChild(
	child: ChildProcess,
	stopSignal: NodeJS.Signals = 'SIGTERM',
): WatchedChild {
	let exited = false;
	const done = new Promise<void>((resolveExit) =>
		child.on('exit', () => {
			exited = true;
			resolveExit();
		}),
	);
	return {
		exited: () => exited,
		done,
		async stop() {
			if (exited) return;
			child.kill(stopSignal);
			const timer = setTimeout(() => {
				if (!exited) child.kill('SIGKILL');
			}, 15_000);
			await done;
			clearTimeout(timer);
		},
	};
}
