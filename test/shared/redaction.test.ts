import type { INode } from 'n8n-workflow';

import {
	ParameterError,
	TransportError,
	VendorApiError,
	toNodeError,
} from '../../nodes/shared/errors';
import { Redactor, REDACTION_MASK } from '../../nodes/shared/redact';
import { bodyExcerpt } from '../../nodes/shared/http/body';

const node: INode = {
	id: '1',
	name: 'Vendor',
	type: 'n8n-nodes-employee-sync.test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const SECRET = 'app-secret-8f2c1d';
const TOKEN = 'tok_51d0c0ffee';

describe('redaction', () => {
	test('registered secrets are masked wherever they appear, also percent-encoded', () => {
		const redactor = new Redactor([SECRET, TOKEN]);
		const text = `secret ${SECRET} in url ?x=${encodeURIComponent(`${SECRET}/`)} and ${TOKEN}`;
		const out = redactor.redact(text);
		expect(out).not.toContain(SECRET);
		expect(out).not.toContain(TOKEN);
		expect(out).toContain(REDACTION_MASK);
	});

	test('secret-named fields are masked even when the value was never registered', () => {
		const out = new Redactor().redact(
			'{"sign":"ABCDEF0123","access_token":"zzz-999","name":"Li"} sign=0a1b2c&x=1 X-Ca-Signature: q83+/x==',
		);
		expect(out).not.toMatch(/ABCDEF0123|zzz-999|0a1b2c|q83\+\/x==/);
		expect(out).toContain('"name":"Li"');
		expect(out).toContain('x=1');
	});

	test('short values are not registered, so messages are not mangled', () => {
		expect(new Redactor(['1']).redact('item 1 failed')).toBe('item 1 failed');
	});

	test('every error a user sees passes through the redactor', () => {
		const redactor = new Redactor([SECRET, TOKEN]);
		const errors = [
			new VendorApiError({
				vendor: 'WeLink',
				code: '47103',
				message: `token ${TOKEN} expired`,
				hint: `secret was ${SECRET}`,
				requestId: 'r-1',
			}),
			new TransportError({
				kind: 'non-json',
				message: 'not json',
				mayHaveReachedServer: true,
				excerpt: `<p>${SECRET}</p>`,
			}),
			new ParameterError('App Secret', `bad value ${SECRET}`),
			new Error(`plain ${TOKEN}`),
		];
		for (const error of errors) {
			const nodeError = toNodeError(node, error, 3, redactor);
			const visible = JSON.stringify({
				message: nodeError.message,
				description: nodeError.description,
				context: nodeError.context,
				cause: nodeError.cause,
			});
			expect(visible).not.toContain(SECRET);
			expect(visible).not.toContain(TOKEN);
			expect(nodeError.message).toContain('item 3');
		}
	});

	test('vendor errors keep code, message, request id and status for the user', () => {
		const nodeError = toNodeError(
			node,
			new VendorApiError({
				vendor: 'Aliyun IoT',
				code: '2459',
				message: 'oa error message',
				localizedMessage: '会话Id不存在',
				httpStatus: 200,
				requestId: 'abc-123',
			}),
			0,
			new Redactor(),
		);
		expect(nodeError.message).toBe(
			'Aliyun IoT error [2459]: oa error message (会话Id不存在) (item 0)',
		);
		expect(nodeError.description).toContain('Request ID: abc-123');
	});

	test('parameter errors name the item and the field', () => {
		const nodeError = toNodeError(
			node,
			new ParameterError('Page Size', 'Page Size must be a whole number from 1 to 50, got 0'),
			7,
			new Redactor(),
		);
		expect(nodeError.message).toBe(
			'Page Size must be a whole number from 1 to 50, got 0 (item 7, field "Page Size")',
		);
	});

	test('body excerpts are short, single-line and free of secret fields', () => {
		const excerpt = bodyExcerpt(`<html>\n<body>${'x'.repeat(500)} sign=deadbeef</body></html>`);
		expect(excerpt).not.toContain('\n');
		expect(excerpt.length).toBeLessThanOrEqual(161);
		expect(bodyExcerpt('{"token":"abcdef123"}')).not.toContain('abcdef123');
	});
});
