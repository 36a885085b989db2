import type { IExecuteFunctions } from 'n8n-workflow';
import { ManualExecutionCancelledError, SystemShutdownExecutionCancelledError } from 'n8n-workflow';

import {
	DEFAULT_MAX_RETRIES,
	readRequestTuning,
	requestTuningFields,
} from '../../nodes/shared/descriptions/options';
import { cancellationError, stopReason } from '../../nodes/shared/execution/cancellation';
import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/http/retry';
import { secureBaseUrl, intInRange, stringList } from '../../nodes/shared/validate';
import { ParameterError } from '../../nodes/shared/errors';

test('the Max Retries shown in the UI matches the transport default', () => {
	expect(DEFAULT_MAX_RETRIES).toBe(DEFAULT_RETRY_POLICY.maxAttempts - 1);
	const fields = requestTuningFields({ concurrency: 7 });
	expect(fields.find((field) => field.name === 'maxRetries')?.default).toBe(DEFAULT_MAX_RETRIES);
	expect(fields.find((field) => field.name === 'concurrency')?.default).toBe(7);
	expect(readRequestTuning({}, { concurrency: 7 })).toEqual({
		connectTimeoutMs: 10_000,
		responseTimeoutMs: 30_000,
		maxRetries: 3,
		concurrency: 7,
	});
});

describe('request tuning options', () => {
	const defaults = { concurrency: 7 };

	test('text an expression hands over applies like the number it spells', () => {
		expect(
			readRequestTuning(
				{ maxRetries: '0', timeout: '1500', connectTimeout: ' 200 ', concurrency: '2' },
				defaults,
			),
		).toEqual({
			connectTimeoutMs: 200,
			responseTimeoutMs: 1_500,
			maxRetries: 0,
			concurrency: 2,
		});
	});

	test('an option left out or emptied takes its default', () => {
		expect(readRequestTuning({ maxRetries: '', concurrency: null }, defaults)).toMatchObject({
			maxRetries: DEFAULT_MAX_RETRIES,
			concurrency: 7,
		});
	});

	test("a value outside the field's bounds fails naming the field, never a silent default", () => {
		expect(() => readRequestTuning({ maxRetries: 'three' }, defaults)).toThrow(ParameterError);
		expect(() => readRequestTuning({ maxRetries: 'three' }, defaults)).toThrow(
			'Max Retries must be a whole number from 0 to 10, got "three"',
		);
		expect(() => readRequestTuning({ maxRetries: 11 }, defaults)).toThrow('Max Retries');
		expect(() => readRequestTuning({ maxRetries: 1.5 }, defaults)).toThrow('Max Retries');
		expect(() => readRequestTuning({ timeout: 50 }, defaults)).toThrow('Response Timeout (Ms)');
		expect(() => readRequestTuning({ connectTimeout: 3e9 }, defaults)).toThrow(
			'Connect Timeout (Ms)',
		);
		expect(() => readRequestTuning({ concurrency: 33 }, defaults)).toThrow('Concurrency');
		expect(
			readRequestTuning({ concurrency: 50 }, { concurrency: 4, maxConcurrency: 64 }).concurrency,
		).toBe(50);
	});
});

describe('why an execution stopped', () => {
	function context(reason?: unknown, deadline?: number): IExecuteFunctions {
		const controller = new AbortController();
		controller.abort(reason);
		return {
			getExecutionCancelSignal: () => controller.signal,
			getExecutionId: () => 'exec-1',
			additionalData: { executionTimeoutTimestamp: deadline },
		} as unknown as IExecuteFunctions;
	}

	test('the reason n8n puts on the signal wins, and its own error is passed on', () => {
		const shutdown = new SystemShutdownExecutionCancelledError('exec-1');
		expect(stopReason(context(shutdown, Date.now() - 1))).toBe('shutdown');
		expect(cancellationError(context(shutdown))).toBe(shutdown);
	});

	test('without a reason, a stop at or after the deadline is the timeout and any other one is manual', () => {
		expect(stopReason(context(undefined, Date.now() - 1))).toBe('timeout');
		expect(stopReason(context(undefined, Date.now() + 60_000))).toBe('manual');
		expect(cancellationError(context())).toBeInstanceOf(ManualExecutionCancelledError);
	});

	test('an n8n-workflow without the timeout class still loads and still reports a timeout', async () => {
		await jest.isolateModulesAsync(async () => {
			jest.doMock('n8n-workflow', () => ({
				...jest.requireActual<object>('n8n-workflow'),
				TimeoutExecutionCancelledError: undefined,
			}));
			const kit = await import('../../nodes/shared/execution/cancellation');
			const error = kit.cancellationError(context(undefined, Date.now() - 1));
			expect(error.name).toBe('ExecutionCancelledError');
			expect(error.message).toBe('The execution was cancelled because it timed out');
		});
	});
});

describe('parameter checks name the field', () => {
	test('whole numbers in range', () => {
		expect(intInRange('50', 'Page Size', 1, 50)).toBe(50);
		for (const bad of [0, 51, 1.5, 'x', null]) {
			expect(() => intInRange(bad, 'Page Size', 1, 50)).toThrow(ParameterError);
		}
	});

	test('id lists accept one id or a list, and reject empty entries', () => {
		expect(stringList(' a ', 'Id')).toEqual(['a']);
		expect(stringList(['a', 7], 'Id')).toEqual(['a', '7']);
		expect(() => stringList(['a', ''], 'Id')).toThrow('entry 1');
		expect(() => stringList([], 'Id')).toThrow('empty list');
	});

	test('base URLs must be HTTPS unless loopback or explicitly allowed', () => {
		expect(secureBaseUrl('https://open.example.com/', 'Base URL', false)).toBe(
			'https://open.example.com',
		);
		expect(secureBaseUrl('http://127.0.0.1:8080', 'Base URL', false)).toBe('http://127.0.0.1:8080');
		expect(() => secureBaseUrl('http://intranet.example.com', 'Base URL', false)).toThrow(
			'plain HTTP',
		);
		expect(secureBaseUrl('http://intranet.example.com', 'Base URL', true)).toBe(
			'http://intranet.example.com',
		);
		expect(() => secureBaseUrl('ftp://x', 'Base URL', true)).toThrow('https://');
	});
});
