/** Wait Until Final: polling asynchronous jobs in batches until each reaches a final state. */

import { runBatched } from './batching';
import type { Answer, BatchOptions, Request } from './batching';
import { sleep } from '../http/abort';

/**
 * Wait Until Final for asynchronous vendor jobs (WeLink's person and department sync): asks again
 * about the requests whose answer is not final yet, with growing pauses, until all are final or
 * the maximum wait would be passed. Requests still open then are marked `timedOut`.
 */

/** What a polled answer carries: whether it is final, how often it was asked, whether time ran out. */
export interface Polled {
	final: boolean;
	polls?: number;
	timedOut?: boolean;
}

export interface WaitSettings {
	deadline: number;
	pollIntervalMs: number;
	signal?: AbortSignal;
}

const MAX_POLL_INTERVAL_MS = 30_000;

export async function waitUntilFinal<V, S extends Polled>(
	batches: BatchOptions<V, S>,
	requests: Array<Request<V>>,
	first: Array<Answer<S>>,
	settings: WaitSettings,
): Promise<Array<Answer<S>>> {
	const answers: Array<Answer<S>> = first.map((answer) =>
		answer.ok ? { ok: true, value: { ...answer.value, polls: 1, timedOut: false } } : answer,
	);
	let interval = Math.max(1, settings.pollIntervalMs);
	for (;;) {
		const open = answers
			.map((answer, position) => ({ answer, position }))
			.filter(({ answer }) => answer.ok && !answer.value.final)
			.map(({ position }) => position);
		if (open.length === 0) break;
		if (Date.now() + interval > settings.deadline) {
			for (const position of open) {
				const answer = answers[position];
				if (answer.ok) answer.value.timedOut = true;
			}
			break;
		}
		await sleep(interval, settings.signal);
		interval = Math.min(MAX_POLL_INTERVAL_MS, Math.round(interval * 1.5));
		const again = await runBatched(
			open.map((position) => requests[position]),
			batches,
		);
		again.forEach((answer, index) => {
			const position = open[index];
			const previous = answers[position];
			const polls = previous.ok ? (previous.value.polls ?? 0) + 1 : 1;
			answers[position] = answer.ok
				? { ok: true, value: { ...answer.value, polls, timedOut: false } }
				: answer;
		});
	}
	return answers;
}
