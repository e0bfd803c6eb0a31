// npm start rebuilds only when a build input changed (scripts/build-stamp.mjs): the staleness logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Stamp {
  fingerprint: string;
  node: string;
}
interface BuildStamp {
  sourceFingerprint(root: string): string;
  buildInputs(root: string): string[];
  writeStamp(root: string, fingerprint: string): void;
  checkBuild(root: string): string | undefined;
  staleReason(s: { stamp: Stamp | undefined; fingerprint: string; outputsPresent: boolean; node: string }): string | undefined;
}
// A plain .mjs script (npm runs it before anything is compiled), loaded from the checkout.
const stamps = (await import(pathToFileURL(path.resolve('scripts/build-stamp.mjs')).href)) as BuildStamp;

function tree(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'remlite-stamp-'));
  for (const d of ['src/cli', 'views', 'test/unit', 'dist/bundle', 'dist/src/cli', 'scripts']) mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(path.join(root, 'src/cli/main.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'views/app.tsx'), 'export const b = 2;\n');
  writeFileSync(path.join(root, 'package.json'), '{"name":"x","version":"1.0.0"}\n');
  writeFileSync(path.join(root, 'tsconfig.json'), '{}\n');
  writeFileSync(path.join(root, 'scripts/bundle.mjs'), '// bundler\n');
  writeFileSync(path.join(root, 'README.md'), 'readme\n');
  writeFileSync(path.join(root, 'dist/bundle/remlite.cjs'), '// built\n');
  writeFileSync(path.join(root, 'dist/bundle/start.cjs'), '// built\n');
  writeFileSync(path.join(root, 'dist/src/cli/main.js'), '// built\n');
  return root;
}

function built(): string {
  const root = tree();
  stamps.writeStamp(root, stamps.sourceFingerprint(root));
  assert.equal(stamps.checkBuild(root), undefined);
  return root;
}

test('a tree built from its current sources is fresh', () => {
  built();
});

test('touching every input (a fresh clone, a checkout) changes nothing the build reads: still fresh', () => {
  const root = built();
  const later = new Date(Date.now() + 60_000);
  for (const f of stamps.buildInputs(root)) utimesSync(path.join(root, f), later, later);
  assert.equal(stamps.checkBuild(root), undefined);
});

for (const [what, file, body] of [
  ['an edited .ts file', 'src/cli/main.ts', 'export const a = 2;\n'],
  ['an edited .tsx file', 'views/app.tsx', 'export const b = 3;\n'],
  ['a new source file', 'src/cli/new.ts', 'export {};\n'],
  ['a new test file', 'test/unit/x.test.ts', 'export {};\n'],
  ['package.json', 'package.json', '{"name":"x","version":"1.0.1"}\n'],
  ['tsconfig.json', 'tsconfig.json', '{"compilerOptions":{}}\n'],
  ['the bundler script', 'scripts/bundle.mjs', '// bundler 2\n'],
  ['a new package-lock.json', 'package-lock.json', '{}\n'],
] as const) {
  test(`${what} makes the build stale`, () => {
    const root = built();
    writeFileSync(path.join(root, file), body);
    assert.equal(stamps.checkBuild(root), 'sources changed since the last build');
  });
}

test('files the build does not read (README, dist/) leave it fresh', () => {
  const root = built();
  writeFileSync(path.join(root, 'README.md'), 'changed\n');
  writeFileSync(path.join(root, 'dist/src/cli/main.js'), '// rebuilt by hand\n');
  assert.equal(stamps.checkBuild(root), undefined);
});

test('a file moved to another folder changes the fingerprint (paths count, not only contents)', () => {
  const a = tree();
  const b = tree();
  writeFileSync(path.join(b, 'src/cli/main.ts'), '');
  writeFileSync(path.join(b, 'views/main.ts'), 'export const a = 1;\n');
  assert.notEqual(stamps.sourceFingerprint(a), stamps.sourceFingerprint(b));
});

test('staleReason: missing output, missing stamp, other sources, other node', () => {
  const ok = { stamp: { fingerprint: 'f', node: 'v20' }, fingerprint: 'f', outputsPresent: true, node: 'v20' };
  assert.equal(stamps.staleReason(ok), undefined);
  assert.equal(stamps.staleReason({ ...ok, outputsPresent: false }), 'no build output');
  assert.equal(stamps.staleReason({ ...ok, stamp: undefined }), 'no build stamp');
  assert.equal(stamps.staleReason({ ...ok, fingerprint: 'g' }), 'sources changed since the last build');
  assert.equal(stamps.staleReason({ ...ok, node: 'v22' }), 'built with node v20, running v22');
});

test('a deleted bundle or a corrupt stamp makes the build stale', () => {
  const root = built();
  writeFileSync(path.join(root, 'dist/.build-stamp.json'), 'not json');
  assert.equal(stamps.checkBuild(root), 'no build stamp');
  const other = built();
  rmSync(path.join(other, 'dist/bundle/remlite.cjs'));
  assert.equal(stamps.checkBuild(other), 'no build output');
});
