import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { testNodeTypes } from './test-nodes';

/**
 * Loads our nodes and credentials the way n8n does: every `nodes/<Vendor>/<Name>.node.ts` and
 * `credentials/<Name>.credentials.ts`, taking the export named like the file. Tests therefore run
 * exactly what the package ships, and a vendor folder needs no registration step.
 */

export const PACKAGE_PREFIX = 'n8n-nodes-employee-sync';

const root = join(__dirname, '..', '..');

function loadExport<T>(file: string, suffix: string): T {
	const base = file.split('/').pop()!.replace(suffix, '');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(file) as Record<string, new () => T>;
	const Ctor = module[base];
	if (typeof Ctor !== 'function') throw new Error(`${file} does not export a class named ${base}`);
	return new Ctor();
}

function listFiles(dir: string, suffix: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(dir)) {
		const full = join(dir, entry);
		if (statSync(full).isDirectory()) out.push(...listFiles(full, suffix));
		else if (entry.endsWith(suffix)) out.push(full);
	}
	return out;
}

let cachedNodes: Map<string, INodeType> | undefined;
let cachedCredentials: Map<string, ICredentialType> | undefined;

/** Node types by their full type name (`n8n-nodes-employee-sync.<name>`, or `test.<name>`). */
export function nodeTypesByName(): Map<string, INodeType> {
	if (!cachedNodes) {
		cachedNodes = new Map();
		for (const file of listFiles(join(root, 'nodes'), '.node.ts')) {
			const node = loadExport<INodeType>(file, '.node.ts');
			cachedNodes.set(`${PACKAGE_PREFIX}.${node.description.name}`, node);
		}
		for (const [name, node] of Object.entries(testNodeTypes)) cachedNodes.set(name, node);
	}
	return cachedNodes;
}

export function credentialTypesByName(): Map<string, ICredentialType> {
	if (!cachedCredentials) {
		cachedCredentials = new Map();
		for (const file of listFiles(join(root, 'credentials'), '.credentials.ts')) {
			const credential = loadExport<ICredentialType>(file, '.credentials.ts');
			cachedCredentials.set(credential.name, credential);
		}
	}
	return cachedCredentials;
}
