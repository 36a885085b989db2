import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Reading a parameter for thousands of items. n8n evaluates an expression per item, and for a
 * plain field reference such as `{{ $json.corpUserId }}` that evaluation is nearly all of a
 * node's time. What such an expression yields is simply the item's field, so it is read directly;
 * a value without an expression is read once; any other expression goes through n8n as usual.
 */

export type ItemParameterReader = (itemIndex: number) => unknown;

/** `={{ $json.a.b }}`, `={{ $json["a b"] }}`, `={{ $json['a'].b }}` — nothing else. */
const PLAIN_FIELD = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:"[^"\\]*"|'[^'\\]*')\s*\])+)\s*\}\}$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\]/g;

/** The field path of a plain `$json` reference, or undefined when the expression is anything else. */
export function plainFieldPath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	const match = PLAIN_FIELD.exec(raw.trim());
	if (!match) return undefined;
	return [...match[1].matchAll(SEGMENT)].map((segment) => segment[1] ?? segment[2] ?? segment[3]);
}

function fieldAt(json: IDataObject, path: readonly string[]): unknown {
	let value: unknown = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

/** Whether a raw parameter value holds an expression anywhere (collections nest them). */
function holdsExpression(raw: unknown): boolean {
	if (typeof raw === 'string') return raw.startsWith('=');
	if (Array.isArray(raw)) return raw.some(holdsExpression);
	if (raw !== null && typeof raw === 'object') return Object.values(raw).some(holdsExpression);
	return false;
}

/** A reader of a top-level node parameter for every item, as fast as its form allows. */
export function itemParameterReader(ctx: IExecuteFunctions, name: string, fallback?: unknown): ItemParameterReader {
	const raw = ctx.getNode().parameters[name];
	const read = (itemIndex: number): unknown =>
		fallback === undefined ? ctx.getNodeParameter(name, itemIndex) : ctx.getNodeParameter(name, itemIndex, fallback);
	if (!holdsExpression(raw)) {
		// No expression: the same value for every item.
		let constant: { value: unknown } | undefined;
		return (itemIndex) => (constant ??= { value: read(itemIndex) }).value;
	}
	const path = plainFieldPath(raw);
	if (!path) return read;
	const items = ctx.getInputData();
	return (itemIndex) => fieldAt(items[itemIndex].json, path);
}
