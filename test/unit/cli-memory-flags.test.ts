// The console's V8 flags are written in three places that cannot import them; they must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MEMORY_FLAGS } from '../../src/cli/memory-flags.js';

const flags = MEMORY_FLAGS.join(' ');

test('the #! line of the CLI runs node with the memory flags', () => {
  const first = readFileSync('src/cli/main.ts', 'utf8').split('\n')[0];
  assert.equal(first, `#!/usr/bin/env -S node ${flags}`);
});

test('npm start and npm run bench run node with the memory flags', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  // npm start runs the bundle inside scripts/start.mjs's process (after its build-stamp check).
  assert.ok(pkg.scripts['start']!.includes(`node ${flags} scripts/start.mjs`), pkg.scripts['start']);
  assert.ok(pkg.scripts['bench']!.includes(flags), pkg.scripts['bench']);
});

test('the bundle keeps the #! line, so the installed remlite gets the flags too', () => {
  const first = readFileSync('dist/bundle/remlite.cjs', 'utf8').split('\n')[0];
  assert.equal(first, `#!/usr/bin/env -S node ${flags}`);
});
