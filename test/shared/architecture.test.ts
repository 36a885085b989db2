import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import ts from 'typescript';

/**
 * The layout a reader relies on (README "Architecture"): every vendor folder has the same files in
 * the same roles, nothing imports in a circle, and no emulator imports the code it checks.
 */

const root = resolve(__dirname, '..', '..');
const VENDORS = ['Shiheng', 'Mingdao', 'WeLink', 'AliyunIot'];

function filesUnder(folder: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(folder)) {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) out.push(...filesUnder(path));
		else out.push(path);
	}
	return out;
}

/** Relative module specifiers a TypeScript file imports or re-exports (type-only ones included). */
function relativeImports(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	const specifiers = [
		...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g),
	].map((m) => m[1]);
	specifiers.push(...[...source.matchAll(/require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]));
	return specifiers;
}

function resolveModule(from: string, specifier: string): string | undefined {
	const base = resolve(dirname(from), specifier);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not this candidate
		}
	}
	return undefined;
}

describe('vendor folders', () => {
	/** The role of a file inside nodes/<Vendor>/, with the vendor's own names replaced. */
	const roleOf = (vendor: string, path: string): string | undefined => {
		const rel = relative(join(root, 'nodes', vendor), path);
		const rules: Array<[RegExp, string]> = [
			[new RegExp(`^${vendor}\\.node\\.ts$`), 'node'],
			[new RegExp(`^${vendor}\\.node\\.json$`), 'codex'],
			[new RegExp(`^${vendor}Trigger\\.node\\.(ts|json)$`), 'trigger'],
			[/^[A-Za-z]+\.dark\.svg$/, 'dark icon'],
			[/^[A-Za-z]+\.svg$/, 'icon'],
			[/^actions\/router\.ts$/, 'router'],
			[/^actions\/versionDescription\.ts$/, 'description'],
			[/^actions\/common\.descriptions\.ts$/, 'common descriptions'],
			[/^actions\/[a-zA-Z]+\/[A-Z][a-zA-Z]+\.resource\.ts$/, 'resource'],
			[/^actions\/[a-zA-Z]+\/[a-z][a-zA-Z]+\.operation\.ts$/, 'operation'],
			[/^transport\/client\.ts$/, 'client'],
			[/^transport\/auth\.ts$/, 'auth'],
			[/^transport\/connection\.ts$/, 'connection'],
			[/^transport\/[a-z][a-zA-Z]+\.ts$/, 'transport helper'],
			[/^helpers\/codes\.ts$/, 'codes'],
			[/^helpers\/output\.ts$/, 'output'],
			[/^helpers\/[a-z][a-zA-Z]+\.ts$/, 'helper'],
			[/^trigger\/[a-z][a-zA-Z]+\.ts$/, 'trigger'],
		];
		return rules.find(([pattern]) => pattern.test(rel))?.[1];
	};
	const REQUIRED = [
		'node',
		'codex',
		'icon',
		'dark icon',
		'router',
		'description',
		'resource',
		'operation',
		'client',
		'auth',
		'connection',
		'codes',
		'output',
	];

	test.each(VENDORS)('nodes/%s has every role, and every file has one', (vendor) => {
		const files = filesUnder(join(root, 'nodes', vendor));
		const unplaced = files
			.filter((file) => roleOf(vendor, file) === undefined)
			.map((file) => relative(root, file));
		expect(unplaced).toEqual([]);
		const roles = new Set(files.map((file) => roleOf(vendor, file)));
		expect(REQUIRED.filter((role) => !roles.has(role))).toEqual([]);
		expect(statSync(join(root, 'credentials', `${vendor}Api.credentials.ts`)).isFile()).toBe(true);
	});
});

test('no import cycle in nodes/ and credentials/ (type-only imports included)', () => {
	const files = [
		...filesUnder(join(root, 'nodes')),
		...filesUnder(join(root, 'credentials')),
	].filter((file) => file.endsWith('.ts'));
	const edges = new Map(
		files.map((file) => [
			file,
			relativeImports(file)
				.map((spec) => resolveModule(file, spec))
				.filter((f): f is string => f !== undefined),
		]),
	);
	const cycles: string[] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (file: string) => {
		state.set(file, 'open');
		stack.push(file);
		for (const next of edges.get(file) ?? []) {
			if (state.get(next) === 'open')
				cycles.push(
					[...stack.slice(stack.indexOf(next)), next].map((f) => relative(root, f)).join(' → '),
				);
			else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(file, 'done');
	};
	for (const file of files) if (!state.has(file)) visit(file);
	expect(cycles).toEqual([]);
});

test('emulators implement the vendors on their own: nothing under test/emulators reaches nodes/ or credentials/, directly or through another file', () => {
	const pending = filesUnder(join(root, 'test', 'emulators')).filter((file) =>
		file.endsWith('.ts'),
	);
	expect(pending.length).toBeGreaterThanOrEqual(5);
	const seen = new Set<string>();
	const offending: string[] = [];
	while (pending.length > 0) {
		const file = pending.pop() as string;
		if (seen.has(file)) continue;
		seen.add(file);
		for (const spec of relativeImports(file)) {
			const target = resolveModule(file, spec);
			if (!target) continue;
			if (/^(nodes|credentials)\//.test(relative(root, target)))
				offending.push(`${relative(root, file)} → ${relative(root, target)}`);
			else pending.push(target);
		}
	}
	expect(offending).toEqual([]);
});

/** Every import and re-export of a file, with whether it brings in values at run time (TypeScript's parser). */
function importsOf(file: string): Array<{ specifier: string; typeOnly: boolean }> {
	const source = ts.createSourceFile(
		file,
		readFileSync(file, 'utf8'),
		ts.ScriptTarget.ES2022,
		false,
	);
	const out: Array<{ specifier: string; typeOnly: boolean }> = [];
	for (const statement of source.statements) {
		if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
			const clause = statement.importClause;
			const namedTypesOnly =
				clause?.namedBindings !== undefined &&
				ts.isNamedImports(clause.namedBindings) &&
				clause.name === undefined &&
				clause.namedBindings.elements.every((element) => element.isTypeOnly);
			out.push({
				specifier: statement.moduleSpecifier.text,
				typeOnly: clause?.isTypeOnly === true || namedTypesOnly,
			});
		} else if (
			ts.isExportDeclaration(statement) &&
			statement.moduleSpecifier &&
			ts.isStringLiteral(statement.moduleSpecifier)
		) {
			out.push({ specifier: statement.moduleSpecifier.text, typeOnly: statement.isTypeOnly });
		}
	}
	return out;
}

/** The names a file exports (declarations marked `export`). */
function exportedNames(file: string): string[] {
	const source = ts.createSourceFile(
		file,
		readFileSync(file, 'utf8'),
		ts.ScriptTarget.ES2022,
		false,
	);
	const names: string[] = [];
	for (const statement of source.statements) {
		const exported =
			ts.canHaveModifiers(statement) &&
			ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
		if (!exported) continue;
		if (ts.isVariableStatement(statement)) {
			for (const declaration of statement.declarationList.declarations)
				if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
		} else if (
			(ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
			statement.name
		) {
			names.push(statement.name.text);
		}
	}
	return names;
}

describe('nodes/shared in layers (docs/architecture.md)', () => {
	const shared = join(root, 'nodes', 'shared');
	const LAYERS = ['http', 'scale-out', 'execution', 'descriptions'];
	const layerOf = (file: string): string => {
		const rel = relative(shared, file);
		return rel.includes('/') ? rel.split('/')[0] : 'top';
	};
	/** What each layer may import from the others; the top files (errors, redact, text, validate, logger) are open to all. */
	const MAY_IMPORT: Record<string, string[]> = {
		top: ['top'],
		http: ['top', 'http'],
		'scale-out': ['top', 'http', 'scale-out'],
		descriptions: ['top', 'http', 'descriptions'],
		execution: ['top', 'http', 'scale-out', 'execution', 'descriptions'],
	};

	test('nodes/shared holds only the layer folders and the top files', () => {
		const folders = readdirSync(shared).filter((name) =>
			statSync(join(shared, name)).isDirectory(),
		);
		expect(folders.sort()).toEqual([...LAYERS].sort());
		const top = readdirSync(shared).filter((name) => !folders.includes(name));
		expect(top.sort()).toEqual(['errors.ts', 'logger.ts', 'redact.ts', 'text.ts', 'validate.ts']);
	});

	test('each layer imports only the layers below it; http and scale-out never load n8n-workflow at run time', () => {
		const offending: string[] = [];
		for (const file of filesUnder(shared).filter((f) => f.endsWith('.ts'))) {
			const layer = layerOf(file);
			for (const { specifier, typeOnly } of importsOf(file)) {
				if (
					specifier === 'n8n-workflow' &&
					!typeOnly &&
					(layer === 'http' || layer === 'scale-out')
				) {
					offending.push(`${relative(root, file)} → n8n-workflow (a value)`);
				}
				if (!specifier.startsWith('.')) continue;
				const target = resolveModule(file, specifier);
				if (!target) continue;
				if (!target.startsWith(shared)) {
					offending.push(
						`${relative(root, file)} → ${relative(root, target)} (outside nodes/shared)`,
					);
					continue;
				}
				if (!MAY_IMPORT[layer].includes(layerOf(target)))
					offending.push(`${relative(root, file)} → ${relative(root, target)}`);
			}
		}
		expect(offending).toEqual([]);
	});

	test('every file under nodes/shared opens with a one-line comment on its job', () => {
		const without = filesUnder(shared)
			.filter((file) => file.endsWith('.ts'))
			.filter((file) => !/^\/\*\* .+ \*\/$/.test(readFileSync(file, 'utf8').split('\n')[0]))
			.map((file) => relative(root, file));
		expect(without).toEqual([]);
	});
});

test('no file under nodes/ is over 250 lines, and there are no barrel files', () => {
	const files = filesUnder(join(root, 'nodes')).filter((file) => file.endsWith('.ts'));
	const long = files
		.filter((file) => readFileSync(file, 'utf8').split('\n').length > 251)
		.map((file) => relative(root, file));
	expect(long).toEqual([]);
	const barrels = [...files, ...filesUnder(join(root, 'credentials'))].filter((file) =>
		/(^|\/)index\.ts$/.test(file),
	);
	expect(barrels).toEqual([]);
});

describe('one naming contract for every vendor transport', () => {
	/** The vendor's prefix in constant names. */
	const PREFIX: Record<string, string> = {
		Shiheng: 'SHIHENG',
		Mingdao: 'MINGDAO',
		WeLink: 'WELINK',
		AliyunIot: 'ALIYUN_IOT',
	};
	const constantName = (vendor: string) => PREFIX[vendor];

	test.each(VENDORS)(
		'nodes/%s/transport/client.ts exports createClient and <VENDOR>_PATHS; the vendor exports <VENDOR>_PROFILE',
		(vendor) => {
			const client = join(root, 'nodes', vendor, 'transport', 'client.ts');
			const names = exportedNames(client);
			expect(names).toEqual(
				expect.arrayContaining(['createClient', `${constantName(vendor)}_PATHS`]),
			);
			// WeLink's token fetch needs the profile before a client exists, so it lives with WeLink's codes.
			const profileFiles = [client, join(root, 'nodes', vendor, 'helpers', 'codes.ts')];
			expect(profileFiles.flatMap(exportedNames)).toContain(`${constantName(vendor)}_PROFILE`);
			// The same signature everywhere: (run: OperationRun<Connection>, options: IDataObject[, defaults]) → { client, concurrency }.
			const text = readFileSync(client, 'utf8');
			expect(text).toMatch(
				new RegExp(
					`export function createClient\\(\\s*run: OperationRun<${vendor}Connection>,\\s*options: IDataObject[^)]*\\): \\{ client: ${vendor}Client; concurrency: number \\}`,
				),
			);
		},
	);
});

test('every Options collection under nodes/ comes from the one builder (descriptions/options.ts optionsCollection)', () => {
	const builder = join(root, 'nodes', 'shared', 'descriptions', 'options.ts');
	const stringProperty = (node: ts.ObjectLiteralExpression, key: string): string | undefined => {
		for (const property of node.properties) {
			if (
				ts.isPropertyAssignment(property) &&
				property.name.getText() === key &&
				ts.isStringLiteral(property.initializer)
			) {
				return property.initializer.text;
			}
		}
		return undefined;
	};
	const offending: string[] = [];
	for (const file of filesUnder(join(root, 'nodes')).filter(
		(path) => path.endsWith('.ts') && path !== builder,
	)) {
		const source = ts.createSourceFile(
			file,
			readFileSync(file, 'utf8'),
			ts.ScriptTarget.Latest,
			true,
		);
		const visit = (node: ts.Node): void => {
			if (
				ts.isObjectLiteralExpression(node) &&
				stringProperty(node, 'type') === 'collection' &&
				stringProperty(node, 'name') === 'options'
			) {
				offending.push(
					`${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} builds an Options collection`,
				);
			}
			if (ts.isIdentifier(node) && node.text === 'requestTuningFields') {
				offending.push(
					`${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} takes the tuning fields past the builder`,
				);
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
	}
	expect(offending).toEqual([]);
});
