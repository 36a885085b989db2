import { plainFieldPath } from '../../nodes/shared/parameters';

describe('plainFieldPath: which expressions are a plain read of the item field', () => {
	test.each([
		['={{ $json.corpUserId }}', ['corpUserId']],
		['={{$json.person.mobile}}', ['person', 'mobile']],
		['={{ $json["user id"] }}', ['user id']],
		["={{ $json['a'].b }}", ['a', 'b']],
	])('%s reads %j', (raw, path) => {
		expect(plainFieldPath(raw)).toEqual(path);
	});

	test.each([
		'={{ $json.id.trim() }}',
		'={{ $json.id + 1 }}',
		'={{ $("Other").item.json.id }}',
		'={{ $json.a }} and {{ $json.b }}',
		'=prefix {{ $json.id }}',
		'={{ $json }}',
		'corpUserId',
		'={{ $json[0] }}',
	])('%s is evaluated by n8n', (raw) => {
		expect(plainFieldPath(raw)).toBeUndefined();
	});
});
