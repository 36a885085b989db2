import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';

/**
 * Runs one `n8n execute` process and watches it from outside through /proc: the peak resident
 * memory (VmHWM) of the process and of every process it starts (n8n's task runner), and the CPU
 * time they used. Output goes straight into a file (not a pipe): a 100,000-item run prints tens of
 * megabytes, and n8n exits right after printing, which would cut a pipe's unread tail off.
 */

/** Linux reports utime/stime in clock ticks; 100 per second on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessSample {
	/** Sum over the process tree of each process's VmHWM, in kB (an upper bound of the tree's peak). */
	peakKb: number;
	/** utime + stime of the process tree, in milliseconds. */
	cpuMs: number;
}

export interface MeasuredRun {
	code: number;
	/** The signal that ended the process, if one did. */
	signal: string | null;
	/** Wall time of the whole process (start-up included), in milliseconds. */
	wallMs: number;
	peakRssMb: number;
	cpuMs: number;
	stdoutFile: string;
	stderrTail: string;
	/** CPU time of the process tree so far, sampled over time (epoch ms, ms of CPU). */
	cpuSeries: Array<{ at: number; cpuMs: number }>;
}

/** CPU time the process tree used between two moments, interpolated between samples. */
export function cpuBetween(
	series: Array<{ at: number; cpuMs: number }>,
	from: number,
	to: number,
): number | null {
	if (series.length < 2 || from < series[0].at || to > series[series.length - 1].at) return null;
	const at = (time: number): number => {
		let index = series.findIndex((sample) => sample.at >= time);
		if (index <= 0) index = 1;
		const a = series[index - 1];
		const b = series[index];
		return b.at === a.at
			? b.cpuMs
			: a.cpuMs + ((b.cpuMs - a.cpuMs) * (time - a.at)) / (b.at - a.at);
	};
	return at(to) - at(from);
}

function readText(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
}

function childrenOf(pid: number): number[] {
	const out: number[] = [];
	let tasks: string[];
	try {
		tasks = readdirSync(`/proc/${pid}/task`);
	} catch {
		return out;
	}
	for (const tid of tasks) {
		const text = readText(`/proc/${pid}/task/${tid}/children`);
		if (!text) continue;
		for (const part of text.trim().split(/\s+/)) {
			const child = Number(part);
			if (Number.isInteger(child) && child > 0) out.push(child);
		}
	}
	return out;
}

function treeOf(pid: number): number[] {
	const seen: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const next = queue.shift() as number;
		if (seen.includes(next)) continue;
		seen.push(next);
		queue.push(...childrenOf(next));
	}
	return seen;
}

function hwmKb(pid: number): number | undefined {
	const status = readText(`/proc/${pid}/status`);
	const match = status?.match(/^VmHWM:\s+(\d+)\s+kB/m);
	return match ? Number(match[1]) : undefined;
}

/** Resident memory (VmRSS) of a process and every process under it now, in kB. */
export function treeRssKb(pid: number): number {
	let total = 0;
	for (const member of treeOf(pid)) {
		const match = readText(`/proc/${member}/status`)?.match(/^VmRSS:\s+(\d+)\s+kB/m);
		if (match) total += Number(match[1]);
	}
	return total;
}

function cpuMsOf(pid: number): number | undefined {
	const stat = readText(`/proc/${pid}/stat`);
	if (!stat) return undefined;
	// The command name is in parentheses and may contain spaces: count fields after the last ")".
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const utime = Number(fields[11]);
	const stime = Number(fields[12]);
	if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
	return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Keeps, per process ever seen in the tree, its latest VmHWM and CPU time: a process that exits
 * between two samples keeps the figures of its last sample.
 */
class TreeWatcher {
	private readonly hwm = new Map<number, number>();

	private readonly cpu = new Map<number, number>();

	readonly series: Array<{ at: number; cpuMs: number }> = [];

	constructor(private readonly root: number) {}

	sample(): void {
		for (const pid of treeOf(this.root)) {
			const kb = hwmKb(pid);
			if (kb !== undefined) this.hwm.set(pid, Math.max(kb, this.hwm.get(pid) ?? 0));
			const ms = cpuMsOf(pid);
			if (ms !== undefined) this.cpu.set(pid, Math.max(ms, this.cpu.get(pid) ?? 0));
		}
		let total = 0;
		for (const ms of this.cpu.values()) total += ms;
		this.series.push({ at: Date.now(), cpuMs: total });
	}

	result(): ProcessSample {
		let peakKb = 0;
		for (const kb of this.hwm.values()) peakKb += kb;
		let cpuMs = 0;
		for (const ms of this.cpu.values()) cpuMs += ms;
		return { peakKb, cpuMs };
	}
}

export async function runMeasured(
	command: string,
	args: string[],
	options: {
		env: NodeJS.ProcessEnv;
		stdoutFile: string;
		sampleEveryMs?: number;
		timeoutMs?: number;
	},
): Promise<MeasuredRun> {
	const started = Date.now();
	const out = openSync(options.stdoutFile, 'w');
	const child = spawn(command, args, { env: options.env, stdio: ['ignore', out, 'pipe'] });
	closeSync(out);
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
	});
	const watcher = child.pid === undefined ? undefined : new TreeWatcher(child.pid);
	watcher?.sample();
	const timer = setInterval(() => watcher?.sample(), options.sampleEveryMs ?? 25);
	const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000);
	const [code, signal] = await new Promise<[number, string | null]>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (exitCode, exitSignal) => {
			// The exited process is already reaped here: its figures are those of the last sample.
			resolve([exitCode ?? 128, exitSignal]);
		});
	});
	clearInterval(timer);
	clearTimeout(killer);
	const sample = watcher?.result() ?? { peakKb: 0, cpuMs: 0 };
	return {
		code,
		signal,
		wallMs: Date.now() - started,
		peakRssMb: Math.round((sample.peakKb / 1024) * 10) / 10,
		cpuMs: sample.cpuMs,
		stdoutFile: options.stdoutFile,
		stderrTail: stderr,
		cpuSeries: watcher?.series ?? [],
	};
}
