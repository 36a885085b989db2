import { joinSentences } from '../../nodes/shared/text';

describe('joinSentences', () => {
	test('a part that ends its own sentence is not given a second full stop', () => {
		expect(
			joinSentences(['Get a fresh one from the OA login.', 'HTTP status 200', 'Request ID: r1']),
		).toBe('Get a fresh one from the OA login. HTTP status 200. Request ID: r1');
	});

	test('question and exclamation marks, and Chinese full stops, end a sentence too', () => {
		expect(joinSentences(['Is the clock right?', '请求被禁止。', 'Stop!', 'next'])).toBe(
			'Is the clock right? 请求被禁止。 Stop! next',
		);
	});

	test('empty and missing parts are left out; the last part keeps its own ending', () => {
		expect(joinSentences([undefined, '  ', 'Only this'])).toBe('Only this');
		expect(joinSentences(['First', undefined, 'Last.'])).toBe('First. Last.');
		expect(joinSentences([])).toBe('');
	});
});
