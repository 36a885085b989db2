/**
 * What `npm pack` ships, from the freshly built dist/ (scripts/e2e.sh builds it): exactly dist/,
 * examples/, README, LICENSE, CHANGELOG and package.json, with no sources, tests or secrets; and
 * the package.json fields a registry page and a user's npm rely on.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { demoSecrets } from '../../scripts/lib/demo';
import { packPackage, repoRoot, runProcess } from '../../scripts/lib/n8n';
import { startDemoEmulators } from '../emulators/serve';

interface Manifest {
	name: string;
	license: string;
	main: string;
	engines: { node: string };
	repository: { type: string; url: string };
	homepage: string;
	bugs: { url: string };
	dependencies: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
}

const root = repoRoot();
let workDir: string;
/** Paths inside the tarball, relative to its package/ folder. */
let files: string[];
let unpacked: string;

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const full = join(dir, entry);
		return statSync(full).isDirectory() ? walk(full) : [full];
	});
}

beforeAll(async () => {
	workDir = mkdtempSync(join(tmpdir(), 'employee-sync-pack-'));
	const tarball = await packPackage(workDir, root);
	const untar = await runProcess('tar', ['-xzf', tarball, '-C', workDir]);
	if (untar.code !== 0) throw new Error(`tar failed: ${untar.stderr}`);
	unpacked = join(workDir, 'package');
	files = walk(unpacked)
		.map((file) => relative(unpacked, file))
		.sort();
}, 120_000);

afterAll(() => {
	if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('the tarball holds exactly dist/, examples/, README, LICENSE, CHANGELOG and package.json', () => {
	const topLevel = [...new Set(files.map((file) => file.split('/')[0]))].sort();
	expect(topLevel).toEqual([
		'CHANGELOG.md',
		'LICENSE',
		'README.md',
		'dist',
		'examples',
		'package.json',
	]);
	const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;
	// Everything n8n loads, and the main entry, are inside.
	for (const file of [manifest.main, ...manifest.n8n.nodes, ...manifest.n8n.credentials])
		expect(files).toContain(file);
	expect(manifest.main.startsWith('dist/')).toBe(true);
});

test('every node ships with its codex file beside it (categories, aliases, documentation links)', () => {
	const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;
	for (const node of manifest.n8n.nodes) expect(files).toContain(`${node}on`);
});

test('no sources, tests, source maps or secret-bearing files', () => {
	const unexpected = files.filter((file) => {
		// A node's codex (<Node>.node.json) is read by n8n's loader next to the node's .js.
		if (/^dist\/nodes\/[^/]+\/[^/]+\.node\.json$/.test(file)) return false;
		if (file.startsWith('dist/'))
			return !/\.(js|d\.ts|svg)$/.test(file) || /(^|\/)(test|tests|emulators|harness)\//.test(file);
		if (file.startsWith('examples/')) return !file.endsWith('.json');
		return false;
	});
	expect(unexpected).toEqual([]);
	const secretFiles = files.filter((file) =>
		/(^|\/)(\.env[^/]*|\.npmrc|id_rsa[^/]*|[^/]+\.(pem|key|p12|pfx))$/.test(file),
	);
	expect(secretFiles).toEqual([]);
});

test('no demo credential secret appears in any packed file', async () => {
	const demo = await startDemoEmulators({ latencyMs: 0 });
	try {
		const secrets = demoSecrets(demo.handles);
		expect(secrets.length).toBeGreaterThan(3);
		const found = files.flatMap((file) => {
			const text = readFileSync(join(unpacked, file), 'utf8');
			return secrets.filter((secret) => text.includes(secret)).map(() => file);
		});
		expect(found).toEqual([]);
	} finally {
		await demo.stop();
	}
});

test('LICENSE matches the license field; repository, homepage and bugs point at one repository', () => {
	const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;
	expect(manifest.license).toBe('MIT');
	expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8').split('\n')[0]).toBe('MIT License');
	const repository = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
	expect(manifest.repository.type).toBe('git');
	expect(manifest.homepage.startsWith(repository)).toBe(true);
	expect(manifest.bugs.url).toBe(`${repository}/issues`);
});

test('engines.node is the oldest Node every runtime dependency accepts', () => {
	const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
	const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
		packages: Record<
			string,
			{
				version?: string;
				dev?: boolean;
				devOptional?: boolean;
				peer?: boolean;
				engines?: { node?: string };
			}
		>;
	};
	const runtimeEntries = Object.entries(lock.packages).filter(
		([path, entry]) => path !== '' && !entry.dev && !entry.devOptional && !entry.peer,
	);
	// The runtime dependencies are the ones package.json names, plus what they pull in.
	for (const name of Object.keys(manifest.dependencies))
		expect(runtimeEntries.map(([path]) => path)).toContain(`node_modules/${name}`);
	const floors = runtimeEntries
		.map(([path, entry]) => ({ path, range: entry.engines?.node }))
		.filter((entry): entry is { path: string; range: string } => entry.range !== undefined);
	// Every floor is a plain ">=x[.y[.z]]", so the highest one is the package's floor.
	const parsed = floors.map(({ path, range }) => {
		const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
		expect({ path, range, plain: match !== null }).toEqual({ path, range, plain: true });
		return [Number(match?.[1]), Number(match?.[2] ?? 0), Number(match?.[3] ?? 0)];
	});
	const highest = parsed.reduce((a, b) =>
		a[0] !== b[0]
			? a[0] > b[0]
				? a
				: b
			: a[1] !== b[1]
				? a[1] > b[1]
					? a
					: b
				: a[2] >= b[2]
					? a
					: b,
	);
	expect(manifest.engines.node).toBe(`>=${highest.join('.')}`);
});
