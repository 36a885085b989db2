import { plainFieldPath } from '../../nodes/shared/execution/parameters';

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
		// n8n turns the value into text when anything follows or precedes the braces.
		'={{ $json.corpUserId }}\n',
		'={{ $json.corpUserId }} ',
		' ={{ $json.corpUserId }}',
		// Names n8n refuses for security: n8n gives its error.
		'={{ $json.constructor }}',
		'={{ $json.a.__proto__ }}',
		'={{ $json["prototype"] }}',
	])('%s is evaluated by n8n', (raw) => {
		expect(plainFieldPath(raw)).toBeUndefined();
	});
});
