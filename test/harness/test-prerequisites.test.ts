import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * What `npm test` does before jest when a program the suite starts is missing
 * (scripts/test-prerequisites.sh): it runs the real script with a PATH that holds only stand-ins —
 * `id` (who the user is), `sudo`, and an `apt-get` that notes its arguments and "installs" a
 * package by putting its program on that PATH. The machine's own packages are never touched.
 */

const SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'test-prerequisites.sh');
/** The Debian package that puts each program on PATH. */
const PROGRAMS: Record<string, string> = {
	'redis-server': 'redis-server',
	'redis-cli': 'redis-tools',
	openssl: 'openssl',
};

interface Machine {
	bin: string;
	aptLog: string;
	run(): { status: number | null; stderr: string; aptCalls: string[] };
}

let dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
	dirs = [];
});

function executable(path: string, body: string): void {
	writeFileSync(path, `#!/bin/bash\n${body}\n`);
	chmodSync(path, 0o755);
}

/** A PATH with the given programs present, the user's id, and (optionally) a sudo that works. */
function machine(options: { present: string[]; uid: number; sudo?: boolean }): Machine {
	const dir = mkdtempSync(join(tmpdir(), 'employee-sync-prereq-'));
	dirs.push(dir);
	const bin = join(dir, 'bin');
	const aptLog = join(dir, 'apt.log');
	spawnSync('/bin/mkdir', [bin]);
	for (const program of options.present) executable(join(bin, program), 'exit 0');
	executable(join(bin, 'id'), `[ "$1" = "-u" ] && echo ${options.uid}`);
	if (options.sudo)
		executable(
			join(bin, 'sudo'),
			`[ "$1" = "-n" ] && shift\n[ "$1" = "true" ] && exit 0\necho "sudo $*" >>${aptLog}.sudo\n# Like sudo: leading NAME=value arguments set the environment of the command.\nwhile [[ "$1" == *=* ]]; do export "$1"; shift; done\nexec "$@"`,
		);
	// apt-get install puts each package's program on PATH, as Debian's packages do.
	const installs = Object.entries(PROGRAMS)
		.map(
			([program, pkg]) =>
				`[ "$p" = "${pkg}" ] && /bin/cp ${join(bin, 'id')} ${join(bin, program)} && /bin/chmod 755 ${join(bin, program)}`,
		)
		.join('\n\t\t');
	executable(
		join(bin, 'apt-get'),
		`echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >>${aptLog}\nif [ "$1" = install ]; then\n\tfor p in "$@"; do\n\t\t${installs}\n\tdone\nfi\nexit 0`,
	);
	return {
		bin,
		aptLog,
		run() {
			const result = spawnSync('/bin/bash', [SCRIPT], {
				env: { PATH: bin },
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			const aptCalls = existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : [];
			return { status: result.status, stderr: result.stderr, aptCalls };
		},
	};
}

test('everything present: nothing is installed and apt-get is not even asked', () => {
	const result = machine({ present: ['redis-server', 'redis-cli', 'openssl'], uid: 0 }).run();
	expect(result).toEqual({ status: 0, stderr: '', aptCalls: [] });
});

test("root without redis-server: apt-get update once, then Debian's packages installed, and the run goes on", () => {
	const box = machine({ present: ['openssl'], uid: 0 });
	const result = box.run();
	expect(result.status).toBe(0);
	expect(result.aptCalls).toEqual([
		'DEBIAN_FRONTEND= update -qq',
		'DEBIAN_FRONTEND=noninteractive install -y -qq redis-server redis-tools',
	]);
	expect(result.stderr).toContain('npm test: installing redis-server redis-tools');
	expect(existsSync(join(box.bin, 'redis-server'))).toBe(true);
	// The next run finds it and asks apt-get nothing more.
	expect(box.run().aptCalls).toHaveLength(2);
});

test('a user with password-less sudo: the same install through sudo', () => {
	const box = machine({ present: ['redis-server', 'redis-cli'], uid: 1000, sudo: true });
	const result = box.run();
	expect(result.status).toBe(0);
	expect(result.aptCalls).toEqual([
		'DEBIAN_FRONTEND= update -qq',
		'DEBIAN_FRONTEND=noninteractive install -y -qq openssl',
	]);
	expect(readFileSync(`${box.aptLog}.sudo`, 'utf8').trim().split('\n')).toEqual([
		'sudo apt-get update -qq',
		'sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl',
	]);
});

test('neither root nor sudo: the run stops at once with the exact command, and nothing is tried', () => {
	const result = machine({ present: ['openssl'], uid: 1000 }).run();
	expect(result.status).toBe(1);
	expect(result.aptCalls).toEqual([]);
	expect(result.stderr).toContain(
		'sudo apt-get update && sudo apt-get install -y redis-server redis-tools',
	);
});

test('the install did not bring the program: the run stops and names it', () => {
	const box = machine({ present: ['redis-server', 'redis-cli'], uid: 0 });
	// An apt-get that says it worked but installs nothing.
	executable(join(box.bin, 'apt-get'), `echo "$*" >>${box.aptLog}`);
	const result = box.run();
	expect(result.status).toBe(1);
	expect(result.stderr).toContain('still missing after the install: openssl');
});

test('npm test runs the check before jest, with the arguments passed through', () => {
	const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
		scripts: Record<string, string>;
	};
	expect(pkg.scripts.test).toBe('bash scripts/run.sh bash scripts/test.sh');
	const testScript = readFileSync(resolve(__dirname, '..', '..', 'scripts', 'test.sh'), 'utf8');
	expect(testScript.indexOf('test-prerequisites.sh')).toBeGreaterThan(0);
	expect(testScript.indexOf('test-prerequisites.sh')).toBeLessThan(
		testScript.indexOf('exec jest "$@"'),
	);
});

test(".ci/run runs the README's npm test before any step of its own installs something", () => {
	const steps = readFileSync(resolve(__dirname, '..', '..', '.ci', 'run'), 'utf8')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'));
	const npmTest = steps.indexOf('npm test');
	const firstInstall = steps.findIndex((line) =>
		/apt-get|queue-packages|test-prerequisites|system-packages/.test(line),
	);
	expect(npmTest).toBeGreaterThan(0);
	expect(firstInstall).toBeGreaterThan(npmTest);
});
