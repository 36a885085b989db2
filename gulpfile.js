// Copies every node's and credential's SVG icons next to the compiled JavaScript, because
// tsc only emits .js/.d.ts and n8n resolves `icon: 'file:…'` relative to the compiled file.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist')),
);
