import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { credentialTypesByName, nodeTypesByName, PACKAGE_PREFIX } from '../harness/registry';
import { testFunctionOf } from '../harness/credential-test';

/**
 * The package as n8n sees it: every node and credential in the source is named in the "n8n"
 * block, and the type names workflows reference never change.
 */

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	name: string;
	keywords: string[];
	n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
	peerDependencies: Record<string, string>;
	dependencies: Record<string, string>;
};

test('the n8n block names every node and credential, compiled under dist/', () => {
	const nodeFiles = [...nodeTypesByName().values()]
		.filter((node) => !node.description.name.startsWith('test'))
		.map((node) => node.constructor.name)
		// A vendor's trigger lives in its vendor's folder (nodes/Shiheng/ShihengTrigger.node.ts).
		.map((name) => `dist/nodes/${name.replace(/Trigger$/, '')}/${name}.node.js`)
		.sort();
	expect([...pkg.n8n.nodes].sort()).toEqual(nodeFiles);
	const credentialFiles = [...credentialTypesByName().values()]
		.map((credential) => `dist/credentials/${credential.constructor.name}.credentials.js`)
		.sort();
	expect([...pkg.n8n.credentials].sort()).toEqual(credentialFiles);
	expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
});

test('type names are fixed: workflows reference them', () => {
	const nodeNames = [...nodeTypesByName().keys()]
		.filter((name) => name.startsWith(PACKAGE_PREFIX))
		.sort();
	expect(nodeNames).toEqual(
		['aliyunIot', 'mingdao', 'shiheng', 'shihengTrigger', 'weLink'].map(
			(name) => `${PACKAGE_PREFIX}.${name}`,
		),
	);
	expect([...credentialTypesByName().keys()].sort()).toEqual([
		'aliyunIotApi',
		'mingdaoApi',
		'shihengApi',
		'weLinkApi',
	]);
});

test('community package conventions', () => {
	expect(pkg.name).toBe(PACKAGE_PREFIX);
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	// Each runtime dependency is there for a reason the README states (undici: transport; ioredis:
	// shared token and rate-limit state in queue mode).
	expect(Object.keys(pkg.dependencies).sort()).toEqual(['ioredis', 'undici']);
});

test('npm ci accepts the committed lockfile as it is (no fallback to npm install)', () => {
	const folder = mkdtempSync(join(tmpdir(), 'lockfile-'));
	try {
		for (const file of ['package.json', 'package-lock.json', '.npmrc'])
			copyFileSync(join(root, file), join(folder, file));
		// --dry-run resolves the whole tree against the lockfile and refuses it when out of sync,
		// without downloading anything.
		const result = spawnSync(
			'npm',
			['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
			{
				cwd: folder,
				encoding: 'utf8',
			},
		);
		expect(result.stderr).not.toMatch(
			/can only install packages when your package\.json and package-lock\.json/,
		);
		expect(result.status).toBe(0);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
});

test('every node feels native: tool use, light and dark icons, a credential with a Test button', () => {
	for (const [name, node] of nodeTypesByName()) {
		if (!name.startsWith(PACKAGE_PREFIX)) continue;
		const description = node.description;
		expect(description.icon).toEqual({
			light: expect.stringMatching(/^file:.+\.svg$/),
			dark: expect.stringMatching(/^file:.+\.dark\.svg$/),
		});
		if (description.group.includes('trigger')) {
			// A trigger starts workflows: it polls (Poll Times) and is no tool for an agent to call.
			expect(description.polling).toBe(true);
			expect(description.inputs).toEqual([]);
			continue;
		}
		expect(description.usableAsTool).toBe(true);
		const resource = description.properties.find((property) => property.name === 'resource');
		expect(resource?.noDataExpression).toBe(true);
	}
	// A Test button: the credential's own test request, or a test function its node names (n8n
	// looks the request up first, so a credential has one or the other).
	for (const credential of credentialTypesByName().values()) {
		const tested =
			credential.test?.request !== undefined
				? 'request'
				: testFunctionOf(credential.name)
					? 'function'
					: 'none';
		expect([credential.name, tested]).toEqual([
			credential.name,
			credential.name === 'mingdaoApi' ? 'function' : 'request',
		]);
	}
});
