// The README's failure-matrix table stays true to the code: every failure class of the detector
// catalogue has a row, and every test a row names exists (file and test title).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS } from '../../src/matrix/index.js';

/** The repository root, from test/unit or dist/test/unit. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'README.md')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('repository root not found');
}

interface Row {
  line: string;
  cls: string;
  files: string[];
  titles: string[];
}

function matrixRows(readme: string): Row[] {
  const start = readme.indexOf('\n## The failure matrix\n');
  assert.ok(start >= 0, 'README has a "## The failure matrix" section');
  const rest = readme.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  const section = end >= 0 ? rest.slice(0, end) : rest;
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  assert.ok(lines.length > 2, 'the section has a table');
  return lines.slice(2).map((line) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    assert.equal(cells.length, 5, `5 columns: ${line}`);
    const cls = /`([a-z0-9-]+)`/.exec(cells[1] ?? '')?.[1] ?? '';
    const proof = cells[4] ?? '';
    return {
      line,
      cls,
      files: [...proof.matchAll(/`(test\/[^`]+\.test\.tsx?)`/g)].map((m) => m[1]!),
      titles: [...proof.matchAll(/"([^"]+)"/g)].map((m) => m[1]!),
    };
  });
}

const root = repoRoot();
const rows = matrixRows(readFileSync(join(root, 'README.md'), 'utf8'));

test('every failure class of the catalogue has a row in the README failure matrix', () => {
  const documented = new Set(rows.map((r) => r.cls));
  const missing = [...new Set(CHECKS.map((c) => c.class))].filter((c) => !documented.has(c));
  assert.deepEqual(missing, [], 'classes without a README row');
  const unknown = rows.map((r) => r.cls).filter((c) => !CHECKS.some((k) => k.class === c));
  assert.deepEqual(unknown, [], 'README rows naming no class of the catalogue');
});

test('every row names at least one test, and each named test file exists and holds the named test title', () => {
  for (const row of rows) {
    assert.ok(row.files.length > 0, `a test file in: ${row.line}`);
    assert.ok(row.titles.length > 0, `a test title in: ${row.line}`);
    const sources = row.files.map((f) => {
      const p = join(root, f);
      assert.ok(existsSync(p), `${f} (named for ${row.cls}) exists`);
      return readFileSync(p, 'utf8').replace(/\\'/g, "'");
    });
    for (const title of row.titles) {
      assert.ok(
        sources.some((s) => s.includes(`'${title}'`) || s.includes(`"${title}"`) || s.includes(`\`${title}\``)),
        `test "${title}" is in ${row.files.join(' or ')}`,
      );
    }
  }
});
