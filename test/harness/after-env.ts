import { closeTransport } from '../../nodes/shared/http/pool';
import { recordVisible } from './secret-audit';

// Every log line a test produces is checked by the suite-wide secret audit.
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[level].bind(console);
	console[level] = (...args: unknown[]) => {
		recordVisible(
			`console.${level}`,
			args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
		);
		original(...args);
	};
}

// Pooled keep-alive connections would keep a test worker alive after its last test.
afterAll(async () => await closeTransport());
