import { joinUrl, resolveRequestUrl } from '../../nodes/shared/http/request-options';

describe('resolveRequestUrl: the address of a request as n8n hands it to a credential', () => {
	test('an absolute url or uri is taken as it is', () => {
		expect(resolveRequestUrl({ url: 'https://api.example.com/v2/x?a=1' })?.href).toBe(
			'https://api.example.com/v2/x?a=1',
		);
		expect(resolveRequestUrl({ uri: 'https://api.example.com/v2/x' })?.pathname).toBe('/v2/x');
	});

	test('a relative url joins baseURL keeping its path, as n8n joins them', () => {
		expect(
			resolveRequestUrl({ baseURL: 'https://h.example/api/', url: '/contact/v1/users/status' })
				?.href,
		).toBe('https://h.example/api/contact/v1/users/status');
	});

	test('without a base, the credential host anchors the address and it is written back in the shape n8n used', () => {
		const uriShape: { uri?: string; url?: string } = { uri: 'v2/user/getUserRelations' };
		expect(resolveRequestUrl(uriShape, 'https://md.example/generalintegrate')?.href).toBe(
			'https://md.example/generalintegrate/v2/user/getUserRelations',
		);
		expect(uriShape).toEqual({
			uri: 'https://md.example/generalintegrate/v2/user/getUserRelations',
		});
		const urlShape: { uri?: string; url?: string } = { url: '/x' };
		resolveRequestUrl(urlShape, 'https://md.example/base/');
		expect(urlShape).toEqual({ url: 'https://md.example/base/x' });
	});

	test('nothing to anchor to, or an unparseable address, gives undefined', () => {
		expect(resolveRequestUrl({ url: '/x' })).toBeUndefined();
		expect(resolveRequestUrl({ url: 'https://exa mple.com/' })).toBeUndefined();
	});

	test('joinUrl keeps one slash between base and path', () => {
		expect(joinUrl('https://h/a/', '/b')).toBe('https://h/a/b');
		expect(joinUrl('https://h/a', 'b')).toBe('https://h/a/b');
		expect(joinUrl('https://h/a', '')).toBe('https://h/a');
	});
});
