import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layout a reader relies on (README "Architecture"): every vendor folder has the same files in
 * the same roles, nothing imports in a circle, and no emulator imports the code it checks.
 */

const root = resolve(__dirname, '..', '..');
const VENDORS = ['Shiheng', 'Mingdao', 'WeLink', 'AliyunIot'];

function filesUnder(folder: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(folder)) {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) out.push(...filesUnder(path));
		else out.push(path);
	}
	return out;
}

/** Relative module specifiers a TypeScript file imports or re-exports (type-only ones included). */
function relativeImports(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
	specifiers.push(...[...source.matchAll(/require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]));
	return specifiers;
}

function resolveModule(from: string, specifier: string): string | undefined {
	const base = resolve(dirname(from), specifier);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not this candidate
		}
	}
	return undefined;
}

describe('vendor folders', () => {
	/** The role of a file inside nodes/<Vendor>/, with the vendor's own names replaced. */
	const roleOf = (vendor: string, path: string): string | undefined => {
		const rel = relative(join(root, 'nodes', vendor), path);
		const rules: Array<[RegExp, string]> = [
			[new RegExp(`^${vendor}\\.node\\.ts$`), 'node'],
			[new RegExp(`^${vendor}\\.node\\.json$`), 'codex'],
			[new RegExp(`^${vendor}Trigger\\.node\\.(ts|json)$`), 'trigger'],
			[/^[A-Za-z]+\.dark\.svg$/, 'dark icon'],
			[/^[A-Za-z]+\.svg$/, 'icon'],
			[/^actions\/router\.ts$/, 'router'],
			[/^actions\/versionDescription\.ts$/, 'description'],
			[/^actions\/common\.descriptions\.ts$/, 'common descriptions'],
			[/^actions\/[a-zA-Z]+\/[A-Z][a-zA-Z]+\.resource\.ts$/, 'resource'],
			[/^actions\/[a-zA-Z]+\/[a-z][a-zA-Z]+\.operation\.ts$/, 'operation'],
			[/^transport\/client\.ts$/, 'client'],
			[/^transport\/auth\.ts$/, 'auth'],
			[/^transport\/connection\.ts$/, 'connection'],
			[/^transport\/[a-z][a-zA-Z]+\.ts$/, 'transport helper'],
			[/^helpers\/codes\.ts$/, 'codes'],
			[/^helpers\/output\.ts$/, 'output'],
			[/^helpers\/[a-z][a-zA-Z]+\.ts$/, 'helper'],
			[/^trigger\/[a-z][a-zA-Z]+\.ts$/, 'trigger'],
		];
		return rules.find(([pattern]) => pattern.test(rel))?.[1];
	};
	const REQUIRED = ['node', 'codex', 'icon', 'dark icon', 'router', 'description', 'resource', 'operation', 'client', 'auth', 'connection', 'codes', 'output'];

	test.each(VENDORS)('nodes/%s has every role, and every file has one', (vendor) => {
		const files = filesUnder(join(root, 'nodes', vendor));
		const unplaced = files.filter((file) => roleOf(vendor, file) === undefined).map((file) => relative(root, file));
		expect(unplaced).toEqual([]);
		const roles = new Set(files.map((file) => roleOf(vendor, file)));
		expect(REQUIRED.filter((role) => !roles.has(role))).toEqual([]);
		expect(statSync(join(root, 'credentials', `${vendor}Api.credentials.ts`)).isFile()).toBe(true);
	});
});

test('no import cycle in nodes/ and credentials/ (type-only imports included)', () => {
	const files = [...filesUnder(join(root, 'nodes')), ...filesUnder(join(root, 'credentials'))].filter((file) => file.endsWith('.ts'));
	const edges = new Map(files.map((file) => [file, relativeImports(file).map((spec) => resolveModule(file, spec)).filter((f): f is string => f !== undefined)]));
	const cycles: string[] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (file: string) => {
		state.set(file, 'open');
		stack.push(file);
		for (const next of edges.get(file) ?? []) {
			if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(root, f)).join(' → '));
			else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(file, 'done');
	};
	for (const file of files) if (!state.has(file)) visit(file);
	expect(cycles).toEqual([]);
});

test('emulators implement the vendors on their own: nothing under test/emulators reaches nodes/ or credentials/, directly or through another file', () => {
	const pending = filesUnder(join(root, 'test', 'emulators')).filter((file) => file.endsWith('.ts'));
	expect(pending.length).toBeGreaterThanOrEqual(5);
	const seen = new Set<string>();
	const offending: string[] = [];
	while (pending.length > 0) {
		const file = pending.pop() as string;
		if (seen.has(file)) continue;
		seen.add(file);
		for (const spec of relativeImports(file)) {
			const target = resolveModule(file, spec);
			if (!target) continue;
			if (/^(nodes|credentials)\//.test(relative(root, target))) offending.push(`${relative(root, file)} → ${relative(root, target)}`);
			else pending.push(target);
		}
	}
	expect(offending).toEqual([]);
});
