import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The vendor pages the project was created from (`shared/seeds/`), read at test time so the
 * contract tests check the client against the vendor's own words, not a copy. CI keeps shared/
 * beside the clone; EMPLOYEE_SYNC_SEEDS_DIR points elsewhere (a worktree, another checkout).
 */
export const SEEDS_DIR = process.env.EMPLOYEE_SYNC_SEEDS_DIR ?? join(resolve(__dirname, '..', '..'), '..', 'shared', 'seeds');

export interface SeedPage {
	file: string;
	text: string;
}

/** The one seed page the predicate picks out by its content (file names carry no meaning). */
export function seedPage(what: string, matches: (text: string) => boolean): SeedPage {
	if (!existsSync(SEEDS_DIR)) {
		throw new Error(`The vendor seed pages are not at ${SEEDS_DIR}: CI keeps shared/ beside the clone; elsewhere set EMPLOYEE_SYNC_SEEDS_DIR`);
	}
	const pages = readdirSync(SEEDS_DIR)
		.filter((name) => name.endsWith('.txt'))
		.map((name) => ({ file: name, text: readFileSync(join(SEEDS_DIR, name), 'utf8') }))
		.filter((page) => matches(page.text));
	if (pages.length !== 1) throw new Error(`Expected one seed page about ${what} in ${SEEDS_DIR}, found ${pages.length}`);
	return pages[0];
}
