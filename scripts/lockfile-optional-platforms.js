#!/usr/bin/env node
// `node scripts/lockfile-optional-platforms.js`: run after `npm install` changes the lockfile.
// The registry mirror here lacks the non-Linux builds of some optional platform packages (e.g.
// unrs-resolver's darwin/win32 bindings), so `npm install` leaves them out of the lockfile and
// `npm ci` then refuses it as out of sync. This adds a placeholder entry for each such optional
// dependency, with the os/cpu its name declares, so `npm ci` accepts the lockfile and skips them
// on this platform as it skips any optional package built for another one.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = [
	'android',
	'darwin',
	'freebsd',
	'linux',
	'openharmony',
	'win32',
	'sunos',
	'aix',
	'netbsd',
	'openbsd',
];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 's390x', 'riscv64', 'wasm32'];

function platformOf(name) {
	const parts = name.split('/').pop().split('-');
	const os = OS.find((candidate) => parts.includes(candidate));
	const cpu = CPU.find((candidate) => parts.includes(candidate));
	return { os, cpu };
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
	for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
		const base = location === '' ? 'node_modules' : `${location}/node_modules`;
		const candidates = [`${base}/${dependency}`, `node_modules/${dependency}`];
		if (candidates.some((candidate) => lock.packages[candidate])) continue;
		const { os, cpu } = platformOf(dependency);
		if (!os || (os === process.platform && (!cpu || cpu === process.arch))) continue; // only other platforms' builds
		lock.packages[`node_modules/${dependency}`] = {
			version,
			...(entry.dev ? { dev: true } : {}),
			optional: true,
			os: [os],
			...(cpu ? { cpu: [cpu] } : {}),
		};
		added++;
	}
}
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: ${added} placeholder entries for optional packages of other platforms`);
