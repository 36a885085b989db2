import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { PACKAGE } from './workflows';

/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and tells where the time of our node went,
 * by self time, in five groups: n8n's expression evaluation, the rest of n8n's engine, our
 * package, undici, and JSON / garbage collection / everything else.
 *
 *   node build/bench/profile.js FILE.cpuprofile [--window node|package|all]
 *   npm run bench -- --analyse FILE.cpuprofile [--window node|package|all]
 *
 * V8 stamps samples with the monotonic clock that process.hrtime() reads in every process of the
 * machine, so the benchmark can save the measured node's span next to the profile
 * (FILE.cpuprofile.window.json) and the analysis keeps exactly that span.
 */

interface CallFrame {
	functionName: string;
	url: string;
	/** 0-based. */
	lineNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	/** Microseconds. */
	startTime: number;
	endTime: number;
	/** The node id on top of the stack at each sample. */
	samples: number[];
	/** Microseconds since the previous sample (the first: since startTime). */
	timeDeltas: number[];
}

export type Group = 'expression' | 'engine' | 'package' | 'undici' | 'other';

export const GROUP_LABELS: Record<Group, string> = {
	expression: 'n8n expression evaluation (n8n-workflow Expression, tmpl, WorkflowDataProxy …)',
	engine: 'n8n engine, other',
	package: `our package (${PACKAGE})`,
	undici: 'undici',
	other: 'JSON / GC / other',
};

const GROUP_ORDER: Group[] = ['expression', 'engine', 'package', 'undici', 'other'];

/** Files of n8n-workflow that evaluate expressions, and the packages they evaluate them with. */
const EXPRESSION_FILE =
	/\/n8n-workflow\/dist\/(?:cjs|esm)\/(?:expression[^/]*|workflow-expression|workflow-data-proxy[^/]*|augment-object|jmespath-query|expressions\/|extensions\/|native-methods\/)|\/@n8n\/(?:tournament|expression-runtime)\/|\/(?:esprima-next|recast|ast-types)\//;
const N8N_FILE = /\/(?:n8n-workflow|n8n-core|n8n-nodes-base|n8n)\/dist\/|\/@n8n\/[^/]+\//;
const UNDICI_FILE = /\/undici\/|^node:internal\/deps\/undici\//;

/**
 * The group a frame belongs to by its own file, or undefined for frames that only do work for
 * their caller (V8 built-ins, Node's internals, third-party libraries): those count for the
 * nearest caller that has a group. JSON and the collector are their own group whoever calls them.
 */
export function ownGroup(frame: CallFrame): Group | undefined {
	const { url, functionName } = frame;
	if (functionName === '(garbage collector)') return 'other';
	if (url === '' && (functionName === 'parse' || functionName === 'stringify')) return 'other';
	if (UNDICI_FILE.test(url)) return 'undici';
	const inPackage = url.lastIndexOf(`/${PACKAGE}/`);
	// Our package's own dependencies live under its node_modules: they are not our code.
	if (inPackage >= 0 && !url.slice(inPackage + PACKAGE.length + 2).startsWith('node_modules/'))
		return 'package';
	if (EXPRESSION_FILE.test(url)) return 'expression';
	if (N8N_FILE.test(url)) return 'engine';
	return undefined;
}

function isOurs(frame: CallFrame): boolean {
	return ownGroup(frame) === 'package';
}

/** Frames that only occur while n8n loads node packages at start-up (requiring files, building descriptions). */
function isLoading(frame: CallFrame): boolean {
	return (
		frame.url.startsWith('node:internal/modules/') || frame.functionName === 'loadClassInIsolation'
	);
}

export interface FunctionTime {
	name: string;
	location: string;
	group: Group;
	selfMs: number;
}

/** The measured node's run on the profile's clock (microseconds), saved by the benchmark next to the profile. */
export interface NodeWindow {
	fromUs: number;
	toUs: number;
	/** What ran, for the printout (e.g. "mingdao-relations, ours, node 229 ms"). */
	label: string;
}

/**
 * Which samples count: the measured node's run (from the saved span), the samples from the first
 * to the last one with our package running (a guess when no span was saved: start-up, where n8n
 * loads our files, is left out), or the whole process.
 */
export type Window = { kind: 'node'; node: NodeWindow } | { kind: 'package' } | { kind: 'all' };

export interface ProfileSummary {
	window: string;
	/** Length of the analysed span and how much of it the process was idle (waiting on I/O). */
	spanMs: number;
	idleMs: number;
	busyMs: number;
	groups: Array<{ group: Group; label: string; selfMs: number; share: number }>;
	functions: FunctionTime[];
	/** Expression evaluation time by the nearest function of our package on the stack (who asked for it). */
	expressionCallers: Array<{ caller: string; selfMs: number }>;
}

function location(frame: CallFrame): string {
	if (frame.url === '') return '(native)';
	const trimmed = frame.url.replace(/^file:\/\//, '');
	const cut = trimmed.lastIndexOf('/node_modules/');
	return `${cut >= 0 ? trimmed.slice(cut + '/node_modules/'.length) : trimmed}:${frame.lineNumber + 1}`;
}

/** Self time per group and per function, over the samples the window keeps. */
export function analyseProfile(profile: CpuProfile, window: Window): ProfileSummary {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);

	const groupOf = new Map<number, Group>();
	const resolveGroup = (id: number): Group => {
		const known = groupOf.get(id);
		if (known) return known;
		const node = byId.get(id);
		const own = node ? ownGroup(node.callFrame) : 'other';
		const parentId = parent.get(id);
		const group = own ?? (parentId === undefined ? 'other' : resolveGroup(parentId));
		groupOf.set(id, group);
		return group;
	};
	/** Whether any frame of the stack ending at `id` satisfies `test` (memoised per test). */
	const stackHas = (test: (frame: CallFrame) => boolean): ((id: number) => boolean) => {
		const memo = new Map<number, boolean>();
		const has = (id: number): boolean => {
			const known = memo.get(id);
			if (known !== undefined) return known;
			const node = byId.get(id);
			const parentId = parent.get(id);
			const value =
				(node !== undefined && test(node.callFrame)) || (parentId !== undefined && has(parentId));
			memo.set(id, value);
			return value;
		};
		return has;
	};
	const runsOurs = stackHas(isOurs);
	const loading = stackHas(isLoading);
	const callerMemo = new Map<number, string>();
	const ourCaller = (id: number): string => {
		const known = callerMemo.get(id);
		if (known !== undefined) return known;
		const node = byId.get(id);
		const parentId = parent.get(id);
		const caller =
			node !== undefined && isOurs(node.callFrame)
				? `${node.callFrame.functionName || '(anonymous)'}  ${location(node.callFrame)}`
				: parentId === undefined
					? '(no function of ours on the stack)'
					: ourCaller(parentId);
		callerMemo.set(id, caller);
		return caller;
	};

	// A sample lasts until the next one; the last until the profile's end.
	const count = profile.samples.length;
	const at: number[] = [];
	let clock = profile.startTime;
	for (let i = 0; i < count; i++) {
		clock += profile.timeDeltas[i] ?? 0;
		at.push(clock);
	}
	const duration = (i: number): number =>
		Math.max(0, (i + 1 < count ? at[i + 1] : profile.endTime) - at[i]);

	let first = 0;
	let last = count - 1;
	let description = `whole process`;
	if (window.kind === 'node') {
		first = at.findIndex((time) => time >= window.node.fromUs);
		last = count - 1;
		while (last >= 0 && at[last] > window.node.toUs) last--;
		if (first < 0 || last < first) {
			throw new Error(
				`the profile (${profile.startTime} to ${profile.endTime} us) holds no sample of the node's span (${window.node.fromUs} to ${window.node.toUs} us)`,
			);
		}
		description = `the measured node's run (${window.node.label})`;
	} else if (window.kind === 'package') {
		const ours = (id: number): boolean => runsOurs(id) && !loading(id);
		first = profile.samples.findIndex(ours);
		if (first < 0)
			throw new Error(`no sample runs ${PACKAGE} code: did the profiled run use our node?`);
		while (last > first && !ours(profile.samples[last])) last--;
		description = `from the first to the last sample running ${PACKAGE}`;
	}

	const groupUs = new Map<Group, number>();
	const functionUs = new Map<string, FunctionTime>();
	const callerUs = new Map<string, number>();
	let idleUs = 0;
	let spanUs = 0;
	for (let i = first; i <= last; i++) {
		const id = profile.samples[i];
		const us = duration(i);
		spanUs += us;
		const node = byId.get(id);
		if (!node) continue;
		if (node.callFrame.functionName === '(idle)') {
			idleUs += us;
			continue;
		}
		const group = resolveGroup(id);
		groupUs.set(group, (groupUs.get(group) ?? 0) + us);
		const name = node.callFrame.functionName || '(anonymous)';
		const where = location(node.callFrame);
		const key = `${group}\u0000${name}\u0000${where}`;
		const entry = functionUs.get(key) ?? { name, location: where, group, selfMs: 0 };
		entry.selfMs += us / 1000;
		functionUs.set(key, entry);
		if (group === 'expression')
			callerUs.set(ourCaller(id), (callerUs.get(ourCaller(id)) ?? 0) + us);
	}
	const busyUs = spanUs - idleUs;
	return {
		window: description,
		spanMs: spanUs / 1000,
		idleMs: idleUs / 1000,
		busyMs: busyUs / 1000,
		groups: GROUP_ORDER.map((group) => {
			const us = groupUs.get(group) ?? 0;
			return {
				group,
				label: GROUP_LABELS[group],
				selfMs: us / 1000,
				share: busyUs > 0 ? us / busyUs : 0,
			};
		}),
		functions: [...functionUs.values()].sort((a, b) => b.selfMs - a.selfMs),
		expressionCallers: [...callerUs.entries()]
			.map(([caller, us]) => ({ caller, selfMs: us / 1000 }))
			.sort((a, b) => b.selfMs - a.selfMs),
	};
}

function ms(value: number): string {
	return `${value.toFixed(1).padStart(8)} ms`;
}

/**
 * The printout: group totals, each group's top functions by self time (V8 built-ins, Node internals
 * and libraries listed under the group of the code that called them), and who in our package
 * asked for the expression evaluation.
 */
export function formatProfileSummary(summary: ProfileSummary, topPerGroup = 6): string {
	const lines: string[] = [];
	lines.push(
		`${summary.window}: ${summary.spanMs.toFixed(1)} ms (busy ${summary.busyMs.toFixed(1)} ms, idle ${summary.idleMs.toFixed(1)} ms)`,
	);
	lines.push('self time by group (share of the busy time):');
	for (const group of summary.groups) {
		lines.push(
			`  ${ms(group.selfMs)}  ${(group.share * 100).toFixed(1).padStart(5)} %  ${group.label}`,
		);
	}
	for (const group of summary.groups) {
		const top = summary.functions.filter((f) => f.group === group.group).slice(0, topPerGroup);
		if (top.length === 0) continue;
		lines.push(`top functions, ${group.label}:`);
		for (const f of top) lines.push(`  ${ms(f.selfMs)}  ${f.name}  ${f.location}`);
	}
	if (summary.expressionCallers.length > 0) {
		lines.push(
			'expression evaluation by the function of our package that asked for it (nearest on the stack):',
		);
		for (const c of summary.expressionCallers.slice(0, topPerGroup))
			lines.push(`  ${ms(c.selfMs)}  ${c.caller}`);
	}
	return lines.join('\n');
}

export function readProfile(file: string): CpuProfile {
	const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CpuProfile>;
	if (
		!Array.isArray(parsed.nodes) ||
		!Array.isArray(parsed.samples) ||
		!Array.isArray(parsed.timeDeltas)
	) {
		throw new Error(`${file} is not a V8 CPU profile (nodes, samples, timeDeltas)`);
	}
	return parsed as CpuProfile;
}

function windowFile(profileFile: string): string {
	return `${profileFile}.window.json`;
}

export function saveNodeWindow(profileFile: string, node: NodeWindow): void {
	writeFileSync(windowFile(profileFile), `${JSON.stringify(node, null, '\t')}\n`);
}

/** The window asked for; by default the saved node span when there is one, else the package guess. */
export function chooseWindow(profileFile: string, wanted?: 'node' | 'package' | 'all'): Window {
	if (wanted === 'all') return { kind: 'all' };
	if (wanted === 'package') return { kind: 'package' };
	const saved = windowFile(profileFile);
	if (existsSync(saved))
		return { kind: 'node', node: JSON.parse(readFileSync(saved, 'utf8')) as NodeWindow };
	if (wanted === 'node')
		throw new Error(`${saved} is missing: only profiles the benchmark wrote know the node's span`);
	return { kind: 'package' };
}

if (require.main === module) {
	const [file, flag, value] = process.argv.slice(2);
	const windows = ['node', 'package', 'all'] as const;
	const wanted = windows.find((w) => w === value);
	if (!file || (flag !== undefined && (flag !== '--window' || wanted === undefined))) {
		console.error('usage: node build/bench/profile.js FILE.cpuprofile [--window node|package|all]');
		process.exit(2);
	}
	console.log(formatProfileSummary(analyseProfile(readProfile(file), chooseWindow(file, wanted))));
}
