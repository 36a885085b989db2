import { VendorApiError } from '../../shared/errors';
import type { DepartmentRelation, UpsertAnswer, UserRelation, UsersPage } from './types';

/** Reads the `data` of Mingdao's answers: relations, pages of users, upsert answers. */

export function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A scalar field as text; null for anything else (Mingdao may send ids as numbers). */
export function scalarText(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function unexpected(path: string, what: string): VendorApiError {
	return new VendorApiError({ vendor: 'Mingdao', message: `${path} answered with ${what}` });
}

/** users/relations: ids with no relation are absent from the map. */
export function userRelationsOf(data: unknown, path: string): Map<string, UserRelation> {
	const list = data === null || data === undefined ? [] : data;
	if (!Array.isArray(list)) throw unexpected(path, 'data that is not a list');
	const out = new Map<string, UserRelation>();
	for (const entry of list) {
		if (!isRecord(entry)) continue;
		const corpUserId = scalarText(entry.corpUserId);
		if (corpUserId === null) continue;
		out.set(corpUserId, {
			corpUserId,
			accountId: scalarText(entry.accountId),
			projectId: scalarText(entry.projectId),
		});
	}
	return out;
}

/** One user's relation, or undefined when it has none. */
export function userRelationOf(data: unknown, corpUserId: string): UserRelation | undefined {
	const entry = Array.isArray(data) ? (data[0] as unknown) : data;
	if (!isRecord(entry)) return undefined;
	const accountId = scalarText(entry.accountId);
	if (accountId === null || accountId === '') return undefined;
	return {
		corpUserId: scalarText(entry.corpUserId) ?? corpUserId,
		accountId,
		projectId: scalarText(entry.projectId),
	};
}

export function departmentRelationsOf(
	data: unknown,
	path: string,
): Map<string, DepartmentRelation> {
	const list = data === null || data === undefined ? [] : data;
	if (!Array.isArray(list)) throw unexpected(path, 'data that is not a list');
	const out = new Map<string, DepartmentRelation>();
	for (const entry of list) {
		if (!isRecord(entry)) continue;
		const corpDepartmentId = scalarText(entry.corpDepartmentId);
		if (corpDepartmentId === null) continue;
		out.set(corpDepartmentId, { ...entry, corpDepartmentId });
	}
	return out;
}

/** Both a bare list and an object holding the list (and a total) are understood. */
export function usersPageOf(data: unknown, path: string): UsersPage {
	if (data === null || data === undefined) return { users: [] };
	if (Array.isArray(data)) return { users: data.filter(isRecord) };
	if (!isRecord(data)) throw unexpected(path, 'data that is neither a list nor an object');
	const listKey = ['users', 'list', 'rows', 'items', 'data'].find((key) =>
		Array.isArray(data[key]),
	);
	if (!listKey) throw unexpected(path, 'an object without a list of users');
	const totalKey = ['total', 'allCount', 'count', 'totalCount'].find(
		(key) => typeof data[key] === 'number',
	);
	return {
		users: (data[listKey] as unknown[]).filter(isRecord),
		total: totalKey ? (data[totalKey] as number) : undefined,
	};
}

/** A list of entries with corpUserId is read per user, anything else means only that the batch was accepted. */
export function upsertAnswersOf(data: unknown): Map<string, UpsertAnswer> {
	const out = new Map<string, UpsertAnswer>();
	if (!Array.isArray(data)) return out;
	for (const entry of data) {
		if (!isRecord(entry)) continue;
		const corpUserId = scalarText(entry.corpUserId);
		if (corpUserId !== null) out.set(corpUserId, { ...entry, corpUserId });
	}
	return out;
}
