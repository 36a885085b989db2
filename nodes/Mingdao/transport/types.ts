/** The shapes of what Mingdao's user and relation calls take and answer. */

/** One user as upsertUsers takes it: the documented fields, plus whatever the user passes through. */
export type MingdaoUserWrite = Record<string, unknown> & { corpUserId: string; name: string };

/** What upsertUsers reported about one user, when its answer lists users (the shape is not documented). */
export type UpsertAnswer = Record<string, unknown> & { corpUserId: string };

export interface UserRelation {
	corpUserId: string;
	accountId: string | null;
	projectId: string | null;
}

export type DepartmentRelation = Record<string, unknown> & { corpDepartmentId: string };

export interface UsersPage {
	users: Array<Record<string, unknown>>;
	total?: number;
}
