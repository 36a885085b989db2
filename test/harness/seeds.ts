import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the vendor pages the project was created from are kept, outside the repository:
 * `shared/seeds/` beside the clone (CI), or EMPLOYEE_SYNC_SEEDS_DIR (a worktree, another checkout),
 * with `vendor-facts.md` one folder up. The tests never need them: the contract tests run on the
 * fixtures in test/fixtures/vendor-pages/, and the drift check compares those with these pages
 * whenever they are here.
 */
export const SEEDS_DIR =
	process.env.EMPLOYEE_SYNC_SEEDS_DIR ??
	join(resolve(__dirname, '..', '..'), '..', 'shared', 'seeds');

export const VENDOR_FACTS_FILE = join(SEEDS_DIR, '..', 'vendor-facts.md');

export function seedsAvailable(): boolean {
	return existsSync(SEEDS_DIR);
}

export interface SeedPage {
	file: string;
	text: string;
}

/** Every page of the seeds folder (file names carry no meaning). */
export function seedPages(): SeedPage[] {
	return readdirSync(SEEDS_DIR)
		.filter((name) => name.endsWith('.txt'))
		.map((name) => ({ file: name, text: readFileSync(join(SEEDS_DIR, name), 'utf8') }));
}

/** The one seed page the predicate picks out by its content. */
export function seedPage(what: string, matches: (text: string) => boolean): SeedPage {
	const pages = seedPages().filter((page) => matches(page.text));
	if (pages.length !== 1)
		throw new Error(`Expected one seed page about ${what} in ${SEEDS_DIR}, found ${pages.length}`);
	return pages[0];
}
