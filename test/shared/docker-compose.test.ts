import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { parse } from 'yaml';

/**
 * docker-compose.queue.yml, read as Docker Compose reads it (YAML with `<<` merge keys): the n8n
 * containers run n8n's own image and get this package through N8N_COMMUNITY_PACKAGES, pinned to
 * the version this repository builds, so main and workers cannot run different versions. (No
 * Docker engine here: the file's meaning is checked, not a running stack.)
 */

const ROOT = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};

interface Service {
	image?: string;
	build?: unknown;
	command?: string[];
	environment?: Record<string, string>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.queue.yml'), 'utf8'), {
	merge: true,
}) as { services: Record<string, Service> };
const n8nServices = Object.entries(compose.services).filter(([, service]) =>
	service.image?.includes('n8nio/n8n'),
);

test("main and worker run n8n's own image, the same one, and nothing is built", () => {
	expect(n8nServices.map(([name]) => name).sort()).toEqual(['n8n-main', 'n8n-worker']);
	for (const [, service] of Object.entries(compose.services)) expect(service.build).toBeUndefined();
	const images = new Set(n8nServices.map(([, service]) => service.image));
	expect(images.size).toBe(1);
	// N8N_COMMUNITY_PACKAGES exists from n8n 2.21 on.
	const [, major, minor] =
		/^docker\.n8n\.io\/n8nio\/n8n:(\d+)\.(\d+)\.\d+$/.exec([...images][0] ?? '') ?? [];
	expect(Number(major) * 1000 + Number(minor)).toBeGreaterThanOrEqual(2 * 1000 + 21);
	expect(compose.services['n8n-worker'].command?.[0]).toBe('worker');
});

test.each(['n8n-main', 'n8n-worker'])(
	'%s installs this package, pinned to this version, through N8N_COMMUNITY_PACKAGES',
	(name) => {
		const env = compose.services[name].environment ?? {};
		expect(env).toMatchObject({
			EXECUTIONS_MODE: 'queue',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
			// Unverified community packages are off by default in n8n 3.0; this one is not verified.
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			// Workers install what n8n's database lists; they do not read N8N_COMMUNITY_PACKAGES.
			N8N_REINSTALL_MISSING_PACKAGES: 'true',
			// n8n 3.0's only behaviour in queue mode, adopted now.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		});
		// n8n's schema for the list: an array of { name, version?, checksum? } and nothing else.
		const listed = JSON.parse(env.N8N_COMMUNITY_PACKAGES) as Array<Record<string, unknown>>;
		expect(listed).toEqual([{ name: pkg.name, version: pkg.version }]);
	},
);

test("every n8n container shares the encryption key and the queue's Redis", () => {
	const [main, worker] = ['n8n-main', 'n8n-worker'].map(
		(name) => compose.services[name].environment ?? {},
	);
	for (const key of [
		'N8N_ENCRYPTION_KEY',
		'QUEUE_BULL_REDIS_HOST',
		'QUEUE_BULL_REDIS_PASSWORD',
		'N8N_COMMUNITY_PACKAGES',
	]) {
		expect({ key, worker: worker[key] }).toEqual({ key, worker: main[key] });
		expect(main[key]).toBeTruthy();
	}
});
