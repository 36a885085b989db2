/** Reading a parameter per item, with `{{ $json.path }}` read straight from the item. */

import { isSafeObjectProperty } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Reading a parameter for thousands of items. n8n evaluates an expression per item, and for a
 * plain field reference such as `{{ $json.corpUserId }}` that evaluation is nearly all of a
 * node's time. Where such an expression can only yield the item's own field, the field is read
 * directly; a value without an expression is read once; anything else goes through n8n as usual.
 * test/shared/parameters-differential.test.ts holds the reader to n8n's own result.
 */

export type ItemParameterReader = (itemIndex: number) => unknown;

/**
 * `={{ $json.a.b }}`, `={{ $json["a b"] }}`, `={{ $json['a'].b }}` — nothing before or after the
 * braces: n8n turns `={{ $json.a }}\n` into text (an array becomes "x,y\n").
 */
const PLAIN_FIELD =
	/^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:"[^"\\]*"|'[^'\\]*')\s*\])+)\s*\}\}$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\]/g;

/**
 * The field path of a plain `$json` reference, or undefined when the expression is anything else
 * or names a property n8n refuses for security (`constructor`, `__proto__`, …).
 */
export function plainFieldPath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	const match = PLAIN_FIELD.exec(raw);
	if (!match) return undefined;
	const path = [...match[1].matchAll(SEGMENT)].map(
		(segment) => segment[1] ?? segment[2] ?? segment[3],
	);
	return path.every(isSafeObjectProperty) ? path : undefined;
}

const NOT_OWN = Symbol('not an own field');

/**
 * The field at `path` when every step is an own property of an object or array; otherwise
 * NOT_OWN, and n8n decides: a string's `.length`, a prototype's `toString`, a missing field's
 * child (n8n's error) are what n8n's evaluation gives, not ours.
 */
function ownFieldAt(json: IDataObject, path: readonly string[]): unknown {
	let value: unknown = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return NOT_OWN;
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

/** n8n's `$json` is the item of the node's one input; with several, n8n picks one itself. */
function hasOneMainInput(ctx: IExecuteFunctions): boolean {
	return ctx.getNodeInputs().filter((input) => input.type === 'main').length === 1;
}

/** A reader of a top-level node parameter for every item, as fast as its form allows. */
export function itemParameterReader(
	ctx: IExecuteFunctions,
	name: string,
	fallback?: unknown,
): ItemParameterReader {
	return readerOf(ctx, ctx.getNode().parameters[name], (itemIndex) =>
		fallback === undefined
			? ctx.getNodeParameter(name, itemIndex)
			: ctx.getNodeParameter(name, itemIndex, fallback),
	);
}

/**
 * A reader of a collection parameter (Additional Fields) for every item: each field it holds is
 * read as `itemParameterReader` reads a parameter, so a plain `{{ $json.field }}` in a collection
 * costs no expression evaluation either.
 */
export function collectionReader(
	ctx: IExecuteFunctions,
	name: string,
): (itemIndex: number) => IDataObject {
	const raw = ctx.getNode().parameters[name];
	if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !holdsExpression(raw)) {
		let constant: { value: IDataObject } | undefined;
		return (itemIndex) =>
			(constant ??= { value: ctx.getNodeParameter(name, itemIndex, {}) as IDataObject }).value;
	}
	const fields = Object.entries(raw).map(([key, value]): [string, ItemParameterReader] => [
		key,
		readerOf(ctx, value, (itemIndex) => ctx.getNodeParameter(`${name}.${key}`, itemIndex)),
	]);
	return (itemIndex) =>
		Object.fromEntries(fields.map(([key, read]) => [key, read(itemIndex)])) as IDataObject;
}

function readerOf(
	ctx: IExecuteFunctions,
	raw: unknown,
	read: ItemParameterReader,
): ItemParameterReader {
	if (!holdsExpression(raw)) {
		// No expression: the same value for every item.
		let constant: { value: unknown } | undefined;
		return (itemIndex) => (constant ??= { value: read(itemIndex) }).value;
	}
	const path = plainFieldPath(raw);
	if (!path || !hasOneMainInput(ctx)) return read;
	const items = ctx.getInputData();
	return (itemIndex) => {
		const item = items[itemIndex];
		const value = item ? ownFieldAt(item.json, path) : NOT_OWN;
		return value === NOT_OWN ? read(itemIndex) : value;
	};
}
