// After `npm run build`: every node and credential the package.json "n8n" block names exists in
// dist/, exports a class named like its file (n8n loads require(file)[FileBaseName]) that the
// package's "main" re-exports, and every icon a node or credential points at was copied next to it.
const { existsSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

const root = join(__dirname, '..');
const { n8n } = require(join(root, 'package.json'));
const problems = [];
const iconFiles = (icon) =>
	typeof icon === 'string' ? [icon] : icon && typeof icon === 'object' ? Object.values(icon) : [];

const { main } = require(join(root, 'package.json'));
const entry = existsSync(join(root, main)) ? require(join(root, main)) : undefined;
if (!entry) problems.push(`${main} (package.json "main") is missing`);

for (const file of [...n8n.nodes, ...n8n.credentials]) {
	const full = join(root, file);
	if (!existsSync(full)) {
		problems.push(`${file} is missing`);
		continue;
	}
	const name = basename(file).replace(/\.(node|credentials)\.js$/, '');
	const Exported = require(full)[name];
	if (typeof Exported !== 'function') {
		problems.push(`${file} does not export ${name}`);
		continue;
	}
	if (entry && entry[name] !== Exported) problems.push(`${main} does not re-export ${name}`);
	const instance = new Exported();
	const icon = file.endsWith('.node.js') ? instance.description.icon : instance.icon;
	for (const ref of iconFiles(icon)) {
		if (
			typeof ref === 'string' &&
			ref.startsWith('file:') &&
			!existsSync(join(dirname(full), ref.slice(5)))
		) {
			problems.push(`${file}: icon ${ref} was not copied to dist`);
		}
	}
}
if (problems.length > 0) {
	console.error(`dist check failed:\n  ${problems.join('\n  ')}`);
	process.exit(1);
}
console.log(
	`dist check: ${n8n.nodes.length} nodes and ${n8n.credentials.length} credentials, all present with their icons`,
);
