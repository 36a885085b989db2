// Copies every node's and credential's SVG icons and every node's codex file (<Node>.node.json:
// categories, aliases, documentation links) next to the compiled JavaScript, because tsc only
// emits .js/.d.ts and n8n resolves `icon: 'file:…'` and the codex relative to the compiled file.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.svg', 'credentials/**/*.svg', 'nodes/**/*.node.json'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
