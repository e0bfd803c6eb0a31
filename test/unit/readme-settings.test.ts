// The README's settings table lists every key the settings schema accepts, with its default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SETTINGS_DEFAULTS, SETTINGS_SCHEMA } from '../../src/persist/settings.js';

test('every settings key is in the README table, with the default the code uses', () => {
  const readme = readFileSync('README.md', 'utf8');
  for (const key of Object.keys(SETTINGS_SCHEMA)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
    assert.ok(row, `README settings table has no row for ${key}`);
    const def = (SETTINGS_DEFAULTS as Record<string, unknown>)[key];
    if (typeof def === 'number') assert.ok(row.includes(`| ${def} |`), `${key}: default ${def} not in "${row}"`);
    if (typeof def === 'string') assert.ok(row.includes(`\`${def}\``), `${key}: default ${def} not in "${row}"`);
  }
});
