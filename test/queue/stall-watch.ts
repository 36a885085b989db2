/**
 * Stalls of a process's event loop, seen as late ticks of a 10-ms timer. Where the emulator counts
 * WeLink's rate limit, a request that reached the machine during a stall is counted only when the
 * stall ends, in a bunch with the ones after it: a 48503 no client could have prevented.
 */

export interface Stall {
	/** When the late tick came (epoch ms). */
	endedAt: number;
	ms: number;
}

const TICK_MS = 10;
export const STALL_MS = 50;

export class StallWatch {
	readonly stalls: Stall[] = [];

	private last = Date.now();

	private readonly timer = setInterval(() => {
		const now = Date.now();
		if (now - this.last > TICK_MS + STALL_MS)
			this.stalls.push({ endedAt: now, ms: now - this.last - TICK_MS });
		this.last = now;
	}, TICK_MS);

	stop(): void {
		clearInterval(this.timer);
	}
}

/** The longest stall that ended in (from, to]. */
export function longestStall(stalls: Stall[], from: number, to: number): number {
	return Math.max(0, ...stalls.filter((s) => s.endedAt > from && s.endedAt <= to).map((s) => s.ms));
}

/** The stalls that ended in (from, to], with their times from `from`. */
export function describeStalls(stalls: Stall[], from: number, to: number): string {
	const within = stalls.filter((s) => s.endedAt > from && s.endedAt <= to);
	const listed = within
		.map((s) => `${s.ms} ms at +${((s.endedAt - from) / 1000).toFixed(1)} s`)
		.join(', ');
	return `${within.length} stall(s) of the WeLink emulator's event loop over ${STALL_MS} ms${within.length ? `: ${listed}` : ''}`;
}
