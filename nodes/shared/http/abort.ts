/** Stopping: the error a stop becomes, and waiting that a stop cuts short. */

export class AbortedError extends Error {
	constructor() {
		super('The execution was stopped');
		this.name = 'AbortedError';
	}
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new AbortedError();
}

/** Waits `ms`, or rejects with AbortedError as soon as the signal fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	throwIfAborted(signal);
	if (ms <= 0) return;
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(new AbortedError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
